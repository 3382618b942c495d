import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SOURCE_ID_PATTERN,
  SOURCE_TABLE_NAME_PATTERN,
  SourceReport,
  toEventBridgeCron,
  validateCronExpression,
  validateSilverColumns,
  validateTableSelection,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { PipelineActionOptions } from '../glue/actionSupport';
import { requirePipelineConfig } from '../glue/pipelineConfig';
import { pipelineInputFields } from '../glue/pipelineInputSchema';
import {
  GoldTableInput,
  pipelineNameOf,
  resolvePipeline,
} from '../glue/pipelineSpecs';
import { ownerEntityRef } from '../../guard/pipelineActionAccess';
import { examples } from './planIngestion.examples';
import { IngestionRecord } from './ingestionRecord';

/**
 * The gold table the ingestion gives every table: its row count at each pipeline run, which the
 * data owner compares with the source's count to see that the replication is complete.
 */
function rowCountGold(
  silverDatabase: string,
  silverTable: string,
  sourceTable: string,
  catalog: string,
): GoldTableInput {
  return {
    table: `${silverTable}_row_count`,
    upstream: [sourceTable],
    sql: `SELECT COUNT(*) AS row_count, current_timestamp() AS refreshed_at FROM ${catalog}.${silverDatabase}.${silverTable}`,
    columns: [
      { name: 'row_count', type: 'bigint' },
      { name: 'refreshed_at', type: 'timestamp' },
    ],
  };
}

/** The silver renames that change a name; identity entries of the form's grid are left out. */
function changedNames(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(names).filter(([column, name]) => column !== name),
  );
}

/**
 * `datalake:pipeline:ingestion:plan`: checks the "new ingestion" form's values again on the server
 * (the same checks, with the same messages, as the form's field validators) and derives what the
 * following steps take: silver renames, the EventBridge schedule, the per-table gold tables, the
 * names of the tables that will exist and whether replication can start. Makes no AWS call.
 *
 * @public
 */
