import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { datalakeApiRef } from '../../api';
import { AccessRequestTable } from '../AccessRequestTable';
import { useAccessRequests } from '../AccessRequestTable/useAccessRequests';

/**
 * The caller's own access requests, with withdraw and revoke.
 *
 * @public
 */
export function MyAccessRequestsPage() {
  const api = useApi(datalakeApiRef);
  const { value, loading, error, retry } = useAccessRequests({ view: 'mine' });
  return (
    <Page themeId="tool">
      <Header title="My access requests" />
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <AccessRequestTable
            title="Requests"
            requests={value}
            actions={[
              {
                label: 'Withdraw',
                when: r => r.status === 'pending',
                run: r => api.revokeAccessRequest(r.id).then(retry, retry),
              },
              {
                label: 'Revoke',
                when: r => r.status === 'granted' || r.status === 'approved',
                run: r => api.revokeAccessRequest(r.id).then(retry, retry),
              },
            ]}
          />
        )}
      </Content>
    </Page>
  );
}
