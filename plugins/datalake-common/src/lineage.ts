/*
 * Response types of the lineage routes of the data lake backend
 * (`/api/datalake/v1/lineage` and `/api/datalake/v1/lineage/openlineage`).
 */

/**
 * What a lineage node stands for. `layer` orders the left-to-right layout: MySQL source table,
 * DMS task, landing prefix, then bronze, silver and gold tables, with the Glue jobs between them.
 *
 * @public
 */
export type LineageNodeKind =
  | 'mysql-table'
  | 'dms-task'
  | 'landing'
  | 'table'
  | 'glue-job';

/** A column of a lineage table node. @public */
export interface LineageColumn {
  name: string;
  type?: string;
}

/** One node of the lineage graph. @public */
export interface LineageNode {
  /** Stable id inside the graph, e.g. `table:resource:default/sakila_silver.rental`. */
  id: string;
  kind: LineageNodeKind;
  /** What the UI prints, e.g. `sakila_silver.rental`. */
  label: string;
  /** `source`, `dms`, `landing`, `bronze`, `silver`, `gold` or `job`. */
  layer: string;
  /** The catalog entity behind the node, when there is one the caller may see. */
  entityRef?: string;
  /** Table nodes: their columns, for column lineage. */
  columns?: LineageColumn[];
  /** Hops from the requested entity; upstream negative, downstream positive. */
  distance: number;
  /**
   * Problems recorded on the node: `failed` (the last run of its job failed) or `stale` (past
   * its freshness SLA). Absent when the graph was built without run status.
   */
  status?: 'ok' | 'failed' | 'stale';
  /** Free-form facts shown on the node, e.g. the pipeline name or the S3 prefix. */
  details?: Record<string, string>;
}

/** A data flow between two nodes. @public */
export interface LineageEdge {
  from: string;
  to: string;
  /** `data` for a data flow, `runs` from a job to the table it writes. */
  kind: 'data';
}

/** A column-level flow: `fromColumn` of node `from` feeds `toColumn` of node `to`. @public */
export interface ColumnLineageEdge {
  from: string;
  fromColumn: string;
  to: string;
  toColumn: string;
  /** `identity` (same value), `rename`, `transform` (cast, trim, expression) or `aggregate`. */
  transform: 'identity' | 'rename' | 'transform' | 'aggregate';
}

/** `GET /v1/lineage`: the graph around a table entity. @public */
export interface LineageResponse {
  /** The requested entity (normalised ref). */
  entityRef: string;
  /** The id of the requested entity's node. */
  rootId: string;
  depth: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  columnEdges: ColumnLineageEdge[];
  /** Facts that could not be read (e.g. a job script), so the UI can say what is missing. */
  warnings: string[];
}

/** Default and maximum of the `depth` query parameter. @public */
export const LINEAGE_DEPTH = { default: 3, max: 10 } as const;

/** A dataset of an OpenLineage event. @public */
export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
}

/**
 * An OpenLineage `RunEvent` (https://openlineage.io/spec/2-0-2/OpenLineage.json).
 *
 * @public
 */
export interface OpenLineageRunEvent {
  eventType: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  run: { runId: string; facets?: Record<string, unknown> };
  job: { namespace: string; name: string; facets?: Record<string, unknown> };
  inputs: OpenLineageDataset[];
  outputs: OpenLineageDataset[];
  producer: string;
  schemaURL: string;
}

/** `GET /v1/lineage/openlineage`: the same facts as OpenLineage events. @public */
export interface OpenLineageExportResponse {
  entityRef: string;
  events: OpenLineageRunEvent[];
}
