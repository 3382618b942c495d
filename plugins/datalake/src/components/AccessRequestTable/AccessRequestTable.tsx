import { Table, TableColumn } from '@backstage/core-components';
import {
  AccessRequest,
  AccessScope,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { Button } from '@material-ui/core';

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

/**
 * Access requests in a table with per-row actions (approve, reject, revoke).
 *
 * @public
 */
export function AccessRequestTable(props: {
  title: string;
  requests: AccessRequest[];
  actions?: AccessRequestAction[];
  emptyContent?: JSX.Element;
}) {
  const { title, requests, actions = [], emptyContent } = props;
  const columns: TableColumn<AccessRequest>[] = [
    { title: 'Table', render: r => `${r.database}.${r.table}` },
    { title: 'Requester', field: 'requester' },
    { title: 'Scope', render: r => describeScope(r.scope) },
    { title: 'Permissions', render: r => r.permissions.join(', ') },
    { title: 'Status', field: 'status' },
    {
      title: 'Until',
      render: r => r.expiresAt ?? `${r.durationDays} days after approval`,
    },
    { title: 'Justification', field: 'justification' },
    {
      title: 'Actions',
      render: r => (
        <>
          {actions
            .filter(a => a.when(r))
            .map(a => (
              <Button
                key={a.label}
                size="small"
                color="primary"
                onClick={() => a.run(r)}
              >
                {a.label}
              </Button>
            ))}
        </>
      ),
    },
  ];
  return (
    <Table<AccessRequest>
      title={title}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={requests}
      emptyContent={emptyContent}
    />
  );
}
