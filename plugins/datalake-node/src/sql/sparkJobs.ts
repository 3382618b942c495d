import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  BronzeMergePlan,
  bronzeTableColumns,
  knownLandingColumns,
  planBronzeMerge,
  renderBronzeCastCheck,
  renderBronzeMerge,
  renderChangeProjection,
} from './bronzeMerge';
import { quoteTableName } from './dialect';
import {
  LANDING_CSV_SETTINGS,
  hexEncodedCsvColumns,
  landingCsvColumns,
} from './landingCsv';
import {
  planSilverMerge,
  renderGoldRefresh,
  renderSilverCastCheck,
  renderSilverMerge,
} from './silverMerge';

/**
 * The Spark jobs of a pipeline, one template each in `spark-templates/jobs/`.
 *
 * @public
 */
export type SparkJobKind =
  | 'landing_to_bronze'
  | 'bronze_to_silver'
  | 'silver_to_gold'
  | 'maintenance';

/**
 * The template texts the renderer fills: the shared helpers and one script per job kind.
 *
 * @public
 */
export type SparkTemplates = { common: string } & Record<SparkJobKind, string>;

/** The catalog is a job argument, so generated SQL names it with a placeholder the job replaces. */
const CATALOG_PLACEHOLDER = '__CATALOG__';

/**
 * Reads the templates from a `spark-templates` folder (the repository's `spark-templates/`).
 *
 * @public
 */
export async function loadSparkTemplates(dir: string): Promise<SparkTemplates> {
  const read = (name: string) =>
    fs.readFile(path.join(dir, 'jobs', `${name}.py`), 'utf8');
  return {
    common: await read('_common'),
    landing_to_bronze: await read('landing_to_bronze'),
    bronze_to_silver: await read('bronze_to_silver'),
    silver_to_gold: await read('silver_to_gold'),
    maintenance: await read('maintenance'),
  };
}

type PythonValue =
  | string
  | number
  | boolean
  | null
  | PythonValue[]
  | { [key: string]: PythonValue };

/**
 * Renders a value as a Python literal. JSON string escapes are all valid in Python string literals.
 *
 * @public
 */
