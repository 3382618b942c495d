import { InputError } from '@backstage/errors';
import {
  validateCronExpression,
  validateSilverColumns,
  validateTableSelection,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { createIngestionPlanAction } from './planIngestion';
import { examples } from './planIngestion.examples';
import {
  actionContext,
  exampleInputs,
  mockedOptions,
  sakilaInspection,
} from '../glue/__testUtils__/pipelineTestContext';

/** Sakila with a server blocker and a table that has no key, as the real preflight reports them. */
function inspectionWithBlockers() {
  const report = sakilaInspection() as any;
  report.findings = [
    {
      code: 'binlog-disabled',
      severity: 'blocker',
      message: 'Binary logging is off.',
    },
    {
      code: 'table-without-key',
      severity: 'blocker',
      table: 'film_text',
      message: 'Table film_text has no primary key.',
    },
  ];
  return report;
}

async function run(input: Record<string, unknown>) {
  const action = createIngestionPlanAction(mockedOptions());
  const ctx = actionContext(input);
  await action.handler(ctx as any);
  const outputs = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
  );
  return outputs;
}

async function refusal(input: Record<string, unknown>): Promise<Error> {
  const action = createIngestionPlanAction(mockedOptions());
  return action.handler(actionContext(input) as any).then(
    () => {
      throw new Error('the action accepted the input');
    },
    error => error,
  );
}

describe('datalake:pipeline:ingestion:plan', () => {
  it('runs the example and derives renames, schedule, gold tables and table names', async () => {
    const outputs = await run(exampleInputs(examples[0].example)[0]);
    expect(outputs.tables).toEqual(['film', 'actor']);
    expect(outputs.silverRenames).toEqual({ film: { title: 'film_title' } });
    expect(outputs.schedule).toBe('cron(0 2 * * ? *)');
    expect(outputs.startReplication).toBe(true);
    expect(outputs.gold).toEqual([
      expect.objectContaining({
        table: 'film_row_count',
        upstream: ['film'],
        sql: 'SELECT COUNT(*) AS row_count, current_timestamp() AS refreshed_at FROM glue_catalog.sakila_silver.film',
      }),
      expect.objectContaining({ table: 'actor_row_count' }),
    ]);
    expect(outputs.lakeTables).toEqual([
      { layer: 'bronze', database: 'sakila_bronze', table: 'film' },
      { layer: 'silver', database: 'sakila_silver', table: 'film' },
      { layer: 'bronze', database: 'sakila_bronze', table: 'actor' },
      { layer: 'silver', database: 'sakila_silver', table: 'actor' },
      { layer: 'gold', database: 'sakila_gold', table: 'film_row_count' },
      { layer: 'gold', database: 'sakila_gold', table: 'actor_row_count' },
    ]);
  });

  it('creates the pipeline but holds replication back when the server has CDC blockers', async () => {
    const outputs = await run({
      sourceId: 'sakila',
      inspection: inspectionWithBlockers(),
      tables: ['film'],
      rowCountGold: false,
    });
    expect(outputs.startReplication).toBe(false);
    expect(outputs.serverBlockers).toEqual(['Binary logging is off.']);
    expect(outputs.gold).toEqual([]);
    expect(outputs.schedule).toBe('');
  });

  // Each refusal carries exactly the message the form's validator shows.
  it.each([
    ['no table', { tables: [] }, validateTableSelection([])[0]],
    [
      'a blocked table',
      { tables: ['film', 'film_text'] },
      validateTableSelection(['film_text'], inspectionWithBlockers())[0],
    ],
    [
      'an invalid cron',
      { tables: ['film'], schedule: '0 25 * * *' },
      validateCronExpression('0 25 * * *')!,
    ],
    [
      'an invalid column name',
      { tables: ['film'], silverColumns: { film: { title: 'Film Title' } } },
      validateSilverColumns('film', { title: 'Film Title' })[0],
    ],
    [
      'a duplicate column name',
      {
        tables: ['film'],
        silverColumns: { film: { title: 'name', description: 'name' } },
      },
      validateSilverColumns('film', { title: 'name', description: 'name' })[0],
    ],
  ])('refuses %s with the form message', async (_what, values, message) => {
    const error = await refusal({
      sourceId: 'sakila',
      inspection: inspectionWithBlockers(),
      ...values,
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(message);
  });

  it('records the schema drift policy for the jobs and later gold tables, fail by default', async () => {
    const input = {
      sourceId: 'sakila',
      inspection: sakilaInspection(),
      tables: ['film'],
    };
    const defaulted = await run(input);
    expect(defaulted.schemaDrift).toBe('fail');
    expect(defaulted.ingestion).toEqual(
      expect.objectContaining({ schemaDrift: 'fail' }),
    );
    const evolving = await run({ ...input, schemaDrift: 'evolve' });
    expect(evolving.schemaDrift).toBe('evolve');
    expect(evolving.ingestion).toEqual(
      expect.objectContaining({ format: 'parquet', schemaDrift: 'evolve' }),
    );
  });

  it('refuses a schema drift policy other than fail for CSV landing files, before anything is made', async () => {
    const error = await refusal({
      sourceId: 'sakila',
      inspection: sakilaInspection(),
      tables: ['film'],
      format: 'csv',
      schemaDrift: 'ignore',
    });
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "table 'film': schema drift policy 'ignore' needs the parquet landing format; CSV files name no columns, so only 'fail' applies to them",
    );
  });

  it('refuses column names for a table that is not chosen', async () => {
    const error = await refusal({
      sourceId: 'sakila',
      inspection: sakilaInspection(),
      tables: ['film'],
      silverColumns: { actor: { first_name: 'first' } },
    });
    expect(error.message).toBe(
      "Silver column names are given for 'actor', which is not a chosen table.",
    );
  });
});
