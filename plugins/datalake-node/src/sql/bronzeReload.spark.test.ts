/*
 * A DMS table reload (the full load written again under the same LOAD name, the old CDC files left
 * in place) through the rendered landing → bronze and bronze → silver jobs on the local Spark +
 * Iceberg runtime, compared row for row with the DuckDB replay of the same plan.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { DuckDbBronzeReplay } from '../replay/DuckDbBronzeReplay';
import { listLandingFiles } from '../replay/landingFiles';
import {
  RELOAD_DDL,
  RELOAD_EXPECTED,
  reloadScenario,
  writeLanding,
  writeReloadBatch,
} from '../replay/testing';
import { bronzeTableColumns, planBronzeMerge } from './bronzeMerge';
import { buildPipelineSpec } from './buildPipelineSpec';
import { quoteIdentifier, quoteTableName } from './dialect';
import { parseMysqlDdl } from './mysqlDdl';
import { loadSparkTemplates, renderSparkJob } from './sparkJobs';
import {
  LOCAL_CATALOG,
  newWarehouse,
  runOnLocalSpark,
} from './__testUtils__/localSpark';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../../../..');
const HOUR = 3_600_000;

/** The Iceberg v2 merge-on-read tables `datalake:glue:iceberg-table:create` makes. */
function tableSetup(spec: PipelineSpec): string[] {
  const props =
    `TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read', ` +
    `'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')`;
  const bronzeColumns = bronzeTableColumns(planBronzeMerge(spec), 'spark')
    .map(c => `${quoteIdentifier(c.name, 'spark')} ${c.type}`)
    .join(', ');
  const silverColumns = spec.silver.columns
    .map(c => {
      const type =
        c.cast ?? spec.columns.find(b => b.name === c.source)!.sparkType;
      return `${quoteIdentifier(c.name, 'spark')} ${type}`;
    })
    .join(', ');
  return [
    `CREATE NAMESPACE IF NOT EXISTS ${LOCAL_CATALOG}.${spec.bronze.database}`,
    `CREATE NAMESPACE IF NOT EXISTS ${LOCAL_CATALOG}.${spec.silver.database}`,
    `CREATE TABLE ${quoteTableName(
      [LOCAL_CATALOG, spec.bronze.database, spec.bronze.table],
      'spark',
    )} (${bronzeColumns}) USING iceberg ${props}`,
    `CREATE TABLE ${quoteTableName(
      [LOCAL_CATALOG, spec.silver.database, spec.silver.table],
      'spark',
    )} (${silverColumns}) USING iceberg ${props}`,
  ];
}

const asText = (rows: Record<string, unknown>[]) =>
  rows.map(r =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );

describe('a DMS table reload on Spark with Iceberg', () => {
  it('rebuilds bronze in one commit equal to the DuckDB replay, applies nothing on a rerun, and silver follows', async () => {
    const landing = await writeLanding({});
    const spec = buildPipelineSpec(parseMysqlDdl(RELOAD_DDL)[0], {
      schema: 'shop',
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'ts',
    });
    const templates = await loadSparkTemplates(
      path.join(REPO, 'spark-templates'),
    );
    const bronzeJob = {
      script: renderSparkJob('landing_to_bronze', spec, templates),
    };
    const silverJob = {
      script: renderSparkJob('bronze_to_silver', spec, templates),
    };
    const bronze = `${LOCAL_CATALOG}.${spec.bronze.database}.${spec.bronze.table}`;
    const silver = `${LOCAL_CATALOG}.${spec.silver.database}.${spec.silver.table}`;
    const dump = [
      {
        table: bronze,
        columns: spec.columns.map(c => c.name),
        orderBy: spec.key,
      },
      { table: silver, orderBy: spec.key },
      {
        table: `${bronze}.snapshots`,
        columns: ['operation', 'summary'],
        orderBy: ['committed_at'],
      },
    ];
    const warehouse = await newWarehouse();
    // The initial load lands before the first run, the reload after it (newer than its listing).
    const [initial] = reloadScenario(Date.now());
    const [, reload] = reloadScenario(Date.now() + 4 * HOUR);

    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      const files = () => listLandingFiles(landing, 'shop', 'items', 'csv');

      await writeReloadBatch(landing, initial);
      const first = await runOnLocalSpark({
        warehouse,
        setup: tableSetup(spec),
        runs: [bronzeJob, silverJob],
        dump,
      });
      expect({ status: first.status, output: first.output }).toMatchObject({
        status: 0,
      });
      await replay.apply(await files());
      expect(asText(first.tables[bronze])).toEqual(
        asText(await replay.rowsJson()),
      );

      await writeReloadBatch(landing, reload);
      // The reload, then a rerun that must find nothing to do, then silver.
      const second = await runOnLocalSpark({
        warehouse,
        runs: [bronzeJob, bronzeJob, silverJob],
        dump,
      });
      expect({ status: second.status, output: second.output }).toMatchObject({
        status: 0,
      });
      expect(second.output).toMatch(
        /rebuilt .* from the reloaded full load \(shop\/items\/LOAD00000001\.csv\): read 2 file\(s\), recorded 3 file\(s\)/,
      );
      expect(second.output).toMatch(
        /nothing to apply: 4 file\(s\) already applied/,
      );
      expect((await replay.apply(await files())).reload).toBe(true);
      const expected = await replay.rowsJson();
      expect(expected).toEqual(RELOAD_EXPECTED);
      expect(asText(second.tables[bronze])).toEqual(asText(expected));
      // Silver took the rebuild as a change of bronze: the deleted keys are gone there too.
      expect(asText(second.tables[silver])).toEqual(asText(expected));

      // One commit per run that applied something; the reload's records the new LOAD time.
      const snapshots = second.tables[`${bronze}.snapshots`] as {
        summary: string;
      }[];
      expect(snapshots).toHaveLength(2);
      const summary: Record<string, string> = JSON.parse(snapshots[1].summary);
      expect(JSON.parse(summary['datalake.applied-files'])).toEqual([
        'shop/items/LOAD00000001.csv',
        'shop/items/20240101-110000000.csv',
        'shop/items/20240101-130000000.csv',
      ]);
      const load = (await files()).find(f => f.phase === 'full-load')!;
      expect(JSON.parse(summary['datalake.full-load-files'])).toEqual({
        'shop/items/LOAD00000001.csv': load.modified,
      });
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });
});
