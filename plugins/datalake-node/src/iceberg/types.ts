/*
 * The typed summary of an Iceberg table's metadata.json that the data lake plugins work with.
 * Snapshot ids are Java longs: they are kept as decimal strings because most of them do not fit
 * in a JavaScript number.
 */

/**
 * The `summary.operation` values of the Iceberg spec. `replace` rewrites files without changing
 * the table's rows (compaction, `rewrite_data_files`, `rewrite_manifests`).
 *
 * @public
 */
export type IcebergOperation = 'append' | 'overwrite' | 'delete' | 'replace';

/** One snapshot of an Iceberg table, with the summary counters parsed to numbers. @public */
export interface IcebergSnapshot {
  snapshotId: string;
  parentSnapshotId?: string;
  /** v2 and later. */
  sequenceNumber?: number;
  timestampMs: number;
  /** One of {@link IcebergOperation}; absent when a v1 writer left out the summary. */
  operation?: string;
  addedRecords?: number;
  deletedRecords?: number;
  /**
   * The rows the snapshot holds: `total-records` less `total-position-deletes`; absent when the
   * summary has no counts or equality deletes.
   */
  totalRecords?: number;
  addedDataFiles?: number;
  deletedDataFiles?: number;
  totalDataFiles?: number;
  addedFilesSize?: number;
  removedFilesSize?: number;
  totalFilesSize?: number;
  /** The raw summary, for the properties writers add (`spark.app.id`, `snapshot-property.*`). */
  summary: Record<string, string>;
}

/** A top-level column of the current schema. @public */
export interface IcebergSchemaField {
  id: number;
  name: string;
  /** Primitive types as written (`long`, `decimal(10,2)`); nested ones as `struct<…>`, `list<…>`, `map<…>`. */
  type: string;
  required: boolean;
  doc?: string;
}

/** A field of the default partition spec. @public */
export interface IcebergPartitionField {
  sourceId: number;
  /** The schema column the field is derived from; absent if the column was dropped. */
  sourceColumn?: string;
  fieldId?: number;
  /** `identity`, `bucket[16]`, `day`, `truncate[4]`, `void`… */
  transform: string;
  name: string;
}

/** What the data lake plugins read from an Iceberg metadata.json. @public */
export interface IcebergTableMetadata {
  formatVersion: number;
  tableUuid?: string;
  location: string;
  lastUpdatedMs: number;
  currentSnapshotId?: string;
  currentSchemaId?: number;
  schema: IcebergSchemaField[];
  defaultSpecId?: number;
  partitionSpec: IcebergPartitionField[];
  properties: Record<string, string>;
  /** Every snapshot still in the metadata, newest first. */
  snapshots: IcebergSnapshot[];
}
