import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import { startTestEmulator } from '../../testing/testEmulator';
import {
  createTask,
  describeTask,
  dmsSetup,
  DmsSetup,
  download,
  duckdb,
  listKeys,
  loadSakila,
  rootConnection,
  sqlString,
  startTask,
  tableStatistics,
  waitForTask,
} from './__testUtils__/dmsFixtures';

const database = `dms_full_load_${process.pid}`;
const BUCKET = 'lake-landing';

const changeSequenceRule = {
  'rule-type': 'transformation',
  'rule-id': '2',
  'rule-name': '2',
  'rule-target': 'column',
  'object-locator': { 'schema-name': database, 'table-name': '%' },
  'rule-action': 'add-column',
  value: 'dms_change_seq',
  expression: '$AR_H_CHANGE_SEQ',
  'data-type': { type: 'string', length: 50 },
};

describe('DMS full load into the emulated S3', () => {
  let running: RunningEmulator;
  let setup: DmsSetup;
  let root: mysql.Connection;
  let counts: Record<string, number>;

  beforeAll(async () => {
    root = await rootConnection();
    await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await loadSakila(database);
    const [tables] = await root.query(
      `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [database],
    );
    counts = {};
    for (const { t } of tables as { t: string }[]) {
      const [rows] = await root.query(
        `SELECT COUNT(*) AS n FROM \`${database}\`.\`${t}\``,
      );
      counts[t] = Number((rows as { n: number }[])[0].n);
    }
  }, 60_000);

  afterAll(async () => {
    await root?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root?.end();
  });

  beforeEach(async () => {
    running = await startTestEmulator({
      settings: { dmsConnectTimeoutMs: 3_000 },
    });
    setup = await dmsSetup(running, BUCKET);
  });

  afterEach(() => running.close());

  it('loads Sakila as Parquet in the DMS layout, split by MaxFileSize, with per-table row counts equal to MySQL', async () => {
    const arn = await createTask(setup, {
      migrationType: 'full-load',
      s3Settings: {
        BucketName: BUCKET,
        BucketFolder: 'landing/shop',
        DataFormat: 'parquet',
        IncludeOpForFullLoad: true,
        TimestampColumnName: 'dms_commit_ts',
        // Small files, so that rental and payment need more than 9 (hexadecimal names).
        MaxFileSize: 40,
      },
      tableMappings: {
        rules: [
          {
            'rule-type': 'selection',
            'rule-id': '1',
            'rule-name': '1',
            'object-locator': { 'schema-name': database, 'table-name': '%' },
            'rule-action': 'include',
          },
          changeSequenceRule,
        ],
      },
    });
    await startTask(setup, arn);
    const finished = await waitForTask(setup, arn, t => t.Status === 'stopped');
    expect(finished.StopReason).toBe('Stop Reason FULL_LOAD_ONLY_FINISHED');
    expect(finished.ReplicationTaskStats).toMatchObject({
      FullLoadProgressPercent: 100,
      TablesLoaded: Object.keys(counts).length,
      TablesErrored: 0,
    });

    const keys = await listKeys(setup, BUCKET);
    const byTable = new Map<string, string[]>();
    for (const key of keys) {
      const match = new RegExp(
        `^landing/shop/${database}/([a-z_]+)/(LOAD[0-9A-F]{8}\\.parquet)$`,
      ).exec(key);
      expect(match).not.toBeNull();
      byTable.set(match![1], [...(byTable.get(match![1]) ?? []), match![2]]);
    }
    const nonEmpty = Object.keys(counts)
      .filter(t => counts[t] > 0)
      .sort();
    expect([...byTable.keys()].sort()).toEqual(nonEmpty);
    for (const files of byTable.values()) {
      // A gapless hexadecimal counter from 1.
      expect(files).toEqual(
        files.map(
          (_, i) =>
            `LOAD${(i + 1)
              .toString(16)
              .toUpperCase()
              .padStart(8, '0')}.parquet`,
        ),
      );
    }
    expect(byTable.get('rental')!.length).toBeGreaterThan(10);

    const dir = await download(setup, BUCKET, keys);
    for (const table of nonEmpty) {
      const glob = sqlString(
        path.join(dir, 'landing/shop', database, table, '*.parquet'),
      );
      const [{ n, ops }] = await duckdb(
        `SELECT count(*)::INTEGER AS n, string_agg(DISTINCT "Op", ',') AS ops FROM read_parquet(${glob})`,
      );
      expect({ table, n, ops }).toEqual({ table, n: counts[table], ops: 'I' });
    }
    const stats = await tableStatistics(setup, arn);
    expect(
      Object.fromEntries(
        stats.map(s => [s.TableName, [s.FullLoadRows, s.TableState]]),
      ),
    ).toEqual(
      Object.fromEntries(
        Object.keys(counts).map(t => [t, [counts[t], 'Table completed']]),
      ),
    );

    // Column order and values of one row, against MySQL.
    const rentalGlob = sqlString(
      path.join(dir, 'landing/shop', database, 'rental', '*.parquet'),
    );
    const columns = await duckdb(
      `DESCRIBE SELECT * FROM read_parquet(${rentalGlob})`,
    );
    expect(columns.map(c => c.column_name)).toEqual([
      'Op',
      'dms_commit_ts',
      'rental_id',
      'rental_date',
      'inventory_id',
      'customer_id',
      'return_date',
      'staff_id',
      'last_update',
      'dms_change_seq',
    ]);
    const [row] = await duckdb(
      `SELECT rental_id, strftime(rental_date, '%Y-%m-%d %H:%M:%S') AS rental_date, customer_id,
              return_date IS NULL AS open, dms_change_seq, dms_commit_ts
         FROM read_parquet(${rentalGlob}) WHERE rental_id = 11496`,
    );
    const [[mysqlRow]] = (await root.query(
      `SELECT rental_id, DATE_FORMAT(rental_date, '%Y-%m-%d %H:%i:%s') AS rental_date, customer_id, return_date IS NULL AS open
         FROM \`${database}\`.rental WHERE rental_id = 11496`,
    )) as any;
    expect(row).toMatchObject({
      rental_id: mysqlRow.rental_id,
      rental_date: mysqlRow.rental_date,
      customer_id: mysqlRow.customer_id,
      open: Boolean(mysqlRow.open),
      // Header columns have no value in full-load records.
      dms_change_seq: null,
    });
    expect(row.dms_commit_ts).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('writes CSV with the endpoint CSV settings, gzip, IncludeOpForFullLoad off and renamed targets', async () => {
    const table = 'csv_cases';
    await root.query(
      `CREATE TABLE \`${database}\`.${table} (id INT PRIMARY KEY, note VARCHAR(40), amount DECIMAL(7,2), seen DATETIME(3), secret VARCHAR(10))`,
    );
    await root.query(
      `INSERT INTO \`${database}\`.${table} VALUES
        (1, 'plain', 1.50, '2024-01-02 03:04:05.678', 'x'),
        (2, 'semi;colon "quoted"', NULL, NULL, 'y'),
        (3, '', -0.01, '1999-12-31 23:59:59.000', 'z')`,
    );
    const arn = await createTask(setup, {
      migrationType: 'full-load',
      s3Settings: {
        BucketName: BUCKET,
        DataFormat: 'csv',
        CompressionType: 'gzip',
        CsvDelimiter: ';',
        CsvNullValue: 'NULL',
        AddColumnName: true,
      },
      tableMappings: {
        rules: [
          {
            'rule-type': 'selection',
            'rule-id': '1',
            'rule-name': '1',
            'object-locator': { 'schema-name': database, 'table-name': table },
            'rule-action': 'include',
          },
          {
            'rule-type': 'transformation',
            'rule-id': '2',
            'rule-name': '2',
            'rule-target': 'schema',
            'object-locator': { 'schema-name': database },
            'rule-action': 'rename',
            value: 'shop',
          },
          {
            'rule-type': 'transformation',
            'rule-id': '3',
            'rule-name': '3',
            'rule-target': 'column',
            'object-locator': {
              'schema-name': database,
              'table-name': table,
              'column-name': 'secret',
            },
            'rule-action': 'remove-column',
          },
          {
            'rule-type': 'transformation',
            'rule-id': '4',
            'rule-name': '4',
            'rule-target': 'table',
            'object-locator': { 'schema-name': database, 'table-name': table },
            'rule-action': 'convert-uppercase',
          },
        ],
      },
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'stopped');
    expect(await listKeys(setup, BUCKET)).toEqual([
      'shop/CSV_CASES/LOAD00000001.csv.gz',
    ]);
    const object = await setup.s3.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'shop/CSV_CASES/LOAD00000001.csv.gz',
      }),
    );
    const text = zlib
      .gunzipSync(Buffer.from(await object.Body!.transformToByteArray()))
      .toString('utf8');
    expect(text).toBe(
      [
        'id;note;amount;seen',
        '1;plain;1.50;2024-01-02 03:04:05.678000',
        '2;"semi;colon ""quoted""";NULL;NULL',
        '3;"";-0.01;1999-12-31 23:59:59.000000',
        '',
      ].join('\n'),
    );
    expect(
      (await describeTask(setup, arn)).ReplicationTaskStats?.TablesLoaded,
    ).toBe(1);
  }, 60_000);
});
