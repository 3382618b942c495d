import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../api';

/** Freshness of a table entity; refetched when the entity ref changes. */
export function useTableFreshness(entityRef: string, enabled = true) {
  const api = useApi(datalakeApiRef);
  return useAsyncRetry(
    async () => (enabled ? api.getFreshness(entityRef) : undefined),
    [api, entityRef, enabled],
  );
}
