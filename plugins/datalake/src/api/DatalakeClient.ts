import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  TableFreshnessResponse,
  TableMetadataResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { DatalakeApi } from './DatalakeApi';

/**
 * Calls the data lake backend through the app's discovery and fetch APIs, so that the
 * caller's Backstage token goes along.
 *
 * @public
 */
export class DatalakeClient implements DatalakeApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getFreshness(entityRef: string): Promise<TableFreshnessResponse> {
    return this.get('/v1/freshness', { entityRef });
  }

  getTableMetadata(entityRef: string): Promise<TableMetadataResponse> {
    return this.get('/v1/tables/metadata', { entityRef });
  }

  private async get<T>(path: string, query: Record<string, string>) {
    const baseUrl = await this.discoveryApi.getBaseUrl('datalake');
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}?${new URLSearchParams(query)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
