import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  SOURCE_ID_PATTERN,
  datalakeSourceInspectPermission,
  datalakeSourceReadPermission,
  MAX_INSPECTED_TABLES,
  SOURCE_TABLE_NAME_PATTERN,
  SourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  actorOf,
  audited,
} from '@datalake-portal/backstage-plugin-datalake-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { jsonBody } from './jsonBody';
import { SourceInspectionService } from './services/SourceInspectionService';
import { SourcePermissionQuery } from './sources';

/** 1000 table names of 64 characters, as JSON, with room to spare. */
const SOURCES_BODY_LIMIT_KB = 100;

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
  /** Inspections and preflights, allowed or refused, go to Backstage's auditor. */
  auditor: AuditorService;
  permissions: PermissionsService;
  sources: SourceInspectionService;
  /** The source rules (`IS_SOURCE_OWNER`), to apply conditional decisions to a source. */
  sourceRules: PermissionRuleset<SourceSummary, SourcePermissionQuery>;
}): Promise<express.Router> {
  const { httpAuth, permissions, sources } = options;
  const applyConditions = createConditionAuthorizer(options.sourceRules);
  const router = Router();
  router.use('/v1/sources', ...jsonBody(SOURCES_BODY_LIMIT_KB));

  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  async function authorizeRead(req: express.Request) {
    const [decision] = await permissions.authorize(
      [{ permission: datalakeSourceReadPermission }],
      { credentials: await credentialsOf(req) },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${datalakeSourceReadPermission.name}`,
      );
    }
  }

  /**
   * Asks the policy once and applies its conditions to the source as configured (its `owner`),
   * the way the access routes apply theirs to the stored request.
   */
  async function authorizeInspect(req: express.Request, id: string) {
    const credentials = await credentialsOf(req);
    const source = sources.getSource(id);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: datalakeSourceInspectPermission }],
      { credentials },
    );
    const allowed =
      decision.result === AuthorizeResult.CONDITIONAL
        ? applyConditions(decision, source)
        : decision.result === AuthorizeResult.ALLOW;
    if (!allowed) {
      throw new NotAllowedError(
        `Not allowed: ${datalakeSourceInspectPermission.name} on source '${id}' (owners of ${source.owner} and admins only)`,
      );
    }
  }

  router.get('/v1/sources', async (req, res) => {
    await authorizeRead(req);
    res.json({ items: sources.listSources() });
  });

  router.get('/v1/sources/:id', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    await authorizeRead(req);
    res.json(sources.getSource(id));
  });

  /** An inspection or preflight, as a `source-inspect` auditor event. */
  async function auditedCheck<T extends object>(
    req: express.Request,
    id: string,
    check: 'inspect' | 'preflight',
    run: () => Promise<T>,
  ): Promise<T> {
    return audited(
      options.auditor,
      {
        eventId: 'source-inspect',
        severityLevel: 'medium',
        request: req,
        actor: actorOf(await credentialsOf(req)),
        meta: { sourceId: id, check },
      },
      async () => {
        await authorizeInspect(req, id);
        return run();
      },
      result => ({
        tables: ((result as { tables?: unknown[] }).tables ?? []).length,
        ...('ready' in result ? { ready: Boolean(result.ready) } : {}),
      }),
    );
  }

  router.post('/v1/sources/:id/inspect', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    const body = parse(tablesBodySchema, req.body ?? {}, 'body');
    res.json(
      await auditedCheck(req, id, 'inspect', () =>
        sources.inspect(id, body.tables),
      ),
    );
  });

  router.post('/v1/sources/:id/preflight', async (req, res) => {
    const id = parse(sourceIdSchema, req.params.id, 'id');
    const body = parse(tablesBodySchema, req.body ?? {}, 'body');
    res.json(
      await auditedCheck(req, id, 'preflight', () =>
        sources.preflight(id, body.tables),
      ),
    );
  });

  return router;
}
