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
 * The caller's own access requests, with withdraw and revoke.
 *
 * @public
 */
export function MyAccessRequestsPage() {
  const api = useApi(datalakeApiRef);
  const { value, loading, error, retry } = useAccessRequests({ view: 'mine' });
  const { busyId, outcome, run } = useRequestAction(retry);
  return (
    <Page themeId="tool">
      <Header
        title="My access requests"
        subtitle="Access you asked for, and what became of it"
      />
      <Content>
        <RequestActionOutcomeMessage outcome={outcome} />
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <AccessRequestTable
            title="Requests"
            requests={value}
            busyId={busyId}
            emptyContent={
              <Box p={2}>
                <Typography color="textSecondary">
                  You have not asked for access yet. Open a table of the data
                  lake and use Request access on its Access tab.
                </Typography>
              </Box>
            }
            actions={[
              {
                label: 'Withdraw',
                when: r => r.status === 'pending',
                run: r => run(r, () => api.revokeAccessRequest(r.id)),
              },
              {
                label: 'Revoke',
                when: r => r.status === 'granted' || r.status === 'approved',
                run: r => run(r, () => api.revokeAccessRequest(r.id)),
              },
            ]}
          />
        )}
      </Content>
    </Page>
  );
}
