import { parseEntityRef } from '@backstage/catalog-model';
import { Table, TableColumn } from '@backstage/core-components';
import {
  AccessRequest,
  AccessRequestStatus,
  AccessScope,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { Box, Button, Typography } from '@material-ui/core';

/** @public */
export type AccessRequestAction = {
  label: string;
  /** Which requests the action applies to. */
  when: (request: AccessRequest) => boolean;
  run: (request: AccessRequest) => void;
};

/** How a scope reads in one line. */
export function describeScope(scope: AccessScope): string {
  let columns = 'all columns';
  if (scope.columns) {
    columns = `columns ${scope.columns.join(', ')}`;
  } else if (scope.excludeColumns) {
    columns = `all columns except ${scope.excludeColumns.join(', ')}`;
  }
  const parts = [columns];
  if (scope.rowFilter) parts.push(`rows where ${scope.rowFilter}`);
  return parts.join('; ');
}

const STATUS_LABELS: Record<AccessRequestStatus, string> = {
  pending: 'pending',
  approved: 'approved, granting',
  granted: 'granted',
  rejected: 'rejected',
  revoked: 'revoked',
  expired: 'expired',
  failed: 'failed',
};

/** `ana` for `user:default/ana`, the full ref outside the default namespace. */
export function shortRef(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

function until(r: AccessRequest): string {
  if (r.expiresAt) return formatDate(r.expiresAt);
  const days = `${r.durationDays} day${r.durationDays === 1 ? '' : 's'}`;
  return r.status === 'pending' ? `${days} after approval` : days;
}

/**
 * Who receives what a grant gives: the requester's own role, or everyone of the group whose
 * shared role the request's principal is, which an approver must know before deciding.
 *
 * @public
 */
export function describeGrantee(
  r: Pick<AccessRequest, 'principal' | 'principalSharedBy' | 'requester'>,
): string {
  const role = r.principal.split('/').pop() ?? r.principal;
  return r.principalSharedBy
    ? `everyone in ${shortRef(r.principalSharedBy)} (shared role ${role})`
    : `${shortRef(r.requester)} (role ${role})`;
}

/**
 * Access requests in a table with per-row actions (approve, reject, revoke).
 *
 * @public
 */
export function AccessRequestTable(props: {
  title: string;
  requests: AccessRequest[];
  actions?: AccessRequestAction[];
  /** The request an action is running on: its buttons are disabled meanwhile. */
  busyId?: string;
  emptyContent?: JSX.Element;
}) {
  const { title, requests, actions = [], busyId, emptyContent } = props;
  const columns: TableColumn<AccessRequest>[] = [
    {
      title: 'Table',
      // Table names break badly at underscores; keep them on one line.
      cellStyle: { whiteSpace: 'nowrap' },
      render: r => `${r.database}.${r.table}`,
    },
    { title: 'Requester', render: r => shortRef(r.requester) },
    {
      title: 'Goes to',
      render: r => (
        <Typography variant="body2" title={r.principal}>
          {describeGrantee(r)}
        </Typography>
      ),
    },
    { title: 'Scope', render: r => describeScope(r.scope) },
    { title: 'Permissions', render: r => r.permissions.join(', ') },
    {
      title: 'Status',
      render: r => (
        <>
          <Typography variant="body2">{STATUS_LABELS[r.status]}</Typography>
          {r.statusReason && (
            <Typography variant="caption" color="textSecondary">
              {r.statusReason}
            </Typography>
          )}
        </>
      ),
    },
    { title: 'Until', render: until },
    { title: 'Justification', field: 'justification' },
  ];
  if (actions.length > 0) {
    columns.push({
      title: 'Actions',
      render: r => (
        <Box display="flex">
          {actions
            .filter(a => a.when(r))
            .map(a => (
              <Button
                key={a.label}
                size="small"
                color="primary"
                disabled={busyId === r.id}
                style={{ whiteSpace: 'nowrap' }}
                onClick={() => a.run(r)}
                aria-label={`${a.label} request of ${shortRef(
                  r.requester,
                )} on ${r.database}.${r.table}`}
              >
                {a.label}
              </Button>
            ))}
        </Box>
      ),
    });
  }
  return (
    <Table<AccessRequest>
      title={title}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={requests}
      emptyContent={
        emptyContent ?? (
          <Box p={2}>
            <Typography color="textSecondary">No access requests.</Typography>
          </Box>
        )
      }
    />
  );
}
