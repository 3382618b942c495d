import { AccessRequestsPage } from '../AccessRequestTable';

/**
 * The caller's own access requests, with withdraw and revoke.
 *
 * @public
 */
export function MyAccessRequestsPage() {
  return (
    <AccessRequestsPage
      title="My access requests"
      subtitle="Access you asked for, and what became of it"
      view="mine"
      tableTitle="Requests"
      emptyText="You have not asked for access yet. Open a table of the data lake and use Request access on its Access tab."
      actions={[
        {
          label: 'Withdraw',
          when: r => r.status === 'pending',
          call: (api, r) => api.revokeAccessRequest(r.id),
        },
        {
          label: 'Revoke',
          when: r => r.status === 'granted' || r.status === 'approved',
          call: (api, r) => api.revokeAccessRequest(r.id),
        },
      ]}
    />
  );
}
