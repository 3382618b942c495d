/*
 * A replication task's life after its first start, against the CDC-ready MariaDB on 3306 and the
 * emulator over HTTP at clock speed 1: reload-target, CDC start points, a table added to a stopped
 * task, TRUNCATE and ALTER TABLE as the DDL handling policy says, table statistics and latency,
 * and the CSV default of an S3 endpoint. The emulator's delays (`creating`, `starting`) are
 * shortened by settings; every wait is on a condition read through the API.
 */
import {
  ModifyReplicationTaskCommand,
  ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import { admin, startTestEmulator, waitFor } from '../../testing/testEmulator';
import {
  createTask,
  describeTask,
  dmsSetup,
  DmsSetup,
  listKeys,
  readLanding,
  rootConnection,
  startTask,
  stopTask,
  tableStatistics,
  waitForTask,
} from './__testUtils__/dmsFixtures';

const database = `dms_lifecycle_${process.pid}`;
const db = mysql.escapeId(database);
const BUCKET = 'lake-landing';

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

/** Parquet with Op in every file, and CDC batches of one second (clock speed 1). */
const landing = {
  BucketName: BUCKET,
  BucketFolder: 'landing',
  DataFormat: 'parquet',
  IncludeOpForFullLoad: true,
  CdcMaxBatchInterval: 1,
};

const isLoad = (key: string) => /\/LOAD[0-9A-F]{8}\.[a-z.]+$/.test(key);

describe('DMS task lifecycle at clock speed 1', () => {
  let running: RunningEmulator;
  let setup: DmsSetup;
  let root: mysql.Connection;

  beforeAll(async () => {
    root = await rootConnection();
    await root.query(`DROP DATABASE IF EXISTS ${db}`);
    await root.query(`CREATE DATABASE ${db}`);
  });

  afterAll(async () => {
    await root?.query(`DROP DATABASE IF EXISTS ${db}`);
    await root?.end();
  });

  beforeEach(async () => {
    running = await startTestEmulator({
      clockSpeed: 1,
      settings: {
        dmsConnectTimeoutMs: 3_000,
        dmsTaskCreatingMs: 500,
        dmsTaskStartingMs: 500,
      },
    });
    setup = await dmsSetup(running, BUCKET);
  });

  afterEach(() => running.close());

  const keysOf = (table: string) =>
    listKeys(setup, BUCKET, `landing/${database}/${table}/`);

  /** Records of a table's LOAD or CDC files, in file then change order. */
  const records = async (
    table: string,
    kind: 'load' | 'cdc',
    columns = 'Op, id, v',
  ) => {
    const keys = (await keysOf(table)).filter(k =>
      kind === 'load' ? isLoad(k) : !isLoad(k),
    );
    if (keys.length === 0) return [];
    return readLanding(
      setup,
      BUCKET,
      keys,
      files =>
        `SELECT ${columns} FROM read_parquet(${files}, filename = true, union_by_name = true)
         ORDER BY filename, dms_change_seq, id`,
    );
  };

  const statsOf = async (arn: string, table: string) =>
    (await tableStatistics(setup, arn)).find(s => s.TableName === table);

  const waitForStats = (
    arn: string,
    table: string,
    done: (s: NonNullable<Awaited<ReturnType<typeof statsOf>>>) => boolean,
  ) =>
    waitFor(
      () => statsOf(arn, table),
      s => s !== undefined && done(s),
      30_000,
    );

  const fullyLoaded = (t: ReplicationTask) =>
    t.Status === 'running' &&
    t.ReplicationTaskStats?.FullLoadProgressPercent === 100;

  const createTable = (table: string, rows: [number, number][]) =>
    root.query(
      `CREATE TABLE ${db}.${table} (id INT PRIMARY KEY, v INT);${
        rows.length
          ? `INSERT INTO ${db}.${table} VALUES ${rows
              .map(([id, v]) => `(${id}, ${v})`)
              .join(', ')};`
          : ''
      }`,
    );

  it('reload-target writes a new full load of every table after TargetTablePrepMode cleared the folder, and CDC goes on after it', async () => {
    await createTable('reload_a', [
      [1, 1],
      [2, 2],
    ]);
    await createTable('reload_b', [[1, 10]]);
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['reload_a', 'reload_b']),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);
    await root.query(
      `INSERT INTO ${db}.reload_a VALUES (3, 3); UPDATE ${db}.reload_a SET v = 20 WHERE id = 2;`,
    );
    await waitForStats(
      arn,
      'reload_a',
      s => s.Inserts === 1 && s.Updates === 1,
    );
    await stopTask(setup, arn);
    // Changes while stopped reach the target through the reload.
    await root.query(
      `INSERT INTO ${db}.reload_a VALUES (4, 4); DELETE FROM ${db}.reload_a WHERE id = 1; UPDATE ${db}.reload_b SET v = 11;`,
    );

    await startTask(setup, arn, 'reload-target');
    await waitForTask(setup, arn, fullyLoaded);
    // The default TargetTablePrepMode DROP_AND_CREATE is applied before the reload
    // (CHAP_Tasks.ReloadTables.html): the folder holds the new LOAD file only.
    expect(await keysOf('reload_a')).toEqual([
      `landing/${database}/reload_a/LOAD00000001.parquet`,
    ]);
    expect(await keysOf('reload_b')).toEqual([
      `landing/${database}/reload_b/LOAD00000001.parquet`,
    ]);
    expect(await records('reload_a', 'load')).toEqual([
      { Op: 'I', id: 2, v: 20 },
      { Op: 'I', id: 3, v: 3 },
      { Op: 'I', id: 4, v: 4 },
    ]);
    expect(await records('reload_b', 'load')).toEqual([
      { Op: 'I', id: 1, v: 11 },
    ]);
    expect(await statsOf(arn, 'reload_a')).toMatchObject({
      FullLoadRows: 3,
      Inserts: 0,
      Updates: 0,
      TableState: 'Table completed',
    });

    // CDC after the reload: each change once.
    await root.query(
      `INSERT INTO ${db}.reload_a VALUES (5, 5); DELETE FROM ${db}.reload_a WHERE id = 3;`,
    );
    await waitForStats(
      arn,
      'reload_a',
      s => s.Inserts === 1 && s.Deletes === 1,
    );
    expect(await records('reload_a', 'cdc')).toEqual([
      { Op: 'I', id: 5, v: 5 },
      { Op: 'D', id: 3, v: 3 },
    ]);
  }, 90_000);

  it('a cdc task from CdcStartPosition writes the changes after that binlog position, each once', async () => {
    await createTable('from_position', []);
    await root.query(`INSERT INTO ${db}.from_position VALUES (1, 1)`);
    const [[status]] = (await root.query('SHOW MASTER STATUS')) as any;
    await root.query(`INSERT INTO ${db}.from_position VALUES (2, 2)`);
    const arn = await createTask(setup, {
      migrationType: 'cdc',
      s3Settings: landing,
      tableMappings: mappings(['from_position']),
      cdcStartPosition: `${status.File}:${status.Position}`,
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'running');
    await root.query(`UPDATE ${db}.from_position SET v = 3 WHERE id = 1`);
    await waitForStats(
      arn,
      'from_position',
      s => s.Inserts === 1 && s.Updates === 1,
    );
    expect(await records('from_position', 'cdc')).toEqual([
      { Op: 'I', id: 2, v: 2 },
      { Op: 'U', id: 1, v: 3 },
    ]);
    expect((await keysOf('from_position')).filter(isLoad)).toEqual([]);
  }, 60_000);

  it('a cdc task from CdcStartTime writes the changes committed at or after that time, each once', async () => {
    await createTable('from_time', []);
    await root.query(`INSERT INTO ${db}.from_time VALUES (1, 1)`);
    // Binlog commit times are whole seconds: start at the next second, after the first insert.
    const startAt = Math.ceil((Date.now() + 1) / 1000) * 1000;
    await waitFor(
      async () => Date.now(),
      now => now >= startAt,
    );
    await root.query(`INSERT INTO ${db}.from_time VALUES (2, 2)`);
    const arn = await createTask(setup, {
      migrationType: 'cdc',
      s3Settings: landing,
      tableMappings: mappings(['from_time']),
      cdcStartTime: new Date(startAt),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'running');
    await root.query(`DELETE FROM ${db}.from_time WHERE id = 1`);
    await waitForStats(
      arn,
      'from_time',
      s => s.Inserts === 1 && s.Deletes === 1,
    );
    expect(await records('from_time', 'cdc')).toEqual([
      { Op: 'I', id: 2, v: 2 },
      { Op: 'D', id: 1, v: 1 },
    ]);
  }, 60_000);

  it('a table added to a stopped task is fully loaded on resume-processing, without CDC duplicates, and the other tables are not loaded again', async () => {
    await createTable('kept', [
      [1, 1],
      [2, 2],
    ]);
    await createTable('added', [[1, 100]]);
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['kept']),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);
    await root.query(`INSERT INTO ${db}.kept VALUES (3, 3)`);
    await waitForStats(arn, 'kept', s => s.Inserts === 1);
    await stopTask(setup, arn);
    // Changes while stopped: CDC for `kept`, part of the full load for `added`.
    await root.query(
      `INSERT INTO ${db}.kept VALUES (4, 4); INSERT INTO ${db}.added VALUES (2, 200); UPDATE ${db}.added SET v = 101 WHERE id = 1;`,
    );
    const keptLoad = (await keysOf('kept')).filter(isLoad);
    await setup.dms.send(
      new ModifyReplicationTaskCommand({
        ReplicationTaskArn: arn,
        TableMappings: JSON.stringify(mappings(['kept', 'added'])),
      }),
    );
    await startTask(setup, arn, 'resume-processing');
    await waitForStats(arn, 'added', s => s.TableState === 'Table completed');
    await waitForStats(arn, 'kept', s => s.Inserts === 2);
    expect(await records('added', 'load')).toEqual([
      { Op: 'I', id: 1, v: 101 },
      { Op: 'I', id: 2, v: 200 },
    ]);
    expect(await statsOf(arn, 'kept')).toMatchObject({ FullLoadRows: 2 });
    expect((await keysOf('kept')).filter(isLoad)).toEqual(keptLoad);
    expect(await records('kept', 'load')).toHaveLength(2);

    // CDC of the added table starts after its load; of the kept one it goes on.
    await root.query(
      `UPDATE ${db}.added SET v = 201 WHERE id = 2; DELETE FROM ${db}.kept WHERE id = 1;`,
    );
    await waitForStats(arn, 'added', s => s.Updates === 1);
    await waitForStats(arn, 'kept', s => s.Deletes === 1);
    expect(await records('added', 'cdc')).toEqual([{ Op: 'U', id: 2, v: 201 }]);
    expect(await records('kept', 'cdc')).toEqual([
      { Op: 'I', id: 3, v: 3 },
      { Op: 'I', id: 4, v: 4 },
      { Op: 'D', id: 1, v: 1 },
    ]);
    expect(await statsOf(arn, 'added')).toMatchObject({
      FullLoadRows: 2,
      Inserts: 0,
      Updates: 1,
    });
  }, 90_000);

  it.each([
    {
      // "A TRUNCATE DDL removes all files and corresponding table folders from an S3 bucket"
      // (CHAP_Target.S3.html, Limitations): only the later change is left.
      handle: true,
      oldFilesLeft: 0,
      loadRows: 0,
      cdc: [{ Op: 'I', id: 4, v: 4 }],
      appliedDdls: 1,
    },
    {
      // Ignored: the files stay and CDC goes on; nothing marks the truncate in S3.
      handle: false,
      oldFilesLeft: 2,
      loadRows: 2,
      cdc: [
        { Op: 'I', id: 3, v: 3 },
        { Op: 'I', id: 4, v: 4 },
      ],
      appliedDdls: 0,
    },
  ])(
    'TRUNCATE with HandleSourceTableTruncated $handle',
    async ({ handle, oldFilesLeft, loadRows, cdc, appliedDdls }) => {
      const table = `truncated_${handle}`;
      await createTable(table, [
        [1, 1],
        [2, 2],
      ]);
      const arn = await createTask(setup, {
        s3Settings: landing,
        tableMappings: mappings([table]),
        taskSettings: {
          ChangeProcessingDdlHandlingPolicy: {
            HandleSourceTableTruncated: handle,
          },
        },
      });
      await startTask(setup, arn);
      await waitForTask(setup, arn, fullyLoaded);
      await root.query(`INSERT INTO ${db}.${table} VALUES (3, 3)`);
      await waitForStats(arn, table, s => s.Inserts === 1);
      const before = await keysOf(table);
      expect(before).toHaveLength(2);

      // The insert follows the TRUNCATE at once: it must not be deleted with the old files.
      await root.query(
        `TRUNCATE TABLE ${db}.${table}; INSERT INTO ${db}.${table} VALUES (4, 4);`,
      );
      await waitForStats(arn, table, s => s.Ddls === 1 && s.Inserts === 2);
      const after = await keysOf(table);
      expect(after.filter(k => before.includes(k))).toHaveLength(oldFilesLeft);
      expect(after).toHaveLength(oldFilesLeft + 1);
      expect(await records(table, 'load')).toHaveLength(loadRows);
      expect(await records(table, 'cdc')).toEqual(cdc);
      expect(await statsOf(arn, table)).toMatchObject({
        Ddls: 1,
        AppliedDdls: appliedDdls,
      });
    },
    60_000,
  );

  it.each([
    {
      // True: the target follows the source, so the later file's schema has the new column.
      handle: true,
      laterFileHasNote: true,
      cdc: [
        { Op: 'I', id: 2, v: 2, note: null },
        { Op: 'I', id: 3, v: 3, note: 'new' },
        { Op: 'U', id: 1, v: 1, note: 'old' },
      ],
      appliedDdls: 1,
    },
    {
      // False: the DDL is not applied to the target; later files keep the columns they had
      // (CHAP_Tasks.CustomizingTasks.TaskSettings.DDLHandling.html).
      handle: false,
      laterFileHasNote: false,
      cdc: [
        { Op: 'I', id: 2, v: 2 },
        { Op: 'I', id: 3, v: 3 },
        { Op: 'U', id: 1, v: 1 },
      ],
      appliedDdls: 0,
    },
  ])(
    'ALTER TABLE ADD COLUMN with HandleSourceTableAltered $handle',
    async ({ handle, laterFileHasNote, cdc, appliedDdls }) => {
      const table = `altered_${handle}`;
      await createTable(table, [[1, 1]]);
      const arn = await createTask(setup, {
        s3Settings: landing,
        tableMappings: mappings([table]),
        taskSettings: {
          ChangeProcessingDdlHandlingPolicy: {
            HandleSourceTableAltered: handle,
          },
        },
      });
      await startTask(setup, arn);
      await waitForTask(setup, arn, fullyLoaded);
      await root.query(`INSERT INTO ${db}.${table} VALUES (2, 2)`);
      await waitForStats(arn, table, s => s.Inserts === 1);
      // The changes follow the DDL at once, before the emulator re-read the columns.
      await root.query(
        `ALTER TABLE ${db}.${table} ADD COLUMN note VARCHAR(10);
         INSERT INTO ${db}.${table} VALUES (3, 3, 'new');
         UPDATE ${db}.${table} SET note = 'old' WHERE id = 1;`,
      );
      await waitForStats(
        arn,
        table,
        s => s.Ddls === 1 && s.Inserts === 2 && s.Updates === 1,
      );

      // The batch open at the DDL is written with the old columns, the next one after it.
      const files = (await keysOf(table)).filter(k => !isLoad(k));
      expect(files).toHaveLength(2);
      const columnsOf = async (key: string) =>
        (
          await readLanding(
            setup,
            BUCKET,
            [key],
            list => `SELECT name FROM parquet_schema(${list})`,
          )
        ).map(r => r.name);
      expect(await columnsOf(files[0])).toEqual(
        expect.arrayContaining(['Op', 'id', 'v', 'dms_change_seq']),
      );
      expect(await columnsOf(files[0])).not.toContain('note');
      expect((await columnsOf(files[1])).includes('note')).toBe(
        laterFileHasNote,
      );
      expect(
        await records(
          table,
          'cdc',
          `COLUMNS(c -> c IN ('Op', 'id', 'v', 'note'))`,
        ),
      ).toEqual(cdc);
      expect(await statsOf(arn, table)).toMatchObject({
        Ddls: 1,
        AppliedDdls: appliedDdls,
      });
    },
    60_000,
  );

  it('DescribeTableStatistics counts each replicated insert, update, delete and DDL, and the latency route reports both CDC latencies', async () => {
    await createTable('counted', [[1, 1]]);
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['counted']),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);
    const before = await admin(running, 'POST', 'dms/task-latency', {
      ReplicationTaskArn: arn,
    });
    expect(before.body).toMatchObject({
      CDCLatencySourceMillis: null,
      CDCLatencyTargetMillis: null,
    });
    // 5 inserts, an update of 3 rows and one of 1 (4 updates), 2 deletes, 1 DDL; a rolled back
    // transaction counts nothing.
    await root.query(
      `INSERT INTO ${db}.counted VALUES (2, 2), (3, 3), (4, 4);
       START TRANSACTION; INSERT INTO ${db}.counted VALUES (5, 5), (6, 6); COMMIT;
       START TRANSACTION; INSERT INTO ${db}.counted VALUES (7, 7); ROLLBACK;
       UPDATE ${db}.counted SET v = v + 10 WHERE id <= 3;
       UPDATE ${db}.counted SET v = 0 WHERE id = 6;
       DELETE FROM ${db}.counted WHERE id IN (4, 5);
       ALTER TABLE ${db}.counted ADD COLUMN extra INT;`,
    );
    const stats = await waitForStats(
      arn,
      'counted',
      s =>
        s.Ddls === 1 &&
        (s.Inserts ?? 0) + (s.Updates ?? 0) + (s.Deletes ?? 0) >= 11,
    );
    expect(stats).toMatchObject({
      Inserts: 5,
      Updates: 4,
      Deletes: 2,
      Ddls: 1,
      AppliedInserts: 5,
      AppliedUpdates: 4,
      AppliedDeletes: 2,
      AppliedDdls: 1,
      FullLoadRows: 1,
    });
    expect(await records('counted', 'cdc', 'Op')).toHaveLength(11);
    const latency = await admin(running, 'POST', 'dms/task-latency', {
      ReplicationTaskArn: arn,
    });
    expect(latency.body.CDCLatencySourceMillis).toBeGreaterThanOrEqual(0);
    expect(latency.body.CDCLatencyTargetMillis).toBeGreaterThanOrEqual(
      latency.body.CDCLatencySourceMillis,
    );
    // As on AWS, the task's own stats carry no latency (it is a CloudWatch metric).
    const task = await describeTask(setup, arn);
    expect(Object.keys(task.ReplicationTaskStats ?? {})).not.toContain(
      'CDCLatencyTarget',
    );
  }, 60_000);

  it('writes CSV when the S3 endpoint names no DataFormat, as DMS does by default', async () => {
    await createTable('csv_default', [
      [1, 1],
      [2, 2],
    ]);
    const arn = await createTask(setup, {
      migrationType: 'full-load',
      s3Settings: { BucketName: BUCKET, BucketFolder: 'landing' },
      tableMappings: mappings(['csv_default']),
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'stopped');
    // "both full load and change data capture (CDC) data is written to comma-separated value
    // (.csv) format by default" (CHAP_Target.S3.html).
    const keys = await keysOf('csv_default');
    expect(keys).toEqual([`landing/${database}/csv_default/LOAD00000001.csv`]);
    const rows = await readLanding(
      setup,
      BUCKET,
      keys,
      files =>
        `SELECT * FROM read_csv(${files}, header = false, columns = {'id': 'INTEGER', 'v': 'INTEGER', 'dms_change_seq': 'VARCHAR'}) ORDER BY id`,
    );
    expect(rows.map(r => [r.id, r.v])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  }, 60_000);
});
