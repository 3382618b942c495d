import { Entity } from '@backstage/catalog-model';
import {
  DATALAKE_ANNOTATIONS,
  PIPELINE_ENTITY_TYPE,
  TABLE_ENTITY_TYPES,
} from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * Whether an entity is a data lake table (`Resource` of type `iceberg-table` or `glue-table`):
 * the condition for the table card and tabs, e.g. in an `EntitySwitch.Case if={…}`.
 *
 * @public
 */
export function isDatalakeTable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (Object.values(TABLE_ENTITY_TYPES) as unknown[]).includes(entity.spec?.type)
  );
}

/**
 * Whether an entity is an Iceberg table whose metadata the backend can read: the condition of
 * the snapshot history.
 *
 * @public
 */
export function isIcebergTable(entity: Entity): boolean {
  return (
    isDatalakeTable(entity) && entity.spec?.type === TABLE_ENTITY_TYPES.iceberg
  );
}

/**
 * Whether an entity is a source's pipeline (`Component` of type `data-pipeline`, registered by
 * the new-ingestion template): the condition for the pipeline's Runs tab.
 *
 * @public
 */
export function isDataPipeline(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    entity.spec?.type === PIPELINE_ENTITY_TYPE
  );
}

/** The S3 metadata file the entity points at, if any. */
export function metadataLocationOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.metadataLocation];
}
