import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { datalakeApiRef } from '../api';

/** Iceberg metadata of a table entity; refetched when the entity ref changes. */
export function useTableMetadata(entityRef: string, enabled = true) {
  const api = useApi(datalakeApiRef);
  return useAsyncRetry(
    async () => (enabled ? api.getTableMetadata(entityRef) : undefined),
    [api, entityRef, enabled],
  );
}
