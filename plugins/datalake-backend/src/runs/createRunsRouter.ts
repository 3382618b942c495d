/*
 * `GET /v1/runs?entityRef=…&limit=&cursor=`: DMS, Glue and Step Functions status of a table.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { requireEntityRef } from '../lineage/createLineageRouter';
import { parseLimit, RunStatusService } from './RunStatusService';

/** @public */
export function createRunsRouter(options: {
  httpAuth: HttpAuthService;
  runs: RunStatusService;
}): express.Router {
  const { httpAuth, runs } = options;
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

  return router;
}
