import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SOURCE_ID_PATTERN,
  SOURCE_TABLE_NAME_PATTERN,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  findMysqlSource,
  inspectAndCheckMysqlSource,
  mysqlConnectionFor,
  MysqlSourceConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { examples } from './inspectSource.examples';

/**
 * `datalake:mysql:source:inspect`: inspects a configured MySQL source and runs the CDC preflight;
 * the report is an output for later steps (e.g. `datalake:dms:task:create`). Read-only, so it also
 * runs in dry runs.
 *
 * @public
 */
export function createMysqlSourceInspectAction(options: {
  sources: readonly MysqlSourceConfig[];
}) {
  return createTemplateAction({
    id: 'datalake:mysql:source:inspect',
    description:
      'Inspects a configured MySQL source (tables, columns with MySQL and Iceberg types, keys) and checks it for DMS CDC. Outputs the report.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe('Id of the source in datalake.sources'),
        tables: z =>
          z
            .array(z.string().regex(SOURCE_TABLE_NAME_PATTERN))
            .max(1000)
            .optional()
            .describe('Restrict to these tables; all base tables when absent'),
        requireReady: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Fail the step when the preflight finds blockers (default true)',
            ),
      },
      output: {
        report: z =>
          z
            .record(z.unknown())
            .describe('The source report (SourceReport JSON)'),
        ready: z => z.boolean().describe('True when no finding is a blocker'),
        tables: z => z.array(z.string()).describe('The inspected base tables'),
        blockers: z =>
          z.array(z.string()).describe('Messages of the blocking findings'),
      },
    },
    async handler(ctx) {
      const source = findMysqlSource(options.sources, ctx.input.sourceId);
      const { report } = await inspectAndCheckMysqlSource(
        mysqlConnectionFor(source),
        {
          tables: ctx.input.tables,
        },
      );
      const blockers = report.findings
        .filter(f => f.severity === 'blocker')
        .map(f => (f.fix ? `${f.message} Fix: ${f.fix}` : f.message));
      ctx.output('report', JSON.parse(JSON.stringify(report)));
      ctx.output('ready', report.ready);
      ctx.output(
        'tables',
        report.tables.map(t => t.name),
      );
      ctx.output('blockers', blockers);
      if ((ctx.input.requireReady ?? true) && !report.ready) {
        throw new InputError(
          `Source '${source.id}' is not ready for CDC:\n- ${blockers.join(
            '\n- ',
          )}`,
        );
      }
    },
  });
}
