import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AccessRequest,
  AccessRequestFilter,
  AccessRequestList,
  CdcPreflightReport,
  SourceInspectionReport,
  SourceSummary,
  ApproveAccessRequest,
  CreateAccessRequest,
  DecideAccessRequest,
  LineageResponse,
  RunsResponse,
  TableFreshnessResponse,
  TableMetadataResponse,
  PipelineRunStarted,
  TableReloadRequested,
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
  /** The lineage graph around a table (`GET /v1/lineage`). */
  getLineage(entityRef: string, depth?: number): Promise<LineageResponse>;
  /** DMS, Glue and Step Functions status of a table, newest first (`GET /v1/runs`). */
  getRuns(
    entityRef: string,
    page?: { limit?: number; cursor?: string },
  ): Promise<RunsResponse>;
  /** Starts the pipeline that writes a table, outside its schedule (`POST /v1/runs/start`). */
  startPipelineRun(entityRef: string): Promise<PipelineRunStarted>;
  /** Reloads a bronze or silver table from its MySQL table (`POST /v1/runs/reload`). */
  reloadTable(entityRef: string): Promise<TableReloadRequested>;
  /** Asks for access to a table (`POST /v1/access-requests`). */
  createAccessRequest(request: CreateAccessRequest): Promise<AccessRequest>;
  /** Access requests the caller may read (`GET /v1/access-requests`). */
  listAccessRequests(filter?: AccessRequestFilter): Promise<AccessRequestList>;
  /** Approves, possibly narrowing the scope, and grants in Lake Formation. */
  approveAccessRequest(
    id: string,
    decision?: ApproveAccessRequest,
  ): Promise<AccessRequest>;
  rejectAccessRequest(
    id: string,
    decision?: DecideAccessRequest,
  ): Promise<AccessRequest>;
  /** Revokes a grant, or withdraws a pending request. */
  revokeAccessRequest(
    id: string,
    decision?: DecideAccessRequest,
  ): Promise<AccessRequest>;
  /** The configured MySQL sources, without credentials (`GET /v1/sources`). */
  listSources(): Promise<SourceSummary[]>;
  /** Tables, columns, keys and type findings of a source (`POST /v1/sources/:id/inspect`). */
  inspectSource(id: string, tables?: string[]): Promise<SourceInspectionReport>;
  /** Whether a source is ready for DMS full load + CDC (`POST /v1/sources/:id/preflight`). */
  preflightSource(id: string, tables?: string[]): Promise<CdcPreflightReport>;
}

/** @public */
export const datalakeApiRef = createApiRef<DatalakeApi>().with({
  id: 'plugin.datalake.service',
  pluginId: 'datalake',
});
