/*
 * `/v1/access-requests`: the REST face of AccessRequestService, described in
 * `src/schema/openapi.yaml`. Every body and query is validated here; who may do what is decided
 * by the permission framework inside the service.
 */
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ACCESS_PERMISSIONS,
  MAX_ROW_FILTER_LENGTH,
} from '@datalake-portal/backstage-plugin-datalake-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { jsonBody } from '../jsonBody';
import { AccessRequestService } from './AccessRequestService';

const columnList = z.array(z.string().min(1).max(255)).min(1).max(1000);
const rowFilter = z.string().min(1).max(MAX_ROW_FILTER_LENGTH);
const comment = z.string().max(2000);

const createSchema = z.strictObject({
  entityRef: z.string().min(1).max(512),
  columns: columnList.optional(),
  excludeColumns: columnList.optional(),
  rowFilter: rowFilter.optional(),
  permissions: z.array(z.enum(ACCESS_PERMISSIONS)).min(1).max(2),
  justification: z.string().trim().min(1).max(2000),
  durationDays: z.number().int().min(1),
});

const approveSchema = z.strictObject({
  comment: comment.optional(),
  columns: columnList.optional(),
  rowFilter: rowFilter.optional(),
});

const decideSchema = z.strictObject({ comment: comment.optional() });

const STATUSES = [
  'pending',
  'approved',
  'granted',
  'rejected',
  'revoked',
  'expired',
  'failed',
] as const;

const listSchema = z.strictObject({
  view: z.enum(['mine', 'to-approve']).optional(),
  entityRef: z.string().min(1).max(512).optional(),
  status: z
    .union([z.enum(STATUSES), z.array(z.enum(STATUSES))])
    .optional()
    .transform(s => (s === undefined ? undefined : [s].flat())),
});

const idSchema = z.string().uuid();

/** Room for two 2000-character texts and a few hundred column names, which real tables stay under. */
const ACCESS_REQUEST_BODY_LIMIT_KB = 64;

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
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
 * The access request routes.
 *
 * @public
 */
export function createAccessRouter(options: {
  httpAuth: HttpAuthService;
  service: AccessRequestService;
}): express.Router {
  const { httpAuth, service } = options;
  const router = Router();
  router.use('/v1/access-requests', ...jsonBody(ACCESS_REQUEST_BODY_LIMIT_KB));

  const userCredentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  router.post('/v1/access-requests', async (req, res) => {
    const credentials = await userCredentials(req);
    const body = parse(createSchema, req.body ?? {}, 'body');
    res.status(201).json(await service.create(body, credentials));
  });

  router.get('/v1/access-requests', async (req, res) => {
    const credentials = await userCredentials(req);
    const query = parse(listSchema, req.query, 'query');
    res.json({ items: await service.list(query, credentials) });
  });

  router.get('/v1/access-requests/:id', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = parse(idSchema, req.params.id, 'id');
    res.json(await service.get(id, credentials));
  });

  router.get('/v1/access-requests/:id/audit', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = parse(idSchema, req.params.id, 'id');
    res.json({ items: await service.audit(id, credentials) });
  });

  router.post('/v1/access-requests/:id/approve', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = parse(idSchema, req.params.id, 'id');
    const body = parse(approveSchema, req.body ?? {}, 'body');
    res.json(await service.approve(id, body, credentials));
  });

  router.post('/v1/access-requests/:id/reject', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = parse(idSchema, req.params.id, 'id');
    const body = parse(decideSchema, req.body ?? {}, 'body');
    res.json(await service.reject(id, body, credentials));
  });

  router.post('/v1/access-requests/:id/revoke', async (req, res) => {
    const credentials = await userCredentials(req);
    const id = parse(idSchema, req.params.id, 'id');
    const body = parse(decideSchema, req.body ?? {}, 'body');
    res.json(await service.revoke(id, body, credentials));
  });

  return router;
}
