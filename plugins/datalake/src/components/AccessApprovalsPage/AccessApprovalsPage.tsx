import { AccessRequestsPage } from '../AccessRequestTable';

/**
 * The approvals inbox: pending requests on tables the caller's groups own (never their own).
 *
 * @public
 */
export function AccessApprovalsPage() {
  return (
    <AccessRequestsPage
      title="Access approvals"
      subtitle="Requests for access to tables your groups own"
      view="to-approve"
      tableTitle="Waiting for your decision"
      emptyText="Nothing to decide: no pending requests on tables your groups own."
      actions={[
        {
          label: 'Approve',
          when: r => r.status === 'pending',
          call: (api, r) => api.approveAccessRequest(r.id),
        },
        {
          label: 'Reject',
          when: r => r.status === 'pending',
          call: (api, r) => api.rejectAccessRequest(r.id),
        },
      ]}
    />
  );
}
