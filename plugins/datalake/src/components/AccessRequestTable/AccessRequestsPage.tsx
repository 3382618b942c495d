import { ReactNode } from 'react';
import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  AccessRequest,
  AccessRequestFilter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { Box, Typography } from '@material-ui/core';
import { DatalakeApi, datalakeApiRef } from '../../api';
import { AccessRequestTable } from './AccessRequestTable';
import { RequestActionOutcomeMessage } from './RequestActionOutcomeMessage';
import { useAccessRequests } from './useAccessRequests';
import { useRequestAction } from './useRequestAction';

/** One action of a page: which requests it applies to and the API call it makes. */
export type AccessRequestPageAction = {
  label: string;
  when: (request: AccessRequest) => boolean;
  call: (api: DatalakeApi, request: AccessRequest) => Promise<AccessRequest>;
};

/**
 * A page listing one view of access requests with per-row actions: the outcome of the last
 * action above the table, and the list reloaded after it.
 */
export function AccessRequestsPage(props: {
  title: string;
  subtitle: string;
  view: AccessRequestFilter['view'];
  tableTitle: string;
  emptyText: ReactNode;
  actions: AccessRequestPageAction[];
}) {
  const api = useApi(datalakeApiRef);
  const { value, loading, error, retry } = useAccessRequests({
    view: props.view,
  });
  const { busyId, outcome, run } = useRequestAction(retry);
  return (
    <Page themeId="tool">
      <Header title={props.title} subtitle={props.subtitle} />
      <Content>
        <RequestActionOutcomeMessage outcome={outcome} />
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <AccessRequestTable
            title={props.tableTitle}
            requests={value}
            busyId={busyId}
            emptyContent={
              <Box p={2}>
                <Typography color="textSecondary">{props.emptyText}</Typography>
              </Box>
            }
            actions={props.actions.map(action => ({
              label: action.label,
              when: action.when,
              run: request => run(request, () => action.call(api, request)),
            }))}
          />
        )}
      </Content>
    </Page>
  );
}
