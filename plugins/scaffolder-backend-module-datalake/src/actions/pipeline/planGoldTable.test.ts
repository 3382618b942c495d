import { InputError } from '@backstage/errors';
import { createGoldTablePlanAction } from './planGoldTable';
import { examples } from './planGoldTable.examples';
import { INGESTION_ANNOTATION, IngestionRecord } from './ingestionRecord';
import {
  actionContext,
  exampleInputs,
  mockedOptions,
  sakilaInspection,
} from '../glue/__testUtils__/pipelineTestContext';

const record: IngestionRecord = {
  tables: ['actor', 'payment'],
  format: 'parquet',
  silverRenames: { payment: { amount: 'amount_usd' } },
  gold: [
    {
      table: 'actor_row_count',
      upstream: ['actor'],
      sql: 'SELECT COUNT(*) AS row_count FROM glue_catalog.sakila_silver.actor',
      columns: [{ name: 'row_count', type: 'bigint' }],
    },
  ],
  schedule: 'cron(0 2 * * ? *)',
  scheduleCron: '0 2 * * *',
};

const pipelineEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'sakila-ingestion',
    annotations: {
      [INGESTION_ANNOTATION]: JSON.stringify(record),
      'datalake-portal.io/dms-task': 'dl-sakila-ingest',
    },
  },
  spec: { owner: 'group:default/data-engineering' },
};

async function run(input: Record<string, unknown>) {
  const action = createGoldTablePlanAction(mockedOptions());
  const ctx = actionContext({
    sourceId: 'sakila',
    pipelineEntity,
    inspection: sakilaInspection(),
    ...input,
  });
  await action.handler(ctx as any);
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
  );
}

