/*
 * `GET /v1/runs?entityRef=…&limit=&cursor=`: DMS, Glue and Step Functions status of a table, or
 * of a pipeline entity's tables, and the pipeline's schedule with its next run.
 * `POST /v1/runs/start {entityRef}`: "Run now", the table's pipeline, or a pipeline entity's,
 * started outside its schedule.
 * `POST /v1/runs/reload {entityRef}`: "Reload", the bronze or silver table's MySQL table loaded
 * again by DMS, then its pipeline run.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { jsonBody } from '../jsonBody';
import { requireEntityRef } from '../lineage/createLineageRouter';
import { PipelineRunStarter } from './PipelineRunStarter';
import { TableReloader } from './TableReloader';
import { parseLimit, RunStatusService } from './RunStatusService';

/** @public */
export function createRunsRouter(options: {
  httpAuth: HttpAuthService;
  runs: RunStatusService;
  /** Serves `POST /v1/runs/start` when given. */
  starter?: PipelineRunStarter;
  /** Serves `POST /v1/runs/reload` when given. */
  reloader?: TableReloader;
}): express.Router {
  const { httpAuth, runs, starter, reloader } = options;
  const router = Router();

  router.get('/v1/runs', async (req, res) => {
    const entityRef = requireEntityRef(req.query);
    const limit = parseLimit(req.query.limit);
    const cursor = req.query.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw new InputError('Invalid request: query.cursor must be a string');
    }
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await runs.getRuns(
        entityRef,
        { limit, cursor: cursor || undefined },
        credentials,
      ),
    );
  });

  if (starter) {
    router.use('/v1/runs/start', ...jsonBody(4));
    router.post('/v1/runs/start', async (req, res) => {
      const entityRef = req.body?.entityRef;
      if (typeof entityRef !== 'string' || !entityRef.trim()) {
        throw new InputError('Invalid request: body.entityRef is required');
      }
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      res.status(202).json(await starter.start(entityRef, credentials));
    });
  }

  if (reloader) {
    router.use('/v1/runs/reload', ...jsonBody(4));
    router.post('/v1/runs/reload', async (req, res) => {
      const entityRef = req.body?.entityRef;
      if (typeof entityRef !== 'string' || !entityRef.trim()) {
        throw new InputError('Invalid request: body.entityRef is required');
      }
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      res.status(202).json(await reloader.reload(entityRef, credentials));
    });
  }

  return router;
}
