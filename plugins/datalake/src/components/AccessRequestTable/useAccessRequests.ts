import { useApi } from '@backstage/core-plugin-api';
import { AccessRequestFilter } from '@datalake-portal/backstage-plugin-datalake-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../../api';

/** Loads the access requests of a filter; keyed on every filter field. */
export function useAccessRequests(filter: AccessRequestFilter) {
  const api = useApi(datalakeApiRef);
  const { view, entityRef } = filter;
  const status = filter.status?.join(',');
  return useAsyncRetry(
    async () =>
      (
        await api.listAccessRequests({
          view,
          entityRef,
          status: filter.status,
        })
      ).items,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, view, entityRef, status],
  );
}
