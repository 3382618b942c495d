import { useApi } from '@backstage/core-plugin-api';
import { AccessRequestFilter } from '@datalake-portal/backstage-plugin-datalake-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../../api';

/** Loads the access requests of a filter; keyed on every filter field. */
export function useAccessRequests(filter: AccessRequestFilter) {
  const api = useApi(datalakeApiRef);
  const { view, entityRef } = filter;
  // Keyed on the statuses' text, not the array, which callers may rebuild on every render.
  const status = filter.status?.join(',');
  return useAsyncRetry(
    async () =>
      (
        await api.listAccessRequests({
          view,
          entityRef,
          status: status?.split(',') as AccessRequestFilter['status'],
        })
      ).items,
    [api, view, entityRef, status],
  );
}
