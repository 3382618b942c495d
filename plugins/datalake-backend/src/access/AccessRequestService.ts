/*
 * The access request flow: create, list, approve or reject, grant, revoke. Decisions are
 * committed with their audit entry before Lake Formation is called, and a grant moves the
 * request to `granted` only after Lake Formation confirmed it, so that a crash in between leaves
 * an `approved` request that the reconcile job completes.
 */
import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  assertError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  actorOf,
  audited,
  ProviderTables,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  AccessAuditEvent,
  AccessRequest,
  AccessRequestFilter,
  ApproveAccessRequest,
  CreateAccessRequest,
  DecideAccessRequest,
  datalakeAccessRequestApprovePermission,
  datalakeAccessRequestReadPermission,
  datalakeAccessRequestRevokePermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { randomUUID } from 'node:crypto';
import {
  AccessConfig,
  principalSharedBy,
  resolvePrincipal,
} from './accessConfig';
import { AccessNotifier } from './AccessNotifier';
import { AccessRequestAuthorizer } from './AccessRequestAuthorizer';
import { AccessRequestStore, StoredAccessRequest } from './AccessRequestStore';
import { GrantItem, itemsToRevoke, planGrants } from './grantPlan';
import { LakeFormationGrants } from './LakeFormationGrants';
import { resolveTable } from './resolveTable';
import { narrowScope, normalizeScope, pendingKeyOf } from './scope';

/** The actor of the scheduled jobs in the audit log. @public */
export const SYSTEM_ACTOR = 'plugin:datalake';

const DAY_MS = 24 * 60 * 60 * 1000;
const LIST_LIMIT = 500;

/**
 * What the API shows of a stored request: the internal bookkeeping stays inside, and the group
 * that shares its principal, if any, is added.
 */
export function toApi(
  request: StoredAccessRequest,
  config: Pick<AccessConfig, 'principals'>,
): AccessRequest {
  const {
    tableColumns: _columns,
    grantClaimedAt: _claim,
    expiryNotifiedAt: _notice,
    catalogId: _catalog,
    ...visible
  } = request;
  const sharedBy = principalSharedBy(config, request.principal);
  return sharedBy ? { ...visible, principalSharedBy: sharedBy } : visible;
}

/** @public */
export type AccessRequestServiceOptions = {
  store: AccessRequestStore;
  config: AccessConfig;
  catalog: CatalogService;
  /** Which table entities are trusted, and the Glue tables behind them. */
  tables: ProviderTables;
  userInfo: UserInfoService;
  authorizer: AccessRequestAuthorizer;
  grants: LakeFormationGrants;
  notifier: AccessNotifier;
  logger: LoggerService;
  /** Every decision also goes to Backstage's auditor, beside the request's own audit log. */
  auditor: AuditorService;
  /** The clock; tests move it to expire grants. */
  now?: () => Date;
};

/** @public */
export class AccessRequestService {
  private readonly now: () => Date;

