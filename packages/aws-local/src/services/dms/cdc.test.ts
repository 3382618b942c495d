import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import { admin, startTestEmulator, waitFor } from '../../testing/testEmulator';
import {
  createTask,
  dmsSetup,
  DmsSetup,
  download,
  duckdb,
  listKeys,
  rootConnection,
  sqlString,
  startTask,
  stopTask,
  tableStatistics,
  waitForTask,
} from './__testUtils__/dmsFixtures';

const database = `dms_cdc_${process.pid}`;
const BUCKET = 'lake-landing';
/** At clock speed 1000, 1500 emulated seconds are 1.5 s: long enough to batch a burst of DML. */
const BATCH_INTERVAL_S = 1500;

const mappings = (tables: string[]) => ({
  rules: [
    ...tables.map((table, i) => ({
      'rule-type': 'selection',
      'rule-id': String(i + 1),
      'rule-name': `select-${table}`,
      'object-locator': { 'schema-name': database, 'table-name': table },
      'rule-action': 'include',
    })),
    {
      'rule-type': 'transformation',
      'rule-id': '100',
      'rule-name': 'change-seq',
      'rule-target': 'column',
      'object-locator': { 'schema-name': database, 'table-name': '%' },
      'rule-action': 'add-column',
      value: 'dms_change_seq',
      expression: '$AR_H_CHANGE_SEQ',
      'data-type': { type: 'string', length: 50 },
    },
  ],
});

const landing = {
  BucketName: BUCKET,
  BucketFolder: 'landing',
  DataFormat: 'parquet',
  IncludeOpForFullLoad: true,
  TimestampColumnName: 'dms_commit_ts',
  CdcMaxBatchInterval: BATCH_INTERVAL_S,
};

