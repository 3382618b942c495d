import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { useState } from 'react';
import { datalakeApiRef } from '../../api';
import { AccessRequestTable } from '../AccessRequestTable';
import { useAccessRequests } from '../AccessRequestTable/useAccessRequests';

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
  const [message, setMessage] = useState<string>();
  const decide = (action: Promise<{ status: string; id: string }>) =>
    action.then(
      r => {
        setMessage(`Request ${r.id} is ${r.status}`);
        retry();
      },
      e => setMessage((e as Error).message),
    );
  return (
    <Page themeId="tool">
      <Header title="Access approvals" />
      <Content>
        {message && <Typography role="status">{message}</Typography>}
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <AccessRequestTable
            title="Waiting for your decision"
            requests={value}
            actions={[
              {
                label: 'Approve',
                when: () => true,
                run: r => decide(api.approveAccessRequest(r.id)),
              },
              {
                label: 'Reject',
                when: () => true,
                run: r => decide(api.rejectAccessRequest(r.id)),
              },
            ]}
          />
        )}
      </Content>
    </Page>
  );
}
