import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  TableFreshnessResponse,
  TableMetadataResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * The data lake backend as seen from the frontend.
 *
 * @public
 */
export interface DatalakeApi {
  /** When the table's data last changed (`GET /v1/freshness`). */
  getFreshness(entityRef: string): Promise<TableFreshnessResponse>;
  /** Schema, partition spec and snapshot history (`GET /v1/tables/metadata`). */
  getTableMetadata(entityRef: string): Promise<TableMetadataResponse>;
}

/** @public */
export const datalakeApiRef = createApiRef<DatalakeApi>().with({
  id: 'plugin.datalake.service',
  pluginId: 'datalake',
});