describe('DMS CDC from the MariaDB binary log', () => {
  let running: RunningEmulator;
  let setup: DmsSetup;
  let root: mysql.Connection;

  beforeAll(async () => {
    root = await rootConnection();
    await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root.query(`CREATE DATABASE \`${database}\``);
  });

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

  const cdcFiles = async (table: string) =>
    (await listKeys(setup, BUCKET, `landing/${database}/${table}/`)).filter(
      k => !/\/LOAD[0-9A-F]{8}\./.test(k),
    );

  /** Every CDC record of a table, in change-sequence order. */
  const changes = async (table: string, columns: string) => {
    const keys = await cdcFiles(table);
    const dir = await download(setup, BUCKET, keys);
    try {
      return await duckdb(
        `SELECT ${columns} FROM read_parquet(${sqlString(
          path.join(dir, 'landing', database, table, '**', '*.parquet'),
        )}, filename = true) ORDER BY dms_change_seq`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  const statsOf = async (arn: string, table: string) =>
    (await tableStatistics(setup, arn)).find(s => s.TableName === table)!;

  it('writes each committed change once, in order, with Op, commit time, change sequence and DMS-encoded values', async () => {
    await root.query(
      `CREATE TABLE \`${database}\`.orders (id INT PRIMARY KEY, qty INT)`,
    );
    await root.query(
      `CREATE TABLE \`${database}\`.kinds (
         id BIGINT UNSIGNED PRIMARY KEY, amount DECIMAL(38,10), at DATETIME(6), doc JSON,
         mood ENUM('happy','sad'), tags SET('a','b','c'), data BLOB, note VARCHAR(20))`,
    );
    await root.query(`INSERT INTO \`${database}\`.orders VALUES (100, 1)`);
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['orders', 'kinds']),
    });
    await startTask(setup, arn);
    await waitForTask(
      setup,
      arn,
      t =>
        t.Status === 'running' &&
        t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
    );
    // Give the binlog client its connection before the DML.
    await waitFor(
      () =>
        admin(running, 'POST', 'dms/task-latency', { ReplicationTaskArn: arn }),
      r => r.body.Checkpoint !== null,
    );
    await new Promise(resolve => setTimeout(resolve, 300));

    const db = mysql.escapeId(database);
    // A multi-row transaction with a second change to one of its rows.
    await root.query(
      `START TRANSACTION; INSERT INTO ${db}.orders VALUES (1, 5), (2, 7); UPDATE ${db}.orders SET qty = 6 WHERE id = 1; COMMIT;`,
    );
    await root.query(
      `INSERT INTO ${db}.kinds VALUES (18446744073709551615, '1234567890123456789012345678.0123456789',
         '2024-01-02 03:04:05.123456', '{"a": [1, 2]}', 'sad', 'c,a', X'00FF10', 'first')`,
    );
    await root.query(
      `UPDATE ${db}.kinds SET note = NULL, amount = NULL WHERE id = 18446744073709551615`,
    );
    await root.query(`DELETE FROM ${db}.orders WHERE id = 2`);
    await root.query(`UPDATE ${db}.orders SET qty = 8 WHERE id = 1`);

    // Each table's counts move when its batch is written; the two batches need not land together.
    await waitFor(
      async () => ({
        orders: await statsOf(arn, 'orders'),
        kinds: await statsOf(arn, 'kinds'),
      }),
      s =>
        s.orders.Inserts === 2 &&
        s.orders.Updates === 2 &&
        s.orders.Deletes === 1 &&
        (s.kinds.Inserts ?? 0) + (s.kinds.Updates ?? 0) > 0,
      30_000,
    );
    expect(await statsOf(arn, 'kinds')).toMatchObject({
      Inserts: 1,
      Updates: 1,
      Deletes: 0,
    });

    const files = await cdcFiles('orders');
    // One batch interval held all five changes: one file, named by time in the table folder.
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^landing/${database}/orders/\\d{8}-\\d{9}\\.parquet$`),
    );
    const orders = await changes(
      'orders',
      'Op, id, qty, dms_change_seq, dms_commit_ts',
    );
    expect(orders.map(r => [r.Op, r.id, r.qty])).toEqual([
      ['I', 1, 5],
      ['I', 2, 7],
      ['U', 1, 6],
      ['D', 2, 7],
      ['U', 1, 8],
    ]);
    for (const r of orders) {
      expect(r.dms_change_seq).toMatch(/^\d{35}$/);
      expect(r.dms_commit_ts).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/,
      );
      // The first 16 digits are the commit time, to hundredths of a second.
      expect(r.dms_change_seq.slice(0, 14)).toBe(
        r.dms_commit_ts.replace(/\D/g, '').slice(0, 14),
      );
    }
    const seqs = orders.map(r => r.dms_change_seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    // The three changes of the first transaction share its commit time.
    expect(new Set(orders.slice(0, 3).map(r => r.dms_commit_ts)).size).toBe(1);

    const kinds = await changes(
      'kinds',
      `Op, id::VARCHAR AS id, amount::VARCHAR AS amount, strftime("at", '%Y-%m-%d %H:%M:%S.%f') AS "at", doc, mood, tags, hex(data) AS data, note`,
    );
    expect(kinds).toEqual([
      {
        Op: 'I',
        id: '18446744073709551615',
        amount: '1234567890123456789012345678.0123456789',
        at: '2024-01-02 03:04:05.123456',
        doc: '{"a": [1, 2]}',
        mood: 'sad',
        tags: 'a,c',
        data: '00FF10',
        note: 'first',
      },
      {
        Op: 'U',
        id: '18446744073709551615',
        amount: null,
        at: '2024-01-02 03:04:05.123456',
        doc: '{"a": [1, 2]}',
        mood: 'sad',
        tags: 'a,c',
        data: '00FF10',
        note: null,
      },
    ]);

    // Stop, change rows while stopped, resume: every change arrives once.
    await stopTask(setup, arn);
    await root.query(`INSERT INTO ${db}.orders VALUES (3, 1)`);
    await root.query(`UPDATE ${db}.orders SET qty = 9 WHERE id = 1`);
    await startTask(setup, arn, 'resume-processing');
    await waitForTask(setup, arn, t => t.Status === 'running');
    await root.query(`DELETE FROM ${db}.orders WHERE id = 3`);
    await waitFor(
      () => statsOf(arn, 'orders'),
      s => s.Inserts === 3 && s.Updates === 3 && s.Deletes === 2,
      15_000,
    );
    const all = await changes('orders', 'Op, id, qty, dms_change_seq');
    expect(all.map(r => [r.Op, r.id, r.qty])).toEqual([
      ['I', 1, 5],
      ['I', 2, 7],
      ['U', 1, 6],
      ['D', 2, 7],
      ['U', 1, 8],
      ['I', 3, 1],
      ['U', 1, 9],
      ['D', 3, 1],
    ]);
    expect(new Set(all.map(r => r.dms_change_seq)).size).toBe(all.length);
    // The full load was not repeated by the resume.
    expect(
      (await listKeys(setup, BUCKET, `landing/${database}/orders/`)).filter(k =>
        k.includes('/LOAD'),
      ),
    ).toEqual([`landing/${database}/orders/LOAD00000001.parquet`]);
    const latency = await admin(running, 'POST', 'dms/task-latency', {
      ReplicationTaskArn: arn,
    });
    expect(latency.body.CDCLatencyTargetMillis).toBeGreaterThanOrEqual(0);
  }, 90_000);

  it('puts CDC files under commit-date folders and keeps only inserts with CdcInsertsOnly', async () => {
    await root.query(
      `CREATE TABLE \`${database}\`.events (id INT PRIMARY KEY, v INT)`,
    );
    const arn = await createTask(setup, {
      migrationType: 'cdc',
      s3Settings: {
        ...landing,
        IncludeOpForFullLoad: false,
        CdcInsertsOnly: true,
        DatePartitionEnabled: true,
        DatePartitionSequence: 'YYYYMMDDHH',
        DatePartitionDelimiter: 'DASH',
        DatePartitionTimezone: 'Asia/Tokyo',
        CdcMaxBatchInterval: 500,
      },
      tableMappings: mappings(['events']),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'running');
    await waitFor(
      () =>
        admin(running, 'POST', 'dms/task-latency', { ReplicationTaskArn: arn }),
      r => r.body.Checkpoint !== null,
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    const db = mysql.escapeId(database);
    await root.query(`INSERT INTO ${db}.events VALUES (1, 1), (2, 2)`);
    await root.query(`UPDATE ${db}.events SET v = 3 WHERE id = 1`);
    await root.query(`DELETE FROM ${db}.events WHERE id = 2`);
    const [[{ now }]] = (await root.query(
      `SELECT DATE_FORMAT(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+09:00'), '%Y-%m-%d-%H') AS now`,
    )) as any;
    await waitFor(
      () => statsOf(arn, 'events'),
      s => s.Inserts === 2,
      15_000,
    );
    const files = await cdcFiles('events');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^landing/${database}/events/${now}/\\d{8}-\\d{9}\\.parquet$`),
    );
    const rows = await changes('events', '*');
    // With CdcInsertsOnly and IncludeOpForFullLoad false, records have no Op column.
    expect(rows.map(r => [r.id, r.v])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(Object.keys(rows[0])).not.toContain('Op');
    expect(await statsOf(arn, 'events')).toMatchObject({
      Updates: 0,
      Deletes: 0,
    });
  }, 60_000);
});
