/*
 * The rendered jobs (landing → bronze → silver → gold), executed on the local Spark + Iceberg runtime (Glue 5.0's
 * versions) over landing files in the layout one DMS full-load-and-cdc task writes, and compared row
 * for row with the DuckDB replay of the same plan.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { DuckDbBronzeReplay } from '../replay/DuckDbBronzeReplay';
import { DuckDbSilverReplay } from '../replay/DuckDbSilverReplay';
import { listLandingFiles } from '../replay/landingFiles';
import { asOneDmsTaskLayout, writeLanding } from '../replay/testing';
import {
  bronzeTableColumns,
  planBronzeMerge,
  schemaDriftFailureMessage,
} from './bronzeMerge';
import { buildPipelineSpec } from './buildPipelineSpec';
import { quoteIdentifier, quoteString, quoteTableName } from './dialect';
import { parseMysqlDdl } from './mysqlDdl';
import { loadSparkTemplates, renderSparkJob } from './sparkJobs';
import {
  LOCAL_CATALOG,
  newWarehouse,
  runOnLocalSpark,
} from './__testUtils__/localSpark';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../../../..');
const GAME_FIXTURE = path.resolve(REPO, '../shared/fixtures/dms/game');
const ITEM_DDL = `CREATE TABLE game.item_data (item_id bigint NOT NULL PRIMARY KEY,
  item_name varchar(50), category varchar(50), price bigint);`;

function itemSpec(
  landingPath: string,
  schemaDrift?: PipelineSpec['schemaDrift'],
): PipelineSpec {
  return buildPipelineSpec(parseMysqlDdl(ITEM_DDL)[0], {
    landingPath,
    format: 'parquet',
    timestampColumn: 'timestamp',
    schemaDrift,
  });
}

/**
 * Writes a DMS CDC Parquet file of item_data with DuckDB: Op, the commit timestamp, the table's
 * columns, then the columns ALTER TABLE added (DMS appends them).
 */
