import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  BasicPermission,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import {
  SOURCE_ID_PATTERN,
  datalakeSourceInspectPermission,
  datalakeSourceReadPermission,
  MAX_INSPECTED_TABLES,
  SOURCE_TABLE_NAME_PATTERN,
} from '@datalake-portal/backstage-plugin-datalake-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { SourceInspectionService } from './services/SourceInspectionService';

const sourceIdSchema = z
  .string()
  .regex(SOURCE_ID_PATTERN, 'a source id holds only a-z, 0-9 and -');

const tablesBodySchema = z
  .object({
    tables: z
      .array(
        z
          .string()
          .regex(
            SOURCE_TABLE_NAME_PATTERN,
            'a table name holds only letters, digits, _ and $ (at most 64 characters)',
          ),
      )
      .max(MAX_INSPECTED_TABLES)
      .optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${[what, ...i.path].join('.')}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid request: ${issues}`);
  }
  return result.data;
}

/**
 * The versioned REST routes of the data lake backend, described in `src/schema/openapi.yaml`.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  sources: SourceInspectionService;
}): Promise<express.Router> {
  const { httpAuth, permissions, sources } = options;
  const router = Router();
  router.use(express.json());

  async function authorize(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  router.get('/v1/sources', async (req, res) => {
    await authorize(req, datalakeSourceReadPermission);
    res.json({ items: sources.listSources() });
  });

  router.get('/v1/sources/:id', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    await authorize(req, datalakeSourceReadPermission);
    res.json(sources.getSource(id));
  });

  router.post('/v1/sources/:id/inspect', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    const body = parse(tablesBodySchema, req.body ?? {}, 'body');
    await authorize(req, datalakeSourceInspectPermission);
    res.json(await sources.inspect(id, body.tables));
  });

  router.post('/v1/sources/:id/preflight', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    const body = parse(tablesBodySchema, req.body ?? {}, 'body');
    await authorize(req, datalakeSourceInspectPermission);
    res.json(await sources.preflight(id, body.tables));
  });

  return router;
}
