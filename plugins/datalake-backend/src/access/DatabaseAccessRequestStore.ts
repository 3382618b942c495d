import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  AccessAuditEvent,
  AccessPermission,
  AccessRequestStatus,
  AccessScope,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { Knex } from 'knex';
import {
  AccessRequestPatch,
  AccessRequestQuery,
  AccessRequestStore,
  AccessRequestTransition,
  NewAccessAuditEvent,
  StoredAccessRequest,
} from './AccessRequestStore';

const REQUESTS = 'datalake_access_requests';
const AUDIT = 'datalake_access_audit';

const migrationsDir = resolvePackagePath(
  '@datalake-portal/backstage-plugin-datalake-backend',
  'migrations',
);

type Row = {
  id: string;
  entity_ref: string;
  database_name: string;
  table_name: string;
  catalog_id: string | null;
  table_owner: string;
  table_columns: string;
  requester: string;
  principal: string;
  requested_scope: string;
  scope: string;
  permissions: string;
  justification: string;
  duration_days: number;
  status: string;
  status_reason: string | null;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  granted_at: string | null;
  expires_at: string | null;
  expiry_notified_at: string | null;
  grant_claimed_at: string | null;
  data_cells_filter: string | null;
  pending_key: string | null;
};

const PATCH_COLUMNS: Record<keyof AccessRequestPatch, keyof Row> = {
  scope: 'scope',
  statusReason: 'status_reason',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  decisionComment: 'decision_comment',
  grantedAt: 'granted_at',
  expiresAt: 'expires_at',
  dataCellsFilter: 'data_cells_filter',
  grantClaimedAt: 'grant_claimed_at',
  expiryNotifiedAt: 'expiry_notified_at',
};

const optional = <T>(value: T | null): T | undefined =>
  value === null ? undefined : value;

function fromRow(row: Row): StoredAccessRequest {
  const request: StoredAccessRequest = {
    id: row.id,
    entityRef: row.entity_ref,
    database: row.database_name,
    table: row.table_name,
    catalogId: optional(row.catalog_id),
    tableOwner: row.table_owner,
    tableColumns: JSON.parse(row.table_columns),
    requester: row.requester,
    principal: row.principal,
    requestedScope: JSON.parse(row.requested_scope) as AccessScope,
    scope: JSON.parse(row.scope) as AccessScope,
    permissions: row.permissions.split(',') as AccessPermission[],
    justification: row.justification,
    durationDays: Number(row.duration_days),
    status: row.status as AccessRequestStatus,
    statusReason: optional(row.status_reason),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    decidedBy: optional(row.decided_by),
    decidedAt: optional(row.decided_at),
    decisionComment: optional(row.decision_comment),
    grantedAt: optional(row.granted_at),
    expiresAt: optional(row.expires_at),
    expiryNotifiedAt: optional(row.expiry_notified_at),
    grantClaimedAt: optional(row.grant_claimed_at),
    dataCellsFilter: optional(row.data_cells_filter),
  };
  for (const key of Object.keys(request) as Array<keyof StoredAccessRequest>) {
    if (request[key] === undefined) delete request[key];
  }
  return request;
}

function isUniqueViolation(e: unknown): boolean {
  const error = e as { code?: string; message?: string };
  return (
    error?.code === '23505' ||
    error?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    error?.code === 'ER_DUP_ENTRY' ||
    /UNIQUE constraint failed/.test(error?.message ?? '')
  );
}

/**
 * The knex store of access requests (SQLite, PostgreSQL).
 *
 * @public
 */
