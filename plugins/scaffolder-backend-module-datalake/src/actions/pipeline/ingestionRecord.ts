import { InputError } from '@backstage/errors';
import { SchemaDriftPolicy } from '@datalake-portal/backstage-plugin-datalake-common';
import { GoldTableInput } from '../glue/pipelineSpecs';

/**
 * The annotation of the pipeline component that records the pipeline's input, so that a later
 * template (a new gold table) passes the pipeline actions the same input plus its change.
 *
 * @public
 */
export const INGESTION_ANNOTATION = 'datalake-portal.io/ingestion';

/**
 * What the "new ingestion" template passed to the pipeline actions.
 *
 * @public
 */
export type IngestionRecord = {
  tables: string[];
  format: 'parquet' | 'csv';
  /** Absent in records written before the form offered it: `fail`. */
  schemaDrift?: SchemaDriftPolicy;
  silverRenames: Record<string, Record<string, string>>;
  gold: GoldTableInput[];
  /** EventBridge Scheduler expression, empty when none. */
  schedule: string;
  /** The five-field cron expression the form took. */
  scheduleCron: string;
};

/** Reads the record from a pipeline component fetched from the catalog. */
export function readIngestionRecord(entity: unknown): IngestionRecord {
  const annotations = (
    entity as { metadata?: { annotations?: Record<string, string> } }
  )?.metadata?.annotations;
  const text = annotations?.[INGESTION_ANNOTATION];
  if (!text) {
    throw new InputError(
      `The pipeline entity has no ${INGESTION_ANNOTATION} annotation; create the pipeline with the new-mysql-ingestion template first`,
    );
  }
  let record: IngestionRecord;
  try {
    record = JSON.parse(text);
  } catch {
    throw new InputError(`The ${INGESTION_ANNOTATION} annotation is not JSON`);
  }
  if (!Array.isArray(record?.tables) || !Array.isArray(record.gold)) {
    throw new InputError(
      `The ${INGESTION_ANNOTATION} annotation lacks tables or gold`,
    );
  }
  return record;
}
