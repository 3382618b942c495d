/*
 * Request and response types of the table routes of the data lake backend
 * (`/api/datalake/v1/freshness` and `/api/datalake/v1/tables/metadata`).
 * Snapshot ids are decimal strings: they are 64-bit values.
 */

/** The query of both table routes. @public */
export interface TableRequest {
  /** A table entity, e.g. `resource:default/sakila-silver-rental`. */
  entityRef: string;
}

/** A snapshot as the freshness route reports it. @public */
export interface TableSnapshotRef {
  snapshotId: string;
  /** ISO 8601 commit time. */
  timestamp: string;
  /** `append`, `overwrite`, `delete` or `replace`; null when the writer left no summary. */
  operation: string | null;
  addedRecords: number | null;
  deletedRecords: number | null;
}

/** `GET /v1/freshness`: when the table's data last changed. @public */
export interface TableFreshnessResponse {
  entityRef: string;
  metadataLocation: string;
  /** The newest snapshot of the current state that changed rows (compactions ignored). */
  lastDataChange: TableSnapshotRef | null;
  /** The snapshot the table points at; may be a compaction. */
  currentSnapshot: TableSnapshotRef | null;
  /** From the current snapshot's summary. */
  totalRecords: number | null;
  /** Bytes of data files, from the current snapshot's summary. */
  totalFilesSize: number | null;
  /** ISO 8601 time at which the metadata file was read (a cached answer keeps its time). */
  checkedAt: string;
}

/** A field of the table's default partition spec. @public */
export interface TablePartitionField {
  /** The schema column; null if it was dropped from the schema. */
  sourceColumn: string | null;
  /** `identity`, `day`, `bucket[16]`… */
  transform: string;
  name: string;
}

/** A top-level column of the table's current Iceberg schema. @public */
export interface TableSchemaField {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc: string | null;
}

/** One entry of the snapshot history. @public */
export interface TableSnapshot {
  snapshotId: string;
  parentSnapshotId: string | null;
  /** ISO 8601 commit time. */
  timestamp: string;
  operation: string | null;
  addedRecords: number | null;
  deletedRecords: number | null;
  totalRecords: number | null;
  addedFiles: number | null;
  totalFilesSize: number | null;
}

/** `GET /v1/tables/metadata`: the Iceberg view of a table. @public */
export interface TableMetadataResponse {
  entityRef: string;
  metadataLocation: string;
  formatVersion: number;
  currentSnapshotId: string | null;
  partitionSpec: TablePartitionField[];
  schema: TableSchemaField[];
  /** Newest first. */
  snapshots: TableSnapshot[];
  /** ISO 8601 time at which the metadata file was read. */
  checkedAt: string;
}
