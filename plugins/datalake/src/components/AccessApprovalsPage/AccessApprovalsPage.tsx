import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import { datalakeApiRef } from '../../api';
import {
  AccessRequestTable,
  RequestActionOutcomeMessage,
  useAccessRequests,
  useRequestAction,
} from '../AccessRequestTable';

/**
 * The approvals inbox: pending requests on tables the caller's groups own (never their own).
 *
 * @public
 */
export function AccessApprovalsPage() {
  const api = useApi(datalakeApiRef);
  const { value, loading, error, retry } = useAccessRequests({
    view: 'to-approve',
  });
  const { busyId, outcome, run } = useRequestAction(retry);
  return (
    <Page themeId="tool">
      <Header
        title="Access approvals"
        subtitle="Requests for access to tables your groups own"
      />
      <Content>
        <RequestActionOutcomeMessage outcome={outcome} />
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <AccessRequestTable
            title="Waiting for your decision"
            requests={value}
            busyId={busyId}
            emptyContent={
              <Box p={2}>
                <Typography color="textSecondary">
                  Nothing to decide: no pending requests on tables your groups
                  own.
                </Typography>
              </Box>
            }
            actions={[
              {
                label: 'Approve',
                when: r => r.status === 'pending',
                run: r => run(r, () => api.approveAccessRequest(r.id)),
              },
              {
                label: 'Reject',
                when: r => r.status === 'pending',
                run: r => run(r, () => api.rejectAccessRequest(r.id)),
              },
            ]}
          />
        )}
      </Content>
    </Page>
  );
}
