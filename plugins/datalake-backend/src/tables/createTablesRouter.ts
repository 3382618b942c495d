/*
 * The table routes: freshness and Iceberg metadata of a table entity. Both take an entity ref,
 * never an S3 location; see TableMetadataService for how it is resolved.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { TableMetadataService } from './TableMetadataService';

const tableQuerySchema = z.object({
  entityRef: z
    .string({ required_error: 'is required' })
    .min(1, 'is required')
    .max(512, 'is at most 512 characters')
    .refine(value => {
      try {
        parseEntityRef(value);
        return true;
      } catch {
        return false;
      }
    }, 'must be an entity ref such as resource:default/sakila-silver-rental'),
});

function parseQuery(query: unknown): z.infer<typeof tableQuerySchema> {
  const result = tableQuerySchema.safeParse(query);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${['query', ...i.path].join('.')} ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid request: ${issues}`);
  }
  return result.data;
}

/**
 * `GET /v1/freshness?entityRef=…` and `GET /v1/tables/metadata?entityRef=…`.
 *
 * @public
 */
export function createTablesRouter(options: {
  httpAuth: HttpAuthService;
  tables: TableMetadataService;
}): express.Router {
  const { httpAuth, tables } = options;
  const router = Router();

  router.get('/v1/freshness', async (req, res) => {
    const { entityRef } = parseQuery(req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await tables.getFreshness(entityRef, { credentials }));
  });

  router.get('/v1/tables/metadata', async (req, res) => {
    const { entityRef } = parseQuery(req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await tables.getMetadata(entityRef, { credentials }));
  });

  return router;
}