export function createIngestionPlanAction(options: PipelineActionOptions) {
  return createTemplateAction({
    id: 'datalake:pipeline:ingestion:plan',
    description:
      'Validates the values of the new-ingestion form (tables, table blockers, silver column names, cron schedule) and derives the silver renames, the EventBridge schedule, the per-table row-count gold tables and the names of the tables to create. Read-only.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe('Id of the source in datalake.sources'),
        inspection: z =>
          z
            .record(z.unknown())
            .describe('The report of datalake:mysql:source:inspect'),
        tables: z =>
          z
            .array(z.string().regex(SOURCE_TABLE_NAME_PATTERN))
            .max(500)
            .optional()
            .describe('The chosen source tables'),
        silverColumns: z =>
          z
            .record(z.record(z.string()))
            .optional()
            .describe(
              'Per source table: bronze column → silver column name (the form sends every column)',
            ),
        schedule: z =>
          z
            .string()
            .optional()
            .describe(
              'Five-field cron expression (UTC), e.g. "0 2 * * *"; none for a pipeline run by hand',
            ),
        format: z =>
          z
            .enum(['parquet', 'csv'])
            .optional()
            .describe('Landing format, recorded for later gold tables'),
        schemaDrift: pipelineInputFields.schemaDrift,
        owner: z =>
          z
            .string()
            .optional()
            .describe(
              'The owner of the pipeline and its tables; in the portal its check (the caller or one of their groups, unless an admin) runs here, before any resource is made',
            ),
        rowCountGold: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Add a gold table <table>_row_count per table (default true)',
            ),
      },
      output: {
        owner: z =>
          z
            .string()
            .optional()
            .describe('The owner as a full entity ref (group by default)'),
        tables: z => z.array(z.string()),
        silverRenames: z => z.record(z.record(z.string())),
        schedule: z =>
          z.string().describe('EventBridge Scheduler expression, or empty'),
        scheduleCron: z => z.string(),
        schemaDrift: z => z.string(),
        gold: z => z.array(z.record(z.unknown())),
        startReplication: z =>
          z
            .boolean()
            .describe(
              'False when the server has CDC blockers: resources are created, replication waits',
            ),
        serverBlockers: z => z.array(z.string()),
        pipelineName: z => z.string(),
        lakeTables: z =>
          z
            .array(
              z.object({
                layer: z.enum(['bronze', 'silver', 'gold']),
                database: z.string(),
                table: z.string(),
              }),
            )
            .describe('Every Iceberg table the pipeline will have'),
        tableEntityRefs: z =>
          z
            .array(z.string())
            .describe(
              'The catalog entities the tables become (catalog module naming: resource:default/<database>.<table>)',
            ),
        ingestion: z =>
          z
            .record(z.unknown())
            .describe(
              'The pipeline input to record on the pipeline entity (annotation datalake-portal.io/ingestion), so that datalake:pipeline:gold:plan can extend the pipeline',
            ),
        pipelineDependsOn: z =>
          z
            .array(z.string())
            .describe(
              "The pipeline component's dependsOn: the source database resource, then the tables",
            ),
      },
    },
    async handler(ctx) {
      const report = ctx.input.inspection as unknown as SourceReport;
      if (!Array.isArray(report?.tables) || !Array.isArray(report.findings)) {
        throw new InputError(
          'inspection is not a report of datalake:mysql:source:inspect',
        );
      }
      const tables = ctx.input.tables ?? [];
      const problems = validateTableSelection(tables, report);
      for (const [table, names] of Object.entries(
        ctx.input.silverColumns ?? {},
      )) {
        if (!tables.includes(table)) {
          problems.push(
            `Silver column names are given for '${table}', which is not a chosen table.`,
          );
          continue;
        }
        problems.push(...validateSilverColumns(table, names));
      }
      const cron = ctx.input.schedule?.trim() ?? '';
      const cronProblem = cron ? validateCronExpression(cron) : undefined;
      if (cronProblem) problems.push(cronProblem);
      if (problems.length > 0) {
        throw new InputError(problems.join('\n'));
      }

      const config = requirePipelineConfig(options.pipeline);
      const silverRenames = Object.fromEntries(
        Object.entries(ctx.input.silverColumns ?? {})
          .map(([table, names]) => [table, changedNames(names)] as const)
          .filter(([, names]) => Object.keys(names).length > 0),
      );
      // Resolving without gold first gives the silver names the gold SQL reads.
      const base = resolvePipeline(
        {
          sourceId: ctx.input.sourceId,
          inspection: ctx.input.inspection,
          tables,
          format: ctx.input.format,
          schemaDrift: ctx.input.schemaDrift,
          silverRenames,
        },
        config,
      );
      const gold =
        ctx.input.rowCountGold ?? true
          ? base.specs.map(spec =>
              rowCountGold(
                spec.silver.database,
                spec.silver.table,
                spec.source.table,
                config.glue.catalog,
              ),
            )
          : [];
      const pipeline = resolvePipeline(
        {
          sourceId: ctx.input.sourceId,
          inspection: ctx.input.inspection,
          tables,
          format: ctx.input.format,
          schemaDrift: ctx.input.schemaDrift,
          silverRenames,
          gold,
        },
        config,
      );
      const serverBlockers = report.findings
        .filter(f => f.severity === 'blocker' && !f.table)
        .map(f => f.message);
      if (serverBlockers.length > 0) {
        ctx.logger.warn(
          `The source is not ready for CDC; the pipeline is created but replication does not start until these are fixed:\n- ${serverBlockers.join(
            '\n- ',
          )}`,
        );
      }
      if (ctx.input.owner !== undefined) {
        ctx.output('owner', ownerEntityRef(ctx.input.owner));
      }
      ctx.output('tables', tables);
      ctx.output('schemaDrift', ctx.input.schemaDrift ?? 'fail');
      ctx.output('silverRenames', silverRenames);
      ctx.output('schedule', cron ? toEventBridgeCron(cron) : '');
      ctx.output('scheduleCron', cron);
      ctx.output('gold', gold);
      ctx.output('startReplication', serverBlockers.length === 0);
      ctx.output('serverBlockers', serverBlockers);
      ctx.output('pipelineName', pipelineNameOf(ctx.input.sourceId));
      const lakeTables = [
        ...pipeline.specs.flatMap(spec => [
          {
            layer: 'bronze' as const,
            database: spec.bronze.database,
            table: spec.bronze.table,
          },
          {
            layer: 'silver' as const,
            database: spec.silver.database,
            table: spec.silver.table,
          },
        ]),
        ...pipeline.gold.map(g => ({
          layer: 'gold' as const,
          database: g.database,
          table: g.table,
        })),
      ];
      ctx.output('lakeTables', lakeTables);
      const tableEntityRefs = lakeTables.map(
        t => `resource:default/${t.database}.${t.table}`,
      );
      ctx.output('tableEntityRefs', tableEntityRefs);
      const ingestion: IngestionRecord = {
        tables,
        format: ctx.input.format ?? 'parquet',
        schemaDrift: ctx.input.schemaDrift ?? 'fail',
        silverRenames,
        gold,
        schedule: cron ? toEventBridgeCron(cron) : '',
        scheduleCron: cron,
      };
      ctx.output('ingestion', ingestion);
      ctx.output('pipelineDependsOn', [
        `resource:default/mysql.${ctx.input.sourceId}`,
        ...tableEntityRefs,
      ]);
    },
  });
}