export class DatabaseAccessRequestStore implements AccessRequestStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseAccessRequestStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'datalake_knex_migrations',
      });
    }
    return new DatabaseAccessRequestStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async create(
    request: StoredAccessRequest,
    pendingKey: string,
    audit: NewAccessAuditEvent,
  ): Promise<StoredAccessRequest> {
    try {
      await this.db.transaction(async trx => {
        await trx<Row>(REQUESTS).insert({
          id: request.id,
          entity_ref: request.entityRef,
          database_name: request.database,
          table_name: request.table,
          catalog_id: request.catalogId ?? null,
          table_owner: request.tableOwner,
          table_columns: JSON.stringify(request.tableColumns),
          requester: request.requester,
          principal: request.principal,
          requested_scope: JSON.stringify(request.requestedScope),
          scope: JSON.stringify(request.scope),
          permissions: request.permissions.join(','),
          justification: request.justification,
          duration_days: request.durationDays,
          status: request.status,
          created_at: request.createdAt,
          updated_at: request.updatedAt,
          pending_key: pendingKey,
        });
        await this.insertAudit(trx, request.id, audit);
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new ConflictError(
          `A pending request for ${request.entityRef} with the same scope already exists for ${request.requester}`,
        );
      }
      throw e;
    }
    return (await this.get(request.id))!;
  }

  async get(id: string): Promise<StoredAccessRequest | undefined> {
    const row = await this.db<Row>(REQUESTS).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(query: AccessRequestQuery): Promise<StoredAccessRequest[]> {
    const builder = this.db<Row>(REQUESTS).select('*');
    if (query.requester) builder.where('requester', query.requester);
    if (query.entityRef) builder.where('entity_ref', query.entityRef);
    if (query.principal) builder.where('principal', query.principal);
    if (query.tableOwners) {
      builder.whereIn('table_owner', [...query.tableOwners]);
    }
    if (query.statuses) builder.whereIn('status', [...query.statuses]);
    if (query.expiresBefore) {
      builder.where('expires_at', '<=', query.expiresBefore);
    }
    builder.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (query.limit) builder.limit(query.limit);
    return (await builder).map(fromRow);
  }

  async transition(
    id: string,
    transition: AccessRequestTransition,
  ): Promise<StoredAccessRequest | undefined> {
    const updated = await this.db.transaction(async trx => {
      const now = transition.audit?.at ?? new Date().toISOString();
      const changes: Partial<Row> = { updated_at: now };
      if (transition.to) {
        changes.status = transition.to;
        if (transition.to !== 'pending') changes.pending_key = null;
      }
      for (const [field, column] of Object.entries(PATCH_COLUMNS) as Array<
        [keyof AccessRequestPatch, keyof Row]
      >) {
        const value = transition.patch?.[field];
        if (value === undefined) continue;
        (changes as Record<string, unknown>)[column] =
          value !== null && typeof value === 'object'
            ? JSON.stringify(value)
            : value;
      }
      const builder = trx<Row>(REQUESTS)
        .where('id', id)
        .whereIn('status', [...transition.from]);
      if (transition.claimedBefore) {
        const cutoff = transition.claimedBefore;
        builder.where(q =>
          q
            .whereNull('grant_claimed_at')
            .orWhere('grant_claimed_at', '<', cutoff),
        );
      }
      if (transition.notExpiryNotified) builder.whereNull('expiry_notified_at');
      const count = await builder.update(changes);
      if (count === 0) return false;
      if (transition.audit) await this.insertAudit(trx, id, transition.audit);
      return true;
    });
    return updated ? this.get(id) : undefined;
  }

  async appendAudit(requestId: string, event: NewAccessAuditEvent) {
    await this.insertAudit(this.db, requestId, event);
  }

  async listAudit(requestId: string): Promise<AccessAuditEvent[]> {
    const rows = await this.db(AUDIT)
      .where('request_id', requestId)
      .orderBy('seq', 'asc');
    return rows.map(row => ({
      requestId: row.request_id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      ...(row.details ? { details: JSON.parse(row.details) } : {}),
    }));
  }

  private async insertAudit(
    db: Knex | Knex.Transaction,
    requestId: string,
    event: NewAccessAuditEvent,
  ) {
    await db(AUDIT).insert({
      request_id: requestId,
      at: event.at,
      actor: event.actor,
      action: event.action,
      details: event.details ? JSON.stringify(event.details) : null,
    });
  }
}