async function writeCdcParquet(file: string, select: string) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const duckdb = await DuckDBInstance.create(':memory:');
  const connection = await duckdb.connect();
  try {
    await connection.run(
      `COPY (${select}) TO ${quoteString(file, 'duckdb')} (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    duckdb.closeSync();
  }
}

/** What `datalake:glue:iceberg-table:create` makes on AWS: an Iceberg v2 merge-on-read table. */
function bronzeTableSetup(spec: PipelineSpec): string[] {
  const columns = bronzeTableColumns(planBronzeMerge(spec), 'spark')
    .map(c => `${quoteIdentifier(c.name, 'spark')} ${c.type}`)
    .join(', ');
  const table = quoteTableName(
    [LOCAL_CATALOG, spec.bronze.database, spec.bronze.table],
    'spark',
  );
  return [
    `CREATE NAMESPACE IF NOT EXISTS ${LOCAL_CATALOG}.${spec.bronze.database}`,
    `CREATE TABLE ${table} (${columns}) USING iceberg TBLPROPERTIES (` +
      `'format-version'='2', 'write.delete.mode'='merge-on-read', ` +
      `'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')`,
  ];
}

/** The silver table as the Iceberg table action creates it: the silver columns, cast or not. */
function silverTableSetup(spec: PipelineSpec): string[] {
  const columns = spec.silver.columns
    .map(c => {
      const type =
        c.cast ?? spec.columns.find(b => b.name === c.source)!.sparkType;
      return `${quoteIdentifier(c.name, 'spark')} ${type}`;
    })
    .join(', ');
  return [
    `CREATE NAMESPACE IF NOT EXISTS ${LOCAL_CATALOG}.${spec.silver.database}`,
    `CREATE TABLE ${quoteTableName(
      [LOCAL_CATALOG, spec.silver.database, spec.silver.table],
      'spark',
    )} (${columns}) USING iceberg TBLPROPERTIES ('format-version'='2', ` +
      `'write.merge.mode'='merge-on-read', 'write.delete.mode'='merge-on-read', ` +
      `'write.update.mode'='merge-on-read')`,
  ];
}

/** Values as text, so that Spark's JSON and DuckDB's JSON compare (BIGINT is a string in DuckDB's). */
const asText = (rows: Record<string, unknown>[]) =>
  rows.map(r =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );

describe('the rendered jobs on Spark with Iceberg', () => {
  it('applies the full load and the date-partitioned CDC files of one DMS task, equal to the DuckDB replay, and applies nothing twice', async () => {
    const landing = await asOneDmsTaskLayout(GAME_FIXTURE, {
      datePartitions: true,
    });
    const spec = itemSpec(landing);
    const script = renderSparkJob(
      'landing_to_bronze',
      spec,
      await loadSparkTemplates(path.join(REPO, 'spark-templates')),
    );
    const table = `${LOCAL_CATALOG}.${spec.bronze.database}.${spec.bronze.table}`;
    const sourceColumns = spec.columns.map(c => c.name);

    const spark = await runOnLocalSpark({
      warehouse: await newWarehouse(),
      setup: bronzeTableSetup(spec),
      // The second run finds every file recorded in the first run's commit.
      runs: [{ script }, { script }],
      dump: [
        { table, columns: sourceColumns, orderBy: spec.key },
        {
          table: `${table}.snapshots`,
          columns: ['committed_at', 'operation', 'summary'],
          orderBy: ['committed_at'],
        },
      ],
    });
    expect({ status: spark.status, output: spark.output }).toMatchObject({
      status: 0,
    });
    expect(spark.output).toMatch(/applied 2 file\(s\) to/);
    expect(spark.output).toMatch(
      /nothing to apply: 2 file\(s\) already applied/,
    );

    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      await replay.apply(
        await listLandingFiles(landing, 'game', 'item_data', 'parquet'),
      );
      const expected = await replay.rowsJson();
      // 140 loaded + 44 inserted - 3 deleted, and item 117 is updated after its delete.
      expect(expected).toHaveLength(182);
      expect(asText(spark.tables[table])).toEqual(asText(expected));
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }

    // One commit, which records the files it applied; the rerun committed nothing.
    const snapshots = spark.tables[`${table}.snapshots`] as {
      summary: string;
    }[];
    expect(snapshots).toHaveLength(1);
    const summary: Record<string, string> = JSON.parse(snapshots[0].summary);
    expect(JSON.parse(summary['datalake.applied-files'])).toEqual([
      'game/item_data/LOAD00000001.parquet',
      'game/item_data/2023/08/30/20230830-210356.parquet',
    ]);
  });

  it('moves the table through bronze, silver and gold, incrementally, with deletes reaching silver through a merge-on-read bronze', async () => {
    // First the full load alone, then the CDC file (3 deletes among its changes).
    const all = await asOneDmsTaskLayout(GAME_FIXTURE, {
      datePartitions: true,
    });
    const landing = await writeLanding({});
    const copy = async (name: string) => {
      await fs.mkdir(path.dirname(path.join(landing, name)), {
        recursive: true,
      });
      await fs.copyFile(path.join(all, name), path.join(landing, name));
    };
    const base = itemSpec(landing);
    const gold = {
      database: 'gold',
      table: 'items_by_category',
      location: '/unused',
      sql: `SELECT category, count(*) AS items, sum(price) AS value FROM ${LOCAL_CATALOG}.${base.silver.database}.${base.silver.table} GROUP BY category`,
      upstream: [`${base.silver.database}.${base.silver.table}`],
    };
    const spec: PipelineSpec = { ...base, gold: [gold] };
    const templates = await loadSparkTemplates(
      path.join(REPO, 'spark-templates'),
    );
    const jobs = [
      { script: renderSparkJob('landing_to_bronze', spec, templates) },
      { script: renderSparkJob('bronze_to_silver', spec, templates) },
      { script: renderSparkJob('silver_to_gold', spec, templates) },
    ];
    const silver = `${LOCAL_CATALOG}.${spec.silver.database}.${spec.silver.table}`;
    const goldTable = `${LOCAL_CATALOG}.gold.items_by_category`;
    const silverColumns = spec.silver.columns.map(c => c.name);
    const dump = [
      { table: silver, columns: silverColumns, orderBy: ['item_id'] },
      { table: goldTable, orderBy: ['category'] },
    ];
    const warehouse = await newWarehouse();

    await copy('game/item_data/LOAD00000001.parquet');
    const first = await runOnLocalSpark({
      warehouse,
      setup: [
        ...bronzeTableSetup(spec),
        ...silverTableSetup(spec),
        `CREATE NAMESPACE IF NOT EXISTS ${LOCAL_CATALOG}.gold`,
        `CREATE TABLE ${goldTable} (category STRING, items BIGINT, value BIGINT) USING iceberg`,
      ],
      runs: jobs,
      dump,
    });
    expect({ status: first.status, output: first.output }).toMatchObject({
      status: 0,
    });
    expect(first.tables[silver]).toHaveLength(140);

    await copy('game/item_data/2023/08/30/20230830-210356.parquet');
    const second = await runOnLocalSpark({ warehouse, runs: jobs, dump });
    expect({ status: second.status, output: second.output }).toMatchObject({
      status: 0,
    });
    expect(second.output).toMatch(/merged bronze snapshots \(\d+, \d+\]/);

    // Silver equals the DuckDB replay of bronze, renamed; gold equals its SQL over that.
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      await replay.apply(
        await listLandingFiles(landing, 'game', 'item_data', 'parquet'),
      );
      const bronzeRows = await replay.rowsJson();
      expect(bronzeRows).toHaveLength(182);
      const renamed = bronzeRows.map(r =>
        Object.fromEntries(spec.silver.columns.map(c => [c.name, r[c.source]])),
      );
      expect(asText(second.tables[silver])).toEqual(asText(renamed));
      const reader = await connection.runAndReadAll(
        `SELECT category, count(*) AS items, sum(price) AS value FROM ${quoteIdentifier(
          spec.bronze.table,
          'duckdb',
        )} GROUP BY category ORDER BY category`,
      );
      expect(asText(second.tables[goldTable])).toEqual(
        asText(reader.getRowObjectsJson()),
      );
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('agrees with the DuckDB replay row for row on the hard cases, over two runs with a late file', async () => {
    // Names that need quoting in both dialects and normalising for Glue; CSV landing with the
    // commit timestamp after Op and the change sequence last, as our DMS endpoint writes them.
    const ddl = `CREATE TABLE \`Order Items\` (\`order-id\` INT NOT NULL, \`line\` SMALLINT UNSIGNED NOT NULL,
      \`Größe\` VARCHAR(20), \`select\` DECIMAL(10,2), PRIMARY KEY (\`order-id\`, \`line\`));`;
    const dir = 'shop/Order Items';
    const ts = '2024-01-01 10:00:00.000000';
    const batches: Record<string, string>[] = [
      {
        [`${dir}/LOAD00000001.csv`]:
          ',1,1,loaded,1.00,\n,2,1,other,2.00,\n,3,1,nulled,3.00,\n,4,1,tie,4.00,\n',
        [`${dir}/2024/01/01/20240101-100000000.csv`]: [
          // several changes to one key in one file: the last one wins
          'U,2024-01-01 10:00:00.000001,1,1,up,1.10,',
          'D,2024-01-01 10:00:00.000002,1,1,up,1.10,',
          'I,2024-01-01 10:00:00.000003,1,1,back,1.20,',
          // delete, re-inserted in the next file
          'D,2024-01-01 10:00:00.000004,2,1,other,2.00,',
          // a delete of a key nobody knows
          'D,2024-01-01 10:00:00.000005,99,9,ghost,9.00,',
          // an update to NULL
          'U,2024-01-01 10:00:00.000006,3,1,,,',
          // equal commit timestamps: the change sequence decides, not the row order
          `U,${ts},4,1,seq-3,4.30,00000000000000000003`,
          `U,${ts},4,1,seq-1,4.10,00000000000000000001`,
          `U,${ts},4,1,seq-2,4.20,00000000000000000002`,
          '',
        ].join('\n'),
        [`${dir}/2024/01/01/20240101-110000000.csv`]: [
          'I,2024-01-01 11:00:00,2,1,reborn,7.00,',
          'U,2024-01-01 11:00:00,1,1,final,1.30,',
          '',
        ].join('\n'),
      },
      {
        // A late file, named before the ones applied: its older changes must not win.
        [`${dir}/2024/01/01/20240101-093000000.csv`]: [
          'U,2024-01-01 09:30:00,1,1,stale,0.10,',
          'I,2024-01-01 09:30:00,5,1,late-new,5.00,',
          '',
        ].join('\n'),
      },
    ];
    const landing = await writeLanding({});
    const spec = buildPipelineSpec(parseMysqlDdl(ddl)[0], {
      schema: 'shop',
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'ts',
      sequenceColumn: 'seq',
    });
    const script = renderSparkJob(
      'landing_to_bronze',
      spec,
      await loadSparkTemplates(path.join(REPO, 'spark-templates')),
    );
    const table = quoteTableName(
      [LOCAL_CATALOG, spec.bronze.database, spec.bronze.table],
      'spark',
    );
    const columns = [
      ...spec.columns.map(c => c.name),
      '_dl_op',
      '_dl_change_seq',
    ];
    const warehouse = await newWarehouse();
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      for (const [i, batch] of batches.entries()) {
        await writeLanding(batch, landing);
        const spark = await runOnLocalSpark({
          warehouse,
          setup: i === 0 ? bronzeTableSetup(spec) : [],
          runs: [{ script }],
          dump: [{ table, columns, orderBy: spec.key }],
        });
        expect({ status: spark.status, output: spark.output }).toMatchObject({
          status: 0,
        });
        const applied = await replay.appliedFiles();
        await replay.apply(
          (
            await listLandingFiles(landing, 'shop', 'Order Items', 'csv')
          ).filter(f => !applied.has(f.name)),
        );
        const reader = await connection.runAndReadAll(
          `SELECT ${columns
            .map(c => quoteIdentifier(c, 'duckdb'))
            .join(', ')} FROM ${quoteIdentifier(
            spec.bronze.table,
            'duckdb',
          )} ORDER BY ${spec.key
            .map(k => quoteIdentifier(k, 'duckdb'))
            .join(', ')}`,
        );
        expect(asText(spark.tables[table])).toEqual(
          asText(reader.getRowObjectsJson()),
        );
      }
      // What both engines agree on is what the semantics say.
      const final = await replay.rowsJson();
      expect(asText(final)).toEqual(
        asText([
          { order_id: 1, line: 1, grosse: 'final', select: '1.30' },
          { order_id: 2, line: 1, grosse: 'reborn', select: '7.00' },
          { order_id: 3, line: 1, grosse: null, select: null },
          { order_id: 4, line: 1, grosse: 'seq-3', select: '4.30' },
          { order_id: 5, line: 1, grosse: 'late-new', select: '5.00' },
        ]),
      );
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('fails the silver job, naming table, column, value and key, on a value that does not fit its silver type, as the DuckDB replay does, and writes nothing', async () => {
    // Text columns cast in silver, a decimal narrowed and a bigint narrowed: what fits must agree row
    // for row (rounding included), what does not must stop both engines with the same message.
    const ddl = `CREATE TABLE casts (id INT NOT NULL PRIMARY KEY, qty VARCHAR(20),
      price VARCHAR(20), born VARCHAR(20), amount DECIMAL(10,2), big BIGINT);`;
    const dir = 'shop/casts';
    const landing = await writeLanding({
      // Full load (no Op in CSV full-load files): ts, then the table's columns.
      [`${dir}/LOAD00000001.csv`]: [
        ',1,5,1.005,2024-1-5,123.45,2147483647',
        ',2, 7 ,-1.005,2024-12-31,-999.99,-2147483648',
        ',3,,,,,',
        ',4,+8,.5,2000-02-29,0.00,0',
        ',5,12,2e1,1999-01-01,1.00,1',
        ',6,13,999.99,2024-01-01,2.00,2',
        '',
      ].join('\n'),
    });
    const spec = buildPipelineSpec(parseMysqlDdl(ddl)[0], {
      schema: 'shop',
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'ts',
      silverCasts: {
        qty: 'int',
        price: 'decimal(5,2)',
        born: 'date',
        amount: 'decimal(5,2)',
        big: 'int',
      },
    });
    const templates = await loadSparkTemplates(
      path.join(REPO, 'spark-templates'),
    );
    const jobs = [
      { script: renderSparkJob('landing_to_bronze', spec, templates) },
      { script: renderSparkJob('bronze_to_silver', spec, templates) },
    ];
    const silver = `${LOCAL_CATALOG}.${spec.silver.database}.${spec.silver.table}`;
    const dump = [
      {
        table: silver,
        columns: spec.silver.columns.map(c => c.name),
        orderBy: ['id'],
      },
      {
        table: `${silver}.snapshots`,
        columns: ['snapshot_id'],
        orderBy: ['committed_at'],
      },
    ];
    const warehouse = await newWarehouse();
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const bronzeReplay = await DuckDbBronzeReplay.create(connection, spec);
      const silverReplay = await DuckDbSilverReplay.create(connection, spec);
      const replayLanding = async () => {
        const applied = await bronzeReplay.appliedFiles();
        await bronzeReplay.apply(
          (
            await listLandingFiles(landing, 'shop', 'casts', 'csv')
          ).filter(f => !applied.has(f.name)),
        );
      };

      const loaded = await runOnLocalSpark({
        warehouse,
        setup: [...bronzeTableSetup(spec), ...silverTableSetup(spec)],
        runs: jobs,
        dump,
      });
      expect({ status: loaded.status, output: loaded.output }).toMatchObject({
        status: 0,
      });
      await replayLanding();
      await silverReplay.apply();
      const fitting = await silverReplay.rowsJson();
      expect(asText(fitting)).toEqual(
        asText([
          {
            id: 1,
            qty: 5,
            price: '1.01',
            born: '2024-01-05',
            amount: '123.45',
            big: 2147483647,
          },
          {
            id: 2,
            qty: 7,
            price: '-1.01',
            born: '2024-12-31',
            amount: '-999.99',
            big: -2147483648,
          },
          {
            id: 3,
            qty: null,
            price: null,
            born: null,
            amount: null,
            big: null,
          },
          {
            id: 4,
            qty: 8,
            price: '0.50',
            born: '2000-02-29',
            amount: '0.00',
            big: 0,
          },
          {
            id: 5,
            qty: 12,
            price: '20.00',
            born: '1999-01-01',
            amount: '1.00',
            big: 1,
          },
          {
            id: 6,
            qty: 13,
            price: '999.99',
            born: '2024-01-01',
            amount: '2.00',
            big: 2,
          },
        ]),
      );
      expect(asText(loaded.tables[silver])).toEqual(asText(fitting));
      const snapshotsBefore = loaded.tables[`${silver}.snapshots`];
      expect(snapshotsBefore).toHaveLength(1);

      // One CDC file with values that do not fit: text that is no number, a date that does not exist,
      // a decimal and a bigint too large for their silver types. Both engines stop on the first cast
      // column in silver order, at its lowest key; each fix clears it, so the next run names the next.
      // (The DuckDB tests of the check cover the other forms: '1.5' to int, rounding past the
      // precision, booleans.)
      const at = 'U,2024-01-02 10:00:00';
      await writeLanding(
        {
          [`${dir}/2024/01/02/20240102-100000000.csv`]: [
            `${at},2,abc,-1.005,2024-12-31,-999.99,-2147483648`,
            `${at},3,,,2024-02-30,,`,
            `${at},4,+8,.5,2000-02-29,12345.67,3000000000`,
            '',
          ].join('\n'),
        },
        landing,
      );
      const failures: { message: string; fix?: string }[] = [
        {
          message: `silver.casts: value 'abc' of column qty does not fit int (key id=2); nothing was merged`,
          fix: `${at}.1,2,7,-1.005,2024-12-31,-999.99,-2147483648`,
        },
        {
          message: `silver.casts: value '2024-02-30' of column born does not fit date (key id=3); nothing was merged`,
          fix: `${at}.2,3,,,2024-02-28,,`,
        },
        {
          message: `silver.casts: value '12345.67' of column amount does not fit decimal(5,2) (key id=4); nothing was merged`,
        },
      ];
      for (const [i, failure] of failures.entries()) {
        const run = await runOnLocalSpark({ warehouse, runs: jobs, dump });
        expect(run.status).toBe(1);
        expect(run.output).toContain(`datalake job failed: ${failure.message}`);
        // Nothing reached silver: no new snapshot, the rows as they were.
        expect(run.tables[`${silver}.snapshots`]).toEqual(snapshotsBefore);
        expect(asText(run.tables[silver])).toEqual(asText(fitting));

        await replayLanding();
        await expect(silverReplay.apply()).rejects.toThrow(failure.message);
        expect(await silverReplay.rowsJson()).toEqual(fitting);

        if (failure.fix) {
          await writeLanding(
            {
              [`${dir}/2024/01/02/20240102-11000000${i}.csv`]: `${failure.fix}\n`,
            },
            landing,
          );
        }
      }
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  }, 900_000);

  it('fails the bronze job on CSV text that does not fit its bronze type, as the DuckDB replay does, and applies nothing', async () => {
    // Spark without ANSI mode would cast 'abc' to a NULL price, and 2024-13-01 to a NULL commit time.
    const landing = await writeLanding({
      // Full-load files: the (empty) timestamp field, then the table's columns.
      'game/item_data/LOAD00000001.csv':
        ',1,sword,weapon,100\n,2,shield,armor,abc\n',
      'game/item_data/2024/01/01/20240101-100000000.csv':
        'U,2024-13-01 10:00:00,1,sword,weapon,120\n',
    });
    const spec = buildPipelineSpec(parseMysqlDdl(ITEM_DDL)[0], {
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'timestamp',
    });
    const script = renderSparkJob(
      'landing_to_bronze',
      spec,
      await loadSparkTemplates(path.join(REPO, 'spark-templates')),
    );
    const table = `${LOCAL_CATALOG}.${spec.bronze.database}.${spec.bronze.table}`;
    const spark = await runOnLocalSpark({
      warehouse: await newWarehouse(),
      setup: bronzeTableSetup(spec),
      runs: [{ script }],
      dump: [
        { table },
        {
          table: `${table}.snapshots`,
          columns: ['snapshot_id'],
          orderBy: ['committed_at'],
        },
      ],
    });
    const message =
      "bronze.item_data: value 'abc' of column price in game/item_data/LOAD00000001.csv row 1 does not fit bigint; nothing was applied";
    expect(spark.status).toBe(1);
    expect(spark.output).toContain(`datalake job failed: ${message}`);
    expect(spark.tables[table]).toEqual([]);
    expect(spark.tables[`${table}.snapshots`]).toEqual([]);

    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      await expect(
        replay.apply(
          await listLandingFiles(landing, 'game', 'item_data', 'csv'),
        ),
      ).rejects.toThrow(message);
      expect(await replay.rowsJson()).toEqual([]);
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('ends columns added at the source as each schema drift policy says, as the DuckDB replay does: fail, ignore, evolve into bronze and silver', async () => {
    const all = await asOneDmsTaskLayout(GAME_FIXTURE, {
      datePartitions: false,
    });
    const landing = await writeLanding({});
    await fs.mkdir(path.join(landing, 'game/item_data'), { recursive: true });
    await fs.copyFile(
      path.join(all, 'game/item_data/LOAD00000001.parquet'),
      path.join(landing, 'game/item_data/LOAD00000001.parquet'),
    );
    const first = 'game/item_data/20230901-100000000.parquet';
    const second = 'game/item_data/20230901-110000000.parquet';
    // After ALTER TABLE item_data ADD COLUMN rarity VARCHAR(20): text with spaces and an empty
    // text (silver trims, and makes '' NULL), an update, an insert and a delete.
    await writeCdcParquet(
      path.join(landing, first),
      `SELECT * FROM (VALUES
        ('U', TIMESTAMP '2023-09-01 09:00:00', 1::BIGINT, 'sword_1', 'sword', 20::BIGINT, 'epic'),
        ('I', TIMESTAMP '2023-09-01 09:00:01', 500::BIGINT, 'bow_9', 'bow', 70::BIGINT, '  rare '),
        ('U', TIMESTAMP '2023-09-01 09:00:02', 2::BIGINT, 'shield_1', 'shield', 44::BIGINT, ''),
        ('D', TIMESTAMP '2023-09-01 09:00:03', 3::BIGINT, NULL, NULL, NULL, NULL)
      ) AS t(Op, "timestamp", item_id, item_name, category, price, rarity)`,
    );
    const templates = await loadSparkTemplates(
      path.join(REPO, 'spark-templates'),
    );
    const jobsOf = (spec: PipelineSpec) => [
      { script: renderSparkJob('landing_to_bronze', spec, templates) },
      { script: renderSparkJob('bronze_to_silver', spec, templates) },
    ];
    const replayBoth = async (
      spec: PipelineSpec,
      connection: DuckDBConnection,
    ) => {
      const bronze = await DuckDbBronzeReplay.create(connection, spec);
      const silver = await DuckDbSilverReplay.create(connection, spec);
      return {
        async apply() {
          await bronze.apply(
            await listLandingFiles(landing, 'game', 'item_data', 'parquet'),
          );
          await silver.apply();
          return {
            bronze: await bronze.rowsJson(),
            silver: await silver.rowsJson(),
          };
        },
      };
    };
    const base = itemSpec(landing);
    const bronzeTable = `${LOCAL_CATALOG}.${base.bronze.database}.${base.bronze.table}`;
    const silverTable = `${LOCAL_CATALOG}.${base.silver.database}.${base.silver.table}`;
    const sourceColumns = base.columns.map(c => c.name);
    const dump = (columns: string[]) => [
      { table: bronzeTable, columns, orderBy: ['item_id'] },
      { table: silverTable, columns, orderBy: ['item_id'] },
      {
        table: `${bronzeTable}.snapshots`,
        columns: ['snapshot_id'],
        orderBy: ['committed_at'],
      },
    ];
    // One DuckDB database per policy, as each Spark run has its own warehouse; closed before Spark
    // starts (a process holding DuckDB's memory cannot fork), so the evolving one is kept in a file.
    const withDuckDb = async <T>(
      file: string,
      use: (connection: DuckDBConnection) => Promise<T>,
    ): Promise<T> => {
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      try {
        return await use(connection);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    };
    // fail: the run stops on the first file, naming it and the column; nothing is applied.
    {
      const spec = itemSpec(landing, 'fail');
      const spark = await runOnLocalSpark({
        warehouse: await newWarehouse(),
        setup: [...bronzeTableSetup(spec), ...silverTableSetup(spec)],
        runs: [jobsOf(spec)[0]],
        dump: dump(sourceColumns),
      });
      const message = schemaDriftFailureMessage('bronze.item_data', first, [
        'rarity',
      ]);
      expect(spark.status).toBe(1);
      expect(spark.output).toContain(`datalake job failed: ${message}`);
      expect(spark.tables[`${bronzeTable}.snapshots`]).toEqual([]);
      await withDuckDb(':memory:', async connection => {
        const replay = await DuckDbBronzeReplay.create(connection, spec);
        await expect(
          replay.apply(
            await listLandingFiles(landing, 'game', 'item_data', 'parquet'),
          ),
        ).rejects.toThrow(message);
        expect(await replay.rowsJson()).toEqual([]);
      });
    }

    // ignore: the changes are applied without the column.
    {
      const spec = itemSpec(landing, 'ignore');
      const spark = await runOnLocalSpark({
        warehouse: await newWarehouse(),
        setup: [...bronzeTableSetup(spec), ...silverTableSetup(spec)],
        runs: jobsOf(spec),
        dump: dump(sourceColumns),
      });
      expect({ status: spark.status, output: spark.output }).toMatchObject({
        status: 0,
      });
      const replayed = await withDuckDb(':memory:', async connection =>
        (await replayBoth(spec, connection)).apply(),
      );
      expect(replayed.bronze.find(r => r.item_id === '1')).toEqual({
        item_id: '1',
        item_name: 'sword_1',
        category: 'sword',
        price: '20',
      });
      expect(asText(spark.tables[bronzeTable])).toEqual(
        asText(replayed.bronze),
      );
      expect(asText(spark.tables[silverTable])).toEqual(
        asText(replayed.silver),
      );
    }

    // evolve: bronze and silver gain rarity, then weight in a later file; two runs of both jobs.
    {
      const spec = itemSpec(landing, 'evolve');
      const warehouse = await newWarehouse();
      const evolvedColumns = [...sourceColumns, 'rarity', 'weight'];
      const database = path.join(
        await fs.mkdtemp(path.join(os.tmpdir(), 'dl-evolve-')),
        'replay.duckdb',
      );
      const replay = () =>
        withDuckDb(database, async connection =>
          (await replayBoth(spec, connection)).apply(),
        );
      const once = await runOnLocalSpark({
        warehouse,
        setup: [...bronzeTableSetup(spec), ...silverTableSetup(spec)],
        runs: jobsOf(spec),
        dump: dump([...sourceColumns, 'rarity']),
      });
      expect({ status: once.status, output: once.output }).toMatchObject({
        status: 0,
      });
      expect(once.output).toMatch(
        /schema drift: added rarity string to \S*bronze\S*item_data/,
      );
      expect(once.output).toMatch(
        /schema drift: added rarity string to \S*silver\S*item_data/,
      );
      const replayedOnce = await replay();
      expect(asText(once.tables[bronzeTable])).toEqual(
        asText(replayedOnce.bronze),
      );
      expect(asText(once.tables[silverTable])).toEqual(
        asText(replayedOnce.silver),
      );
      expect(
        replayedOnce.silver
          .filter(r => ['1', '2', '500'].includes(String(r.item_id)))
          .map(r => [r.item_id, r.rarity]),
      ).toEqual([
        ['1', 'epic'],
        ['2', null],
        ['500', 'rare'],
      ]);

      // After ALTER TABLE item_data ADD COLUMN weight INT.
      await writeCdcParquet(
        path.join(landing, second),
        `SELECT * FROM (VALUES
            ('U', TIMESTAMP '2023-09-01 10:00:00', 500::BIGINT, 'bow_9', 'bow', 75::BIGINT, 'rare', 3::INTEGER),
            ('I', TIMESTAMP '2023-09-01 10:00:01', 501::BIGINT, 'axe_1', 'axe', 9::BIGINT, NULL, NULL)
          ) AS t(Op, "timestamp", item_id, item_name, category, price, rarity, weight)`,
      );
      const twice = await runOnLocalSpark({
        warehouse,
        runs: jobsOf(spec),
        dump: dump(evolvedColumns),
      });
      expect({ status: twice.status, output: twice.output }).toMatchObject({
        status: 0,
      });
      const replayedTwice = await replay();
      expect(asText(twice.tables[bronzeTable])).toEqual(
        asText(replayedTwice.bronze),
      );
      expect(asText(twice.tables[silverTable])).toEqual(
        asText(replayedTwice.silver),
      );
      expect(
        asText(
          replayedTwice.silver.filter(r =>
            ['1', '500', '501'].includes(String(r.item_id)),
          ),
        ).map(r => [r.item_id, r.rarity, r.weight]),
      ).toEqual([
        ['1', 'epic', null],
        ['500', 'rare', '3'],
        ['501', null, null],
      ]);
      // 140 loaded, 2 inserted, 1 deleted; the rows before the ALTER TABLE have NULL in both.
      expect(replayedTwice.bronze).toHaveLength(141);
    }
  });

  it('fails the bronze job on a CSV file with more fields than the pipeline knows, as the DuckDB replay does, and applies nothing', async () => {
    const landing = await writeLanding({
      'game/item_data/LOAD00000001.csv':
        ',1,sword,weapon,100\n,2,shield,armor,40\n',
      // ALTER TABLE item_data ADD COLUMN rarity VARCHAR(20): one more field.
      'game/item_data/20240101-100000000.csv':
        'U,2024-01-01 10:00:00,1,sword,weapon,120,epic\n',
    });
    const spec = buildPipelineSpec(parseMysqlDdl(ITEM_DDL)[0], {
      landingPath: landing,
      format: 'csv',
      timestampColumn: 'timestamp',
    });
    const script = renderSparkJob(
      'landing_to_bronze',
      spec,
      await loadSparkTemplates(path.join(REPO, 'spark-templates')),
    );
    const table = `${LOCAL_CATALOG}.${spec.bronze.database}.${spec.bronze.table}`;
    const spark = await runOnLocalSpark({
      warehouse: await newWarehouse(),
      setup: bronzeTableSetup(spec),
      runs: [{ script }],
      dump: [{ table }],
    });
    const message = schemaDriftFailureMessage(
      'bronze.item_data',
      'game/item_data/20240101-100000000.csv',
      ['field 7'],
    );
    expect(spark.status).toBe(1);
    expect(spark.output).toContain(`datalake job failed: ${message}`);
    expect(spark.tables[table]).toEqual([]);

    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      await expect(
        replay.apply(
          await listLandingFiles(landing, 'game', 'item_data', 'csv'),
        ),
      ).rejects.toThrow(message);
      expect(await replay.rowsJson()).toEqual([]);
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('fails, naming the folder, when the table has no landing file and none was ever applied', async () => {
    const landing = await writeLanding({
      'game/other/LOAD00000001.parquet': '',
    });
    const spec = itemSpec(landing);
    const script = renderSparkJob(
      'landing_to_bronze',
      spec,
      await loadSparkTemplates(path.join(REPO, 'spark-templates')),
    );
    const table = `${LOCAL_CATALOG}.${spec.bronze.database}.${spec.bronze.table}`;
    const spark = await runOnLocalSpark({
      warehouse: await newWarehouse(),
      setup: bronzeTableSetup(spec),
      runs: [{ script }],
      dump: [{ table }],
    });
    expect(spark.status).toBe(1);
    expect(spark.output).toContain(
      `datalake job failed: no parquet files under ${landing}/game/item_data/`,
    );
    expect(spark.tables[table]).toEqual([]);
  });
});