describe('datalake:pipeline:gold:plan', () => {
  it('runs the example: adds the gold table to the recorded pipeline input', async () => {
    const input = exampleInputs(examples[0].example)[1];
    const outputs = await run({
      table: input.table,
      sql: input.sql,
    });
    expect(outputs.tables).toEqual(['actor', 'payment']);
    expect(outputs.silverRenames).toEqual(record.silverRenames);
    expect(outputs.gold.map((g: { table: string }) => g.table)).toEqual([
      'actor_row_count',
      'actors_by_last_name',
    ]);
    expect(outputs.columns).toEqual([
      { name: 'last_name', type: 'string' },
      { name: 'actors', type: 'bigint' },
    ]);
    expect(outputs.gold[1].upstream).toEqual(['actor']);
    expect(outputs.owner).toBe('group:default/data-engineering');
    expect(outputs.goldEntityRef).toBe(
      'resource:default/sakila_gold.actors_by_last_name',
    );
    expect(outputs.pipelineDependsOn).toContain(
      'resource:default/sakila_gold.actors_by_last_name',
    );
    expect(outputs.ingestion.gold).toHaveLength(2);
  });

  it("keeps the pipeline's schema drift policy for the jobs it renders again, fail for records from before the policy", async () => {
    const gold = {
      table: 'actors_by_last_name',
      sql: 'SELECT last_name, COUNT(*) AS actors FROM glue_catalog.sakila_silver.actor GROUP BY last_name',
    };
    expect((await run(gold)).schemaDrift).toBe('fail');
    const evolving = {
      ...pipelineEntity,
      metadata: {
        ...pipelineEntity.metadata,
        annotations: {
          ...pipelineEntity.metadata.annotations,
          [INGESTION_ANNOTATION]: JSON.stringify({
            ...record,
            schemaDrift: 'evolve',
          }),
        },
      },
    };
    const outputs = await run({ ...gold, pipelineEntity: evolving });
    expect(outputs.schemaDrift).toBe('evolve');
    expect(outputs.ingestion.schemaDrift).toBe('evolve');
  });

  it('types the gold columns from the renamed silver columns', async () => {
    const outputs = await run({
      table: 'revenue_by_staff',
      sql: 'SELECT p.staff_id, SUM(p.amount_usd) AS revenue FROM glue_catalog.sakila_silver.payment p GROUP BY p.staff_id',
    });
    expect(outputs.columns).toEqual([
      { name: 'staff_id', type: 'int' },
      { name: 'revenue', type: 'decimal(38,2)' },
    ]);
  });

  it.each([
    [
      'reads a table that is not in the pipeline',
      'SELECT f.title FROM glue_catalog.sakila_silver.film f',
      /not one of the chosen silver tables/,
    ],
    [
      'uses the bronze name of a renamed column',
      'SELECT SUM(p.amount) AS revenue FROM sakila_silver.payment p',
      /type of column 'revenue'/,
    ],
    [
      'is not a SELECT',
      'DELETE FROM sakila_silver.payment',
      /one SELECT statement/,
    ],
  ])('refuses SQL that %s', async (_what, sql, message) => {
    const error = await run({ table: 'broken', sql }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });

  // Each of these got past the regular-expression check this action used before (issue #17).
  it.each([
    [
      'comma-joins a table outside the pipeline',
      'SELECT COUNT(*) AS n FROM glue_catalog.sakila_silver.actor a, glue_catalog.sakila_silver.film f',
      /'glue_catalog.sakila_silver.film', which is not one of the chosen silver tables/,
    ],
    [
      "reads another database's table of the same name",
      'SELECT COUNT(*) AS n FROM sakila_silver.actor a JOIN sakila_bronze.payment p ON true',
      /from database 'sakila_bronze'/,
    ],
    [
      'reads another database in the catalog',
      'SELECT COUNT(*) AS n FROM glue_catalog.other_db.actor',
      /from database 'other_db'/,
    ],
    [
      'reads another table in a subquery',
      'SELECT COUNT(*) AS n FROM sakila_silver.actor WHERE actor_id IN (SELECT id FROM hr.salaries)',
      /from database 'hr'/,
    ],
    [
      'reads a file path',
      'SELECT COUNT(*) AS n FROM sakila_silver.actor a JOIN parquet.`s3://raw-bucket/x/` r ON true',
      /file path source/,
    ],
    [
      'calls reflect',
      "SELECT reflect('java.lang.Runtime', 'getRuntime') AS r FROM sakila_silver.actor",
      /'reflect' is not accepted/,
    ],
    [
      'calls java_method',
      "SELECT CAST(java_method('java.lang.System', 'getenv', 'HOME') AS string) AS r FROM sakila_silver.actor",
      /'java_method' is not accepted/,
    ],
    [
      'has two statements',
      'SELECT COUNT(*) AS n FROM sakila_silver.actor; DROP TABLE sakila_silver.actor',
      /one statement/,
    ],
    [
      'hides another table in a CTE',
      'WITH a AS (SELECT * FROM sakila_bronze.actor) SELECT COUNT(*) AS n FROM a',
      /from database 'sakila_bronze'/,
    ],
  ])('refuses SQL that %s, saying where', async (_what, sql, message) => {
    const error = await run({ table: 'escape', sql }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/line \d+ column \d+/);
  });

  it('derives the upstream from the parsed relations, a join included', async () => {
    const outputs = await run({
      table: 'paid_actors',
      sql: 'SELECT COUNT(*) AS n FROM sakila_silver.payment p JOIN sakila_silver.actor a ON p.payment_id = a.actor_id',
    });
    expect(outputs.gold[1].upstream).toEqual(['payment', 'actor']);
  });

  it('refuses a pipeline entity without the recorded input', async () => {
    const action = createGoldTablePlanAction(mockedOptions());
    const ctx = actionContext({
      sourceId: 'sakila',
      pipelineEntity: { metadata: { name: 'x' } },
      inspection: sakilaInspection(),
      table: 'g',
      sql: 'SELECT 1 AS one FROM sakila_silver.actor',
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /has no datalake-portal.io\/ingestion annotation/,
    );
  });
});