export function toPythonLiteral(value: PythonValue, indent = ''): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError('non-finite number');
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value
      .map(v => `${inner}${toPythonLiteral(v, inner)},`)
      .join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(
      ([k, v]) => `${inner}${JSON.stringify(k)}: ${toPythonLiteral(v, inner)},`,
    )
    .join('\n')}\n${indent}}`;
}

function fill(
  template: string,
  common: string,
  generated: PythonValue,
): string {
  if (
    !template.includes('# __COMMON__') ||
    !template.includes('__GENERATED__')
  ) {
    throw new InputError('Spark job template lacks its placeholders');
  }
  return template
    .replace('# __COMMON__', () => common.trimEnd())
    .replace('__GENERATED__', () => toPythonLiteral(generated));
}

/**
 * The SQL a landing → bronze job runs, from the same plan the DuckDB replay renders.
 *
 * @public
 */
export function bronzeJobSql(
  spec: PipelineSpec,
  plan: BronzeMergePlan = planBronzeMerge(spec),
) {
  return {
    changeProjection: renderChangeProjection(plan, 'spark', 'landing_raw'),
    merge: renderBronzeMerge(
      plan,
      'spark',
      [CATALOG_PLACEHOLDER, spec.bronze.database, spec.bronze.table],
      'landing_changes',
    ),
    // A DMS table reload: the table is rebuilt from the new full load and the CDC after it.
    reloadMerge: renderBronzeMerge(
      plan,
      'spark',
      [CATALOG_PLACEHOLDER, spec.bronze.database, spec.bronze.table],
      'landing_changes',
      { mode: 'reload' },
    ),
  };
}

/**
 * Renders one job script of a pipeline: the template with the generated SQL and settings inlined.
 *
 * @public
 */
export function renderSparkJob(
  kind: SparkJobKind,
  spec: PipelineSpec,
  templates: SparkTemplates,
): string {
  const bronzeTarget = quoteTableName(
    [CATALOG_PLACEHOLDER, spec.bronze.database, spec.bronze.table],
    'spark',
  );
  const silverTarget = [
    CATALOG_PLACEHOLDER,
    spec.silver.database,
    spec.silver.table,
  ];
  // The bronze columns the spec knows; under schema drift policy `evolve` the others are evolved ones.
  const bronzeColumns = bronzeTableColumns(planBronzeMerge(spec), 'spark').map(
    c => c.name,
  );
  switch (kind) {
    case 'landing_to_bronze': {
      const sql = bronzeJobSql(spec);
      const { timestampColumn, sequenceColumn } = spec.cdc;
      return fill(templates[kind], templates.common, {
        bronze_table: spec.bronze.table,
        target: bronzeTarget,
        landing_path: spec.source.landingPath,
        source_schema: spec.source.schema,
        source_table: spec.source.table,
        format: spec.source.format,
        schema_drift: spec.schemaDrift,
        key: spec.key,
        bronze_columns: bronzeColumns,
        source_columns: spec.columns.map(c => c.sourceName),
        binary_columns: spec.columns
          .filter(c => c.sparkType === 'binary')
          .map(c => c.sourceName),
        // CSV files have no header: the job reads them by this column order.
        csv: {
          delimiter: LANDING_CSV_SETTINGS.CsvDelimiter,
          null_value: LANDING_CSV_SETTINGS.CsvNullValue,
          full_load_columns: landingCsvColumns(spec, 'full-load'),
          cdc_columns: landingCsvColumns(spec, 'cdc'),
          hex_columns: hexEncodedCsvColumns(spec),
        },
        timestamp_column: timestampColumn ?? null,
        sequence_column: sequenceColumn ?? null,
        known_landing_columns: knownLandingColumns(spec),
        change_projection_sql: sql.changeProjection,
        // CSV values are text until the projection casts them: checked first, so none becomes NULL.
        cast_check_sql:
          spec.source.format === 'csv'
            ? renderBronzeCastCheck(
                planBronzeMerge(spec),
                'spark',
                'landing_raw',
              ) ?? null
            : null,
        bronze_name: `${spec.bronze.database}.${spec.bronze.table}`,
        merge_sql: sql.merge,
        reload_merge_sql: sql.reloadMerge,
      });
    }
    case 'bronze_to_silver': {
      const plan = planSilverMerge(spec);
      return fill(templates[kind], templates.common, {
        silver_table: spec.silver.table,
        silver_name: `${spec.silver.database}.${spec.silver.table}`,
        bronze: bronzeTarget,
        bronze_name: `${spec.bronze.database}.${spec.bronze.table}`,
        bronze_key: spec.key,
        silver_key: plan.key,
        schema_drift: spec.schemaDrift,
        bronze_columns: bronzeColumns,
        silver_columns: plan.columns.map(c => c.name),
        target: quoteTableName(silverTarget, 'spark'),
        // Run before the merge: a value that does not fit its silver type fails the job, naming it.
        cast_check_sql:
          renderSilverCastCheck(plan, 'spark', 'bronze_changes') ?? null,
        merge_sql: renderSilverMerge(
          plan,
          'spark',
          silverTarget,
          'bronze_changes',
        ),
      });
    }
    case 'silver_to_gold':
      return fill(templates[kind], templates.common, {
        name: spec.silver.table,
        tables: spec.gold.map(g => {
          const target = [CATALOG_PLACEHOLDER, g.database, g.table];
          return {
            target: quoteTableName(target, 'spark'),
            statements: renderGoldRefresh(g, 'spark', target),
          };
        }),
      });
    case 'maintenance':
      return fill(templates[kind], templates.common, {
        name: spec.bronze.table,
        snapshot_retention_days: spec.table.snapshotRetentionDays,
        orphan_file_retention_days: spec.table.orphanFileRetentionDays,
        tables: [
          `${spec.bronze.database}.${spec.bronze.table}`,
          `${spec.silver.database}.${spec.silver.table}`,
          ...spec.gold.map(g => `${g.database}.${g.table}`),
        ],
      });
    default:
      throw new InputError(`unknown Spark job kind '${kind}'`);
  }
}