  constructor(private readonly options: AccessRequestServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private async user(credentials: BackstageCredentials) {
    if ((credentials.principal as { type?: string }).type !== 'user') {
      throw new NotAllowedError('Access requests are made by users');
    }
    return this.options.userInfo.getUserInfo(credentials);
  }

  private async createUnaudited(
    input: CreateAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const { config, store, catalog, tables } = this.options;
    const user = await this.user(credentials);
    if (
      !Number.isInteger(input.durationDays) ||
      input.durationDays < 1 ||
      input.durationDays > config.maxDurationDays
    ) {
      throw new InputError(
        `durationDays must be a whole number of days between 1 and ${config.maxDurationDays}, got ${input.durationDays}`,
      );
    }
    const table = await resolveTable(
      catalog,
      tables,
      input.entityRef,
      credentials,
    );
    const scope = normalizeScope(
      input,
      table.columns,
      `${table.database}.${table.table}`,
    );
    const principal = resolvePrincipal(
      config,
      user.userEntityRef,
      user.ownershipEntityRefs,
    );
    const at = this.now().toISOString();
    const request: StoredAccessRequest = {
      id: randomUUID(),
      entityRef: table.entityRef,
      database: table.database,
      table: table.table,
      ...(table.catalogId ? { catalogId: table.catalogId } : {}),
      tableOwner: table.owner,
      tableColumns: table.columns,
      requester: user.userEntityRef,
      principal,
      requestedScope: scope,
      scope,
      permissions: [...new Set(input.permissions)].sort(),
      justification: input.justification.trim(),
      durationDays: input.durationDays,
      status: 'pending',
      createdAt: at,
      updatedAt: at,
    };
    const created = await store.create(
      request,
      pendingKeyOf(request.requester, request.entityRef, scope),
      {
        at,
        actor: user.userEntityRef,
        action: 'created',
        details: { scope, permissions: request.permissions, principal },
      },
    );
    await this.options.notifier.newRequest(created);
    return toApi(created, config);
  }

  /** Files a request (audited as `access-request`, action `create`). */
  async create(
    input: CreateAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    return this.audited(
      'create',
      credentials,
      { entityRef: input.entityRef },
      () => this.createUnaudited(input, credentials),
    );
  }

  async approve(
    id: string,
    body: ApproveAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    return this.audited('approve', credentials, { requestId: id }, () =>
      this.approveUnaudited(id, body, credentials),
    );
  }

  async reject(
    id: string,
    body: DecideAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    return this.audited('reject', credentials, { requestId: id }, () =>
      this.rejectUnaudited(id, body, credentials),
    );
  }

  async revoke(
    id: string,
    body: DecideAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    return this.audited('revoke', credentials, { requestId: id }, () =>
      this.revokeUnaudited(id, body, credentials),
    );
  }

  /** A decision on a request as an `access-request` auditor event: who, what, the outcome. */
  private audited(
    action: 'create' | 'approve' | 'reject' | 'revoke',
    credentials: BackstageCredentials,
    meta: { entityRef?: string; requestId?: string },
    run: () => Promise<AccessRequest>,
  ): Promise<AccessRequest> {
    return audited(
      this.options.auditor,
      {
        eventId: 'access-request',
        severityLevel: action === 'create' ? 'low' : 'medium',
        actor: actorOf(credentials),
        meta: { action, ...meta },
      },
      run,
      r => ({
        requestId: r.id,
        entityRef: r.entityRef,
        status: r.status,
        principal: r.principal,
      }),
    );
  }

  async list(
    filter: AccessRequestFilter,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest[]> {
    const { store, authorizer } = this.options;
    const canRead = await authorizer.predicate(
      datalakeAccessRequestReadPermission,
      credentials,
    );
    let requester: string | undefined;
    let canApprove: (r: StoredAccessRequest) => boolean = () => true;
    if (filter.view === 'mine') {
      requester = (await this.user(credentials)).userEntityRef;
    } else if (filter.view === 'to-approve') {
      canApprove = await authorizer.predicate(
        datalakeAccessRequestApprovePermission,
        credentials,
      );
    }
    const statuses =
      filter.view === 'to-approve' ? (['pending'] as const) : filter.status;
    const rows = await store.list({
      requester,
      entityRef: filter.entityRef,
      statuses,
      limit: LIST_LIMIT,
    });
    return rows
      .filter(r => canRead(r) && canApprove(r))
      .map(r => toApi(r, this.options.config));
  }

  private async load(id: string): Promise<StoredAccessRequest> {
    const request = await this.options.store.get(id);
    if (!request) throw new NotFoundError(`No access request ${id}`);
    return request;
  }

  async get(id: string, credentials: BackstageCredentials) {
    const request = await this.load(id);
    await this.options.authorizer.assert(
      datalakeAccessRequestReadPermission,
      request,
      credentials,
      'read',
    );
    return toApi(request, this.options.config);
  }

  async audit(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<AccessAuditEvent[]> {
    await this.get(id, credentials);
    return this.options.store.listAudit(id);
  }

  private async approveUnaudited(
    id: string,
    body: ApproveAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const request = await this.load(id);
    await this.options.authorizer.assert(
      datalakeAccessRequestApprovePermission,
      request,
      credentials,
      'approve',
    );
    const approver = (await this.user(credentials)).userEntityRef;
    this.refuseOwnRequest(request, approver, 'approve');
    const scope = narrowScope(
      request.requestedScope,
      body,
      request.tableColumns,
      `${request.database}.${request.table}`,
    );
    const at = this.now().toISOString();
    const approved = await this.options.store.transition(id, {
      from: ['pending'],
      to: 'approved',
      patch: {
        scope,
        decidedBy: approver,
        decidedAt: at,
        decisionComment: body.comment ?? null,
        grantClaimedAt: at,
      },
      audit: {
        at,
        actor: approver,
        action: 'approved',
        details: { scope, comment: body.comment },
      },
    });
    if (!approved) throw this.notPending(id);
    await this.options.notifier.toRequester(
      approved,
      `Access to ${approved.database}.${approved.table} approved`,
    );
    return toApi(await this.grant(approved, approver), this.options.config);
  }

  private async rejectUnaudited(
    id: string,
    body: DecideAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const request = await this.load(id);
    await this.options.authorizer.assert(
      datalakeAccessRequestApprovePermission,
      request,
      credentials,
      'reject',
    );
    const approver = (await this.user(credentials)).userEntityRef;
    this.refuseOwnRequest(request, approver, 'reject');
    const at = this.now().toISOString();
    const rejected = await this.options.store.transition(id, {
      from: ['pending'],
      to: 'rejected',
      patch: {
        decidedBy: approver,
        decidedAt: at,
        decisionComment: body.comment ?? null,
      },
      audit: {
        at,
        actor: approver,
        action: 'rejected',
        details: { comment: body.comment },
      },
    });
    if (!rejected) throw this.notPending(id);
    await this.options.notifier.toRequester(
      rejected,
      `Access to ${rejected.database}.${rejected.table} rejected`,
    );
    return toApi(rejected, this.options.config);
  }

  private async revokeUnaudited(
    id: string,
    body: DecideAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest> {
    const request = await this.load(id);
    await this.options.authorizer.assert(
      datalakeAccessRequestRevokePermission,
      request,
      credentials,
      'revoke',
    );
    const actor = (await this.user(credentials)).userEntityRef;
    const ended = await this.end(request, 'revoked', actor, body.comment);
    if (ended.requester !== actor) {
      await this.options.notifier.toRequester(
        ended,
        `Access to ${ended.database}.${ended.table} revoked`,
        'high',
      );
    }
    return toApi(ended, this.options.config);
  }

  /**
   * Applies the grants of an approved request and marks it granted. A refusal by Lake Formation
   * (bad input, missing table, no permission) fails the request with the reason; an outage leaves
   * it approved for the reconcile job and is recorded in the audit log.
   */
  async grant(
    request: StoredAccessRequest,
    actor: string,
  ): Promise<StoredAccessRequest> {
    return audited(
      this.options.auditor,
      {
        eventId: 'access-grant',
        severityLevel: 'high',
        actor,
        meta: { requestId: request.id, principal: request.principal },
      },
      () => this.grantUnaudited(request, actor),
      r => ({ status: r.status, statusReason: r.statusReason ?? null }),
      // Refused by Lake Formation: the request failed, and so did the grant.
      r =>
        r.status === 'failed'
          ? new Error(r.statusReason ?? 'the grant failed')
          : undefined,
    );
  }

  private async grantUnaudited(
    request: StoredAccessRequest,
    actor: string,
  ): Promise<StoredAccessRequest> {
    const { grants, store, logger } = this.options;
    const plan = planGrants(request);
    try {
      if (plan.filter) await grants.putFilter(plan.filter);
      await grants.grant(request.principal, plan.items);
    } catch (e) {
      assertError(e);
      const at = this.now().toISOString();
      if (e instanceof ServiceUnavailableError || !isKnownRefusal(e)) {
        logger.warn(
          `Grant of access request ${request.id} will be retried by the reconcile job: ${e.message}`,
        );
        await store.appendAudit(request.id, {
          at,
          actor,
          action: 'grant-failed',
          details: { error: e.message, retry: true },
        });
        return (await store.get(request.id))!;
      }
      // A refusal can come after some grants landed (the database's DESCRIBE, the first of
      // several resources): take back what this request put there, so that a failed request
      // leaves no access behind. What another active request of the principal needs stays.
      let rolledBack: string | undefined;
      try {
        await this.revokeInLakeFormation(request);
      } catch (rollbackError) {
        assertError(rollbackError);
        rolledBack = rollbackError.message;
        logger.warn(
          `Rolling back the partial grant of access request ${request.id} failed; the reconcile job revokes it: ${rollbackError.message}`,
        );
      }
      const failed = await store.transition(request.id, {
        from: ['approved'],
        to: 'failed',
        patch: { statusReason: e.message, grantClaimedAt: null },
        audit: {
          at,
          actor,
          action: 'grant-failed',
          details: {
            error: e.message,
            retry: false,
            rolledBack: rolledBack === undefined,
            ...(rolledBack ? { rollbackError: rolledBack } : {}),
          },
        },
      });
      if (failed) {
        await this.options.notifier.toRequester(
          failed,
          `Access to ${failed.database}.${failed.table} could not be granted`,
          'high',
        );
      }
      return failed ?? (await this.load(request.id));
    }
    const at = this.now();
    const granted = await store.transition(request.id, {
      from: ['approved'],
      to: 'granted',
      patch: {
        grantedAt: at.toISOString(),
        expiresAt: new Date(
          at.getTime() + request.durationDays * DAY_MS,
        ).toISOString(),
        dataCellsFilter: plan.filter?.name ?? null,
        grantClaimedAt: null,
      },
      audit: {
        at: at.toISOString(),
        actor,
        action: 'granted',
        details: {
          principal: request.principal,
          resources: plan.items.map(i => ({
            key: i.key,
            permissions: i.permissions,
          })),
        },
      },
    });
    if (!granted) {
      // Revoked (or granted by another node) while Lake Formation was answering.
      const current = await this.load(request.id);
      if (current.status === 'revoked') {
        await this.revokeInLakeFormation(current);
      }
      return current;
    }
    await this.options.notifier.toRequester(
      granted,
      `Access to ${granted.database}.${granted.table} granted until ${granted.expiresAt}`,
    );
    return granted;
  }

  /**
   * Ends a request: pending ones are withdrawn, approved and granted ones lose their grants.
   * The request is claimed first so that the reconcile job does not repair the grants it is
   * taking away; it is marked ended only once Lake Formation has revoked them.
   */
  async end(
    initial: StoredAccessRequest,
    to: 'revoked' | 'expired',
    actor: string,
    comment?: string,
  ): Promise<StoredAccessRequest> {
    const { store } = this.options;
    let request = initial;
    const at = this.now().toISOString();
    const audit = {
      at,
      actor,
      action: to,
      details: comment ? { comment } : undefined,
    } as const;
    if (request.status === 'pending' && to === 'revoked') {
      const withdrawn = await store.transition(request.id, {
        from: ['pending'],
        to,
        patch: { statusReason: comment ?? 'withdrawn' },
        audit,
      });
      if (withdrawn) return withdrawn;
      request = await this.load(request.id);
    }
    if (request.status !== 'approved' && request.status !== 'granted') {
      throw new ConflictError(
        `Access request ${request.id} is ${request.status}; only pending, approved or granted requests can be revoked`,
      );
    }
    await store.transition(request.id, {
      from: ['approved', 'granted'],
      patch: { grantClaimedAt: at },
    });
    await this.revokeInLakeFormation(request);
    const ended = await store.transition(request.id, {
      from: ['approved', 'granted'],
      to,
      patch: {
        statusReason: comment ?? null,
        grantClaimedAt: null,
      },
      audit,
    });
    return ended ?? this.load(request.id);
  }

  /** Takes away what this request granted and no other active request of its principal needs. */
  async revokeInLakeFormation(request: StoredAccessRequest) {
    const { store, grants } = this.options;
    const plan = planGrants(request);
    const others = await store.list({
      principal: request.principal,
      statuses: ['approved', 'granted'],
    });
    const stillNeeded: GrantItem[] = others
      .filter(o => o.id !== request.id)
      .flatMap(o => planGrants(o).items);
    await grants.revoke(
      request.principal,
      itemsToRevoke(plan.items, stillNeeded),
    );
    if (plan.filter) await grants.deleteFilter(plan.filter);
  }

  /**
   * Nobody decides their own request, whatever a policy says: the portal's policy refuses it, and
   * this holds for any other policy too.
   */
  private refuseOwnRequest(
    request: StoredAccessRequest,
    actor: string,
    action: 'approve' | 'reject',
  ) {
    if (
      request.requester.toLocaleLowerCase('en-US') ===
      actor.toLocaleLowerCase('en-US')
    ) {
      throw new NotAllowedError(
        `You may not ${action} access request ${request.id}: it is your own`,
      );
    }
  }

  private notPending(id: string) {
    return new ConflictError(
      `Access request ${id} is no longer pending; it was decided already`,
    );
  }
}

/** Errors Lake Formation answers for a grant that will not succeed on retry. */
function isKnownRefusal(e: Error): boolean {
  return [
    'InputError',
    'NotFoundError',
    'NotAllowedError',
    'ConflictError',
  ].includes(e.name);
}
