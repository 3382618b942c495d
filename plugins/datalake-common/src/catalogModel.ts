/*
 * How the data lake shows up in the Backstage catalog: the entity types and the annotations
 * that the catalog module writes and the frontend, lineage and access plugins read.
 */

/** The one prefix under which every annotation of the data lake plugins lives. @public */
export const DATALAKE_ANNOTATION_PREFIX = 'datalake-portal.io';

/** @public */
export const DATALAKE_ANNOTATIONS = {
  /** `bronze`, `silver` or `gold` (or another layer name from config). */
  layer: `${DATALAKE_ANNOTATION_PREFIX}/layer`,
  /** The Glue database of a table entity. */
  database: `${DATALAKE_ANNOTATION_PREFIX}/glue-database`,
  /** The Glue table ARN. */
  tableArn: `${DATALAKE_ANNOTATION_PREFIX}/table-arn`,
  /** The S3 location of the table's data. */
  location: `${DATALAKE_ANNOTATION_PREFIX}/location`,
  /** The Iceberg metadata.json currently pointed to by the catalog. */
  metadataLocation: `${DATALAKE_ANNOTATION_PREFIX}/metadata-location`,
  /** The Iceberg format version (1 or 2). */
  icebergFormatVersion: `${DATALAKE_ANNOTATION_PREFIX}/iceberg-format-version`,
} as const;

/** The `spec.type` of table entities. @public */
export const TABLE_ENTITY_TYPES = {
  iceberg: 'iceberg-table',
  glue: 'glue-table',
} as const;

/** The medallion layers, in pipeline order. @public */
export const MEDALLION_LAYERS = ['bronze', 'silver', 'gold'] as const;

/** @public */
export type MedallionLayer = (typeof MEDALLION_LAYERS)[number];

/** Whether a string names one of the medallion layers. @public */
export function isMedallionLayer(value: unknown): value is MedallionLayer {
  return (MEDALLION_LAYERS as readonly unknown[]).includes(value);
}

/**
 * A column as it travels on a table entity, under `spec.columns`: the catalog module writes it,
 * the schema tab, search and access requests read it.
 *
 * @public
 */
export type TableColumn = {
  name: string;
  /** The Glue/Iceberg type, e.g. `bigint`, `decimal(10,2)`, `struct<…>`. */
  type: string;
  nullable: boolean;
  comment?: string;
  /** Whether it is a partition column of a Hive-style table. */
  partition: boolean;
};
