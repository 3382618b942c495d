import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SOURCE_ID_PATTERN,
  previewGoldColumns,
  SILVER_COLUMN_NAME_PATTERN,
  SilverColumnSchema,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { assertGoldSql } from '@datalake-portal/backstage-plugin-datalake-node';
import { PipelineActionOptions } from '../glue/actionSupport';
import { goldSqlScope } from '../glue/goldSqlScope';
import { requirePipelineConfig } from '../glue/pipelineConfig';
import { pipelineNameOf, resolvePipeline } from '../glue/pipelineSpecs';
import { IngestionRecord, readIngestionRecord } from './ingestionRecord';
import { examples } from './planGoldTable.examples';

/**
 * `datalake:pipeline:gold:plan`: adds a gold table to a source's pipeline. It reads the pipeline's
 * recorded input from the pipeline component (fetched with `catalog:fetch`), derives the gold
 * table's columns from the SQL and the silver schemas (the function the form's preview uses), and
 * outputs the pipeline input with the gold table added, for the pipeline actions that follow.
 * Makes no AWS call.
 *
 * @public
 */
export function createGoldTablePlanAction(options: PipelineActionOptions) {
  return createTemplateAction({
    id: 'datalake:pipeline:gold:plan',
    description:
      "Adds a gold table to a source's pipeline: checks the SQL against the silver schemas, derives the gold columns, and outputs the pipeline input (recorded on the pipeline entity) with the gold table added. Read-only.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe('Id of the source in datalake.sources'),
        pipelineEntity: z =>
          z
            .record(z.unknown())
            .describe(
              'The pipeline component (output entity of catalog:fetch)',
            ),
        inspection: z =>
          z
            .record(z.unknown())
            .describe('The report of datalake:mysql:source:inspect'),
        table: z => z.string().describe('Name of the gold table'),
        sql: z => z.string().describe('One SELECT over the silver tables'),
      },
      output: {
        tables: z => z.array(z.string()),
        format: z => z.string(),
        schemaDrift: z => z.string(),
        silverRenames: z => z.record(z.record(z.string())),
        gold: z => z.array(z.record(z.unknown())),
        schedule: z => z.string(),
        scheduleCron: z => z.string(),
        columns: z => z.array(z.object({ name: z.string(), type: z.string() })),
        owner: z => z.string(),
        taskIdentifier: z => z.string(),
        pipelineName: z => z.string(),
        ingestion: z => z.record(z.unknown()),
        pipelineDependsOn: z => z.array(z.string()),
        goldEntityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      const { sourceId, table, sql } = ctx.input;
      if (!SILVER_COLUMN_NAME_PATTERN.test(table)) {
        throw new InputError(
          `Gold table name '${table}' is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore.`,
        );
      }
      const record = readIngestionRecord(ctx.input.pipelineEntity);
      const config = requirePipelineConfig(options.pipeline);
      const base = resolvePipeline(
        {
          sourceId,
          inspection: ctx.input.inspection,
          tables: record.tables,
          format: record.format,
          silverRenames: record.silverRenames,
        },
        config,
      );
      const silverSchemas: Record<string, SilverColumnSchema[]> = {};
      for (const spec of base.specs) {
        silverSchemas[spec.silver.table] = spec.silver.columns.map(c => ({
          name: c.name,
          type:
            c.cast ??
            spec.columns.find(b => b.name === c.source)?.sparkType ??
            'string',
        }));
      }
      // The parsed check decides what the SQL reads; the preview only derives the columns.
      const { relations } = assertGoldSql(
        sql,
        goldSqlScope(
          base,
          { upstreamTables: [] },
          config,
          Object.keys(silverSchemas),
        ),
      );
      const preview = previewGoldColumns(sql, silverSchemas);
      if (preview.problems.length > 0) {
        throw new InputError(preview.problems.join('\n'));
      }
      const upstream = relations.map(
        silver => base.specs.find(s => s.silver.table === silver)!.source.table,
      );
      const gold = [
        ...record.gold.filter(g => g.table !== table),
        {
          table,
          sql: sql.trim().replace(/;\s*$/, ''),
          upstream,
          columns: preview.columns.map(c => ({ name: c.name, type: c.type })),
        },
      ];
      // Resolving the whole pipeline checks the gold table as the pipeline actions will.
      const pipeline = resolvePipeline(
        {
          sourceId,
          inspection: ctx.input.inspection,
          tables: record.tables,
          format: record.format,
          silverRenames: record.silverRenames,
          gold,
        },
        config,
      );
      const entity = ctx.input.pipelineEntity as {
        spec?: { owner?: string };
        metadata?: { annotations?: Record<string, string> };
      };
      const ingestion: IngestionRecord = { ...record, gold };
      const tableRefs = [
        ...pipeline.specs.flatMap(s => [
          `resource:default/${s.bronze.database}.${s.bronze.table}`,
          `resource:default/${s.silver.database}.${s.silver.table}`,
        ]),
        ...pipeline.gold.map(g => `resource:default/${g.database}.${g.table}`),
      ];
      ctx.output('tables', record.tables);
      ctx.output('format', record.format);
      ctx.output('schemaDrift', record.schemaDrift ?? 'fail');
      ctx.output('silverRenames', record.silverRenames);
      ctx.output('gold', gold);
      ctx.output('schedule', record.schedule);
      ctx.output('scheduleCron', record.scheduleCron);
      ctx.output('columns', gold[gold.length - 1].columns);
      ctx.output('owner', entity.spec?.owner ?? '');
      ctx.output(
        'taskIdentifier',
        entity.metadata?.annotations?.['datalake-portal.io/dms-task'] ?? '',
      );
      ctx.output('pipelineName', pipelineNameOf(sourceId));
      ctx.output('ingestion', ingestion);
      const created = pipeline.gold.find(g => g.table === table)!;
      ctx.output(
        'goldEntityRef',
        `resource:default/${created.database}.${created.table}`,
      );
      ctx.output('pipelineDependsOn', [
        `resource:default/mysql.${sourceId}`,
        ...tableRefs,
      ]);
    },
  });
}
