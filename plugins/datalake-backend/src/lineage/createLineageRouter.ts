/*
 * `GET /v1/lineage?entityRef=…&depth=N` and `GET /v1/lineage/openlineage?entityRef=…`. The
 * caller's credentials go to the catalog, so catalog permissions decide what the graph shows.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { LineageService, parseDepth } from './LineageService';

/** Reads `entityRef` from a query, with a clear 400 when it is missing. */
export function requireEntityRef(query: express.Request['query']): string {
  const value = query.entityRef;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError('Invalid request: query.entityRef is required');
  }
  if (value.length > 512) {
    throw new InputError(
      'Invalid request: query.entityRef is at most 512 characters',
    );
  }
  return value;
}

/** @public */
export function createLineageRouter(options: {
  httpAuth: HttpAuthService;
  lineage: LineageService;
  /** Namespace of the OpenLineage jobs (`datalake.lineage.openLineageNamespace`). */
  openLineageNamespace: string;
}): express.Router {
  const { httpAuth, lineage, openLineageNamespace } = options;
  const router = Router();

  router.get('/v1/lineage', async (req, res) => {
    const entityRef = requireEntityRef(req.query);
    const depth = parseDepth(req.query.depth);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await lineage.getLineage(entityRef, depth, credentials));
  });

  router.get('/v1/lineage/openlineage', async (req, res) => {
    const entityRef = requireEntityRef(req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await lineage.getOpenLineage(
        entityRef,
        credentials,
        openLineageNamespace,
      ),
    );
  });

  return router;
}
