import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  AccessRequestFilter,
  AccessRequestList,
  ApproveAccessRequest,
  CdcPreflightReport,
  CreateAccessRequest,
  DecideAccessRequest,
  LineageResponse,
  PipelineRunStarted,
  TableReloadRequested,
  RunsResponse,
  SourceInspectionReport,
  SourceSummary,
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

  getLineage(entityRef: string, depth?: number): Promise<LineageResponse> {
    return this.get('/v1/lineage', {
      entityRef,
      ...(depth !== undefined ? { depth: String(depth) } : {}),
    });
  }

  getRuns(
    entityRef: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<RunsResponse> {
    return this.get('/v1/runs', {
      entityRef,
      ...(page.limit !== undefined ? { limit: String(page.limit) } : {}),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  }

  startPipelineRun(entityRef: string): Promise<PipelineRunStarted> {
    return this.post('/v1/runs/start', { entityRef });
  }

  reloadTable(entityRef: string): Promise<TableReloadRequested> {
    return this.post('/v1/runs/reload', { entityRef });
  }

  createAccessRequest(request: CreateAccessRequest): Promise<AccessRequest> {
    return this.post('/v1/access-requests', request);
  }

  listAccessRequests(
    filter: AccessRequestFilter = {},
  ): Promise<AccessRequestList> {
    const query = new URLSearchParams();
    if (filter.view) query.set('view', filter.view);
    if (filter.entityRef) query.set('entityRef', filter.entityRef);
    for (const status of filter.status ?? []) query.append('status', status);
    return this.get('/v1/access-requests', {}, query);
  }

  approveAccessRequest(
    id: string,
    decision: ApproveAccessRequest = {},
  ): Promise<AccessRequest> {
    return this.post(
      `/v1/access-requests/${encodeURIComponent(id)}/approve`,
      decision,
    );
  }

  rejectAccessRequest(
    id: string,
    decision: DecideAccessRequest = {},
  ): Promise<AccessRequest> {
    return this.post(
      `/v1/access-requests/${encodeURIComponent(id)}/reject`,
      decision,
    );
  }

  revokeAccessRequest(
    id: string,
    decision: DecideAccessRequest = {},
  ): Promise<AccessRequest> {
    return this.post(
      `/v1/access-requests/${encodeURIComponent(id)}/revoke`,
      decision,
    );
  }

  async listSources(): Promise<SourceSummary[]> {
    const { items } = await this.get<{ items: SourceSummary[] }>(
      '/v1/sources',
      {},
    );
    return items;
  }

  async inspectSource(
    id: string,
    tables?: string[],
  ): Promise<SourceInspectionReport> {
    return this.post(
      `/v1/sources/${encodeURIComponent(id)}/inspect`,
      tables ? { tables } : {},
    );
  }

  async preflightSource(
    id: string,
    tables?: string[],
  ): Promise<CdcPreflightReport> {
    return this.post(
      `/v1/sources/${encodeURIComponent(id)}/preflight`,
      tables ? { tables } : {},
    );
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('datalake');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async get<T>(
    path: string,
    query: Record<string, string>,
    params: URLSearchParams = new URLSearchParams(query),
  ) {
    const baseUrl = await this.discoveryApi.getBaseUrl('datalake');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}?${params}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
