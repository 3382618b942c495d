import {
  AccessAuditEvent,
  AccessRequest,
  AccessRequestStatus,
} from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * An access request as stored: the API shape plus what the backend keeps for itself.
 *
 * @public
 */
export type StoredAccessRequest = AccessRequest & {
  /** The Glue catalog id (account) of the table, when the entity's table ARN names one. */
  catalogId?: string;
  /** The table's column names when the request was made; approvals narrow within them. */
  tableColumns: string[];
  /** When a node last took the grant of an approved request in hand (a lease). */
  grantClaimedAt?: string;
  expiryNotifiedAt?: string;
};

/** An audit entry before the store gives it its place in the log. @public */
export type NewAccessAuditEvent = Omit<AccessAuditEvent, 'requestId'>;

/** Fields a state transition may set; `undefined` leaves a field alone, `null` clears it. @public */
export type AccessRequestPatch = {
  [K in
    | 'scope'
    | 'statusReason'
    | 'decidedBy'
    | 'decidedAt'
    | 'decisionComment'
    | 'grantedAt'
    | 'expiresAt'
    | 'dataCellsFilter'
    | 'grantClaimedAt'
    | 'expiryNotifiedAt']?: StoredAccessRequest[K] | null;
};

/** A conditional state change of one request, applied with its audit entry or not at all. @public */
export type AccessRequestTransition = {
  /** The change applies only when the request is in one of these states. */
  from: readonly AccessRequestStatus[];
  to?: AccessRequestStatus;
  patch?: AccessRequestPatch;
  /** Only when the grant lease is free: never claimed, or claimed before this instant. */
  claimedBefore?: string;
  /** Only when the expiry notice has not been sent. */
  notExpiryNotified?: boolean;
  audit?: NewAccessAuditEvent;
};

/** @public */
export type AccessRequestQuery = {
  requester?: string;
  entityRef?: string;
  tableOwners?: readonly string[];
  statuses?: readonly AccessRequestStatus[];
  /** Only requests whose grant expires at or before this instant. */
  expiresBefore?: string;
  /** Only principals among these (for the revoke bookkeeping). */
  principal?: string;
  limit?: number;
};

/**
 * Persistence of access requests and their append-only audit log. Every method that changes a
 * request writes its audit entry in the same transaction.
 *
 * @public
 */
export interface AccessRequestStore {
  /**
   * Stores a new pending request. `pendingKey` identifies requester, table and scope; a second
   * pending request with the same key fails with a `ConflictError` and writes nothing.
   */
  create(
    request: StoredAccessRequest,
    pendingKey: string,
    audit: NewAccessAuditEvent,
  ): Promise<StoredAccessRequest>;
  get(id: string): Promise<StoredAccessRequest | undefined>;
  list(query: AccessRequestQuery): Promise<StoredAccessRequest[]>;
  /** Applies the transition if the request is in an expected state; `undefined` otherwise. */
  transition(
    id: string,
    transition: AccessRequestTransition,
  ): Promise<StoredAccessRequest | undefined>;
  appendAudit(requestId: string, event: NewAccessAuditEvent): Promise<void>;
  listAudit(requestId: string): Promise<AccessAuditEvent[]>;
}
