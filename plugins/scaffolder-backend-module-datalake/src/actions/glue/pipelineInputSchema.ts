/*
 * The template input fields the three pipeline actions share, so that one template passes the same
 * values to each and they derive the same tables, jobs and state machine.
 */
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SOURCE_ID_PATTERN,
  SOURCE_TABLE_NAME_PATTERN,
} from '@datalake-portal/backstage-plugin-datalake-common';

type InputSchema = NonNullable<
  NonNullable<Parameters<typeof createTemplateAction>[0]['schema']>['input']
>;
/** The zod the scaffolder hands to schema functions (it pins its own zod version). */
type Zod = Parameters<Extract<InputSchema, (z: any) => any>>[0];

const partitionBy = (z: Zod) =>
  z
    .array(
      z.object({
        column: z.string().describe('Column of the table'),
        transform: z
          .string()
          .describe(
            'identity, year, month, day, hour, bucket[N] or truncate[W]',
          ),
      }),
    )
    .max(4);

/** @public */
export const pipelineInputFields = {
  sourceId: (z: Zod) =>
    z
      .string()
      .regex(SOURCE_ID_PATTERN)
      .describe(
        'Id of the source (datalake.sources); names the databases, jobs and pipeline',
      ),
  inspection: (z: Zod) =>
    z
      .record(z.unknown())
      .describe(
        'The report of datalake:mysql:source:inspect (columns, types and keys of the tables)',
      ),
  tables: (z: Zod) =>
    z
      .array(z.string().regex(SOURCE_TABLE_NAME_PATTERN))
      .min(1)
      .max(500)
      .optional()
      .describe(
        'The source tables of the pipeline; every table of the report when absent',
      ),
  format: (z: Zod) =>
    z
      .enum(['parquet', 'csv'])
      .optional()
      .describe('Format of the DMS landing files (default parquet)'),
  schemaDrift: (z: Zod) =>
    z
      .enum(['fail', 'ignore', 'evolve'])
      .optional()
      .describe(
        'What the bronze jobs do with columns the source table gains after the pipeline was made: fail (default), ignore, or evolve (add them to bronze and silver; parquet only)',
      ),
  silverRenames: (z: Zod) =>
    z
      .record(z.record(z.string()))
      .optional()
      .describe('Per source table: bronze column → silver column name'),
  silverCasts: (z: Zod) =>
    z
      .record(z.record(z.string()))
      .optional()
      .describe(
        'Per source table: bronze column → Spark SQL type of the silver column',
      ),
  silverPartitionBy: (z: Zod) =>
    z
      .record(partitionBy(z))
      .optional()
      .describe(
        'Per source table: the Iceberg partition spec of its silver table',
      ),
  gold: (z: Zod) =>
    z
      .array(
        z.object({
          table: z.string().describe('Gold table name (lower snake case)'),
          sql: z.string().min(1).describe('One SELECT over the silver tables'),
          upstream: z
            .array(z.string())
            .min(1)
            .describe('The source tables whose silver tables the SQL reads'),
          columns: z
            .array(z.object({ name: z.string(), type: z.string() }))
            .min(1)
            .describe('The columns the SQL returns, with Spark SQL types'),
          partitionBy: partitionBy(z).optional(),
        }),
      )
      .max(100)
      .optional()
      .describe('Gold tables computed from silver tables'),
};
