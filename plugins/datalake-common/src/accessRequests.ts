/*
 * Access requests: what a user asks for on a table, what an owner decides, and what the backend
 * granted in Lake Formation. Shared by the REST API, the store and the frontend.
 */

/** The Lake Formation permissions a request may ask for. @public */
export const ACCESS_PERMISSIONS = ['SELECT', 'DESCRIBE'] as const;

/** @public */
export type AccessPermission = (typeof ACCESS_PERMISSIONS)[number];

/**
 * The life of a request: `pending` → `approved` (decided, grant not yet confirmed) → `granted`
 * → `expired` or `revoked`; `rejected` by an owner; `failed` when Lake Formation refused the
 * grant (the reason is kept). A pending request withdrawn by its requester becomes `revoked`.
 *
 * @public
 */
export type AccessRequestStatus =
  | 'pending'
  | 'approved'
  | 'granted'
  | 'rejected'
  | 'revoked'
  | 'expired'
  | 'failed';

/** The states in which a request still holds, or will hold, a grant. @public */
export const ACTIVE_ACCESS_STATUSES: readonly AccessRequestStatus[] = [
  'approved',
  'granted',
];

/**
 * What part of a table a request covers. Without columns, excluded columns and row filter it
 * is the whole table; `columns` and `excludeColumns` are mutually exclusive.
 *
 * @public
 */
export type AccessScope = {
  columns?: string[];
  excludeColumns?: string[];
  /** A PartiQL condition over the table's columns, as Lake Formation data cells filters take it. */
  rowFilter?: string;
};

/** The body of `POST /v1/access-requests`. @public */
export type CreateAccessRequest = AccessScope & {
  /** The table entity, e.g. `resource:default/sakila_silver.customer`. */
  entityRef: string;
  permissions: AccessPermission[];
  justification: string;
  durationDays: number;
};

/**
 * The body of `POST /v1/access-requests/{id}/approve`: an optional comment, and optionally a
 * narrower scope (a subset of the requested columns and/or an additional row filter).
 *
 * @public
 */
export type ApproveAccessRequest = {
  comment?: string;
  columns?: string[];
  rowFilter?: string;
};

/** The body of `/reject` and `/revoke`. @public */
export type DecideAccessRequest = {
  comment?: string;
};

/** An access request as the API returns it. @public */
export type AccessRequest = {
  id: string;
  entityRef: string;
  /** The Glue database and table, resolved on the server from the entity. */
  database: string;
  table: string;
  /** The owner group of the table when the request was made; its members approve. */
  tableOwner: string;
  /** The user entity ref of the requester. */
  requester: string;
  /** The IAM role or Identity Center ARN the grant is for, from `datalake.access.principals`. */
  principal: string;
  /**
   * When `principal` is a group's shared role: that group's entity ref. Everyone who can assume
   * the role gets the access, not the requester alone.
   */
  principalSharedBy?: string;
  /** What was asked for. */
  requestedScope: AccessScope;
  /** What is (or will be) granted: the requested scope, possibly narrowed by the approver. */
  scope: AccessScope;
  permissions: AccessPermission[];
  justification: string;
  durationDays: number;
  status: AccessRequestStatus;
  /** Why the request failed, was rejected or revoked, when known. */
  statusReason?: string;
  createdAt: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  grantedAt?: string;
  expiresAt?: string;
  /** The Lake Formation data cells filter of a row-filtered grant. */
  dataCellsFilter?: string;
};

/** `GET /v1/access-requests` answers. @public */
export type AccessRequestList = {
  items: AccessRequest[];
};

/** Which requests `GET /v1/access-requests` lists. @public */
export type AccessRequestFilter = {
  /** `mine`: requested by the caller; `to-approve`: pending on tables the caller may approve. */
  view?: 'mine' | 'to-approve';
  entityRef?: string;
  status?: AccessRequestStatus[];
};

/** One entry of a request's append-only audit log. @public */
export type AccessAuditEvent = {
  requestId: string;
  at: string;
  /** A user entity ref, or `plugin:datalake` for the scheduled jobs. */
  actor: string;
  action:
    | 'created'
    | 'approved'
    | 'rejected'
    | 'granted'
    | 'grant-failed'
    | 'grant-repaired'
    | 'revoked'
    | 'expired'
    | 'expiry-notified';
  details?: Record<string, unknown>;
};
