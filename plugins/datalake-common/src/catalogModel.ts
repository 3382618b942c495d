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

/**
 * The location the Glue catalog provider gives the entities it emits, as both their
 * `backstage.io/managed-by-location` and `backstage.io/managed-by-origin-location`. The catalog
 * sets these annotations itself for entities read from files and URLs, so a registered
 * `catalog-info.yaml` cannot claim it: the backend trusts a table entity only with this location
 * of a provider it has in config (`ProviderTables` in the node library).
 *
 * @public
 */
export function providerLocation(providerId: string): string {
  return `datalake:${providerId}`;
}

/**
 * The id of the Glue catalog provider that emitted an entity, from its location annotations;
 * `undefined` for any other entity.
 *
 * @public
 */
export function providerIdOf(entity: {
  metadata: { annotations?: Record<string, string> };
}): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const location = annotations['backstage.io/managed-by-location'];
  const origin = annotations['backstage.io/managed-by-origin-location'];
  if (!location || location !== origin || !location.startsWith('datalake:')) {
    return undefined;
  }
  return location.slice('datalake:'.length);
}

/** The `spec.type` of table entities. @public */
export const TABLE_ENTITY_TYPES = {
  iceberg: 'iceberg-table',
  glue: 'glue-table',
} as const;

/**
 * The `spec.type` of a source's pipeline: a Component named `<source id>-ingestion`, registered
 * by the new-ingestion template (`templates/new-ingestion/skeleton`).
 *
 * @public
 */
export const PIPELINE_ENTITY_TYPE = 'data-pipeline';

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
