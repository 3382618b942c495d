/*
 * ReloadTables against the CDC-ready MariaDB on 3306 and the emulator over HTTP at clock speed 1:
 * the API's errors, and one table of a running full-load-and-cdc task loaded again while CDC goes
 * on, with each change of that table either in the new LOAD file or in the CDC files after it,
 * never in both and never in neither. Every wait is on a condition read through the API.
 */
import {
  ReloadTablesCommand,
  ReplicationTask,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import { startTestEmulator, waitFor } from '../../testing/testEmulator';
import {
  createTask,
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

const database = `dms_reload_${process.pid}`;
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

/**
 * Parquet with Op in every file. CDC batches of three seconds, so that a few changes made just
 * before ReloadTables are still unwritten when the reload takes its snapshot; a batch of 16 KB is
 * due at once, so that a bulk change during the reload's load would be written before it ends.
 */
const landing = {
  BucketName: BUCKET,
  BucketFolder: 'landing',
  DataFormat: 'parquet',
  IncludeOpForFullLoad: true,
  CdcMaxBatchInterval: 3,
  CdcMinFileSize: 16,
};

/** The product's settings: old files stay (DO_NOTHING); small chunks make the load take a while. */
const taskSettings = {
  FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING', CommitRate: 500 },
};

const isLoad = (key: string) => /\/LOAD[0-9A-F]{8}\.[a-z.]+$/.test(key);

/** The write time in a CDC file name (`yyyyMMdd-HHmmssSSS.parquet`, UTC). */
const cdcFileTime = (key: string) => {
  const m = /(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)(\d{3})\.[a-z.]+$/.exec(
    key,
  )!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
};

describe('DMS ReloadTables', () => {
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

  /** Records of the given files, in file then change order. */
  const recordsOf = async (keys: string[]) =>
    keys.length === 0
      ? []
      : readLanding(
          setup,
          BUCKET,
          keys,
          files =>
            `SELECT Op, id, v FROM read_parquet(${files}, filename = true, union_by_name = true)
             ORDER BY filename, dms_change_seq, id`,
        );

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

  const reload = (
    arn: string,
    tables: string[],
    extra: { ReloadOption?: 'data-reload' | 'validate-only' } = {},
  ) =>
    setup.dms.send(
      new ReloadTablesCommand({
        ReplicationTaskArn: arn,
        TablesToReload: tables.map(TableName => ({
          SchemaName: database,
          TableName,
        })),
        ...extra,
      }),
    );

  it('answers with the errors of the API: a task that is not running, an unknown task, bad tables and options, a table already reloading', async () => {
    await root.query(
      `CREATE TABLE ${db}.errors (id INT PRIMARY KEY, v INT); INSERT INTO ${db}.errors VALUES (1, 1);`,
    );
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['errors']),
      taskSettings,
    });
    // "You can only use this operation with a task in the RUNNING state" (API_ReloadTables.html).
    await expect(reload(arn, ['errors'])).rejects.toMatchObject({
      name: 'InvalidResourceStateFault',
    });
    // A well-formed ARN of this account and region that names no task.
    const noSuchTask = arn.replace(/:task:[^:]+$/, ':task:NOSUCHTASK');
    expect(noSuchTask).not.toBe(arn);
    await expect(reload(noSuchTask, ['errors'])).rejects.toMatchObject({
      name: 'ResourceNotFoundFault',
    });

    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);
    for (const tables of [
      ['missing'],
      ['errors', 'errors'],
      Array.from({ length: 11 }, (_, i) => `t${i}`),
      [],
    ]) {
      await expect(reload(arn, tables)).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    }
    // The emulator has no validation, which validate-only needs.
    await expect(
      reload(arn, ['errors'], { ReloadOption: 'validate-only' }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await statsOf(arn, 'errors')).toMatchObject({
      TableState: 'Table completed',
      FullLoadReloaded: false,
    });

    // A table queued for its reload is not queued twice.
    await expect(reload(arn, ['errors'])).resolves.toMatchObject({
      ReplicationTaskArn: arn,
    });
    await expect(reload(arn, ['errors'])).rejects.toMatchObject({
      name: 'InvalidResourceStateFault',
    });
    await waitForStats(
      arn,
      'errors',
      s => s.TableState === 'Table completed' && s.FullLoadReloaded === true,
    );

    await stopTask(setup, arn);
    await expect(reload(arn, ['errors'])).rejects.toMatchObject({
      name: 'InvalidResourceStateFault',
    });
  }, 90_000);

  it('reloads one table while CDC goes on: the new LOAD file holds the rows of its snapshot, the CDC files after it exactly the later changes, and the other table is not reloaded', async () => {
    const ROWS = 20_000;
    await root.query(
      `CREATE TABLE ${db}.reloaded (id INT PRIMARY KEY, v INT);
       INSERT INTO ${db}.reloaded SELECT seq, seq FROM mysql.seq_1_to_${ROWS};
       CREATE TABLE ${db}.other (id INT PRIMARY KEY, v INT);
       INSERT INTO ${db}.other VALUES (1, 1), (2, 2);`,
    );
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['reloaded', 'other']),
      taskSettings,
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);

    // A change written as CDC before the reload: its file stays (DO_NOTHING).
    await root.query(`UPDATE ${db}.reloaded SET v = -1 WHERE id = 1`);
    await waitForStats(arn, 'reloaded', s => s.Updates === 1);
    const keysBefore = await keysOf('reloaded');
    const oldCdc = keysBefore.filter(k => !isLoad(k));
    expect(keysBefore.filter(isLoad)).toEqual([
      `landing/${database}/reloaded/LOAD00000001.parquet`,
    ]);
    expect(oldCdc).toHaveLength(1);
    const otherLoad = (await keysOf('other')).filter(isLoad);

    // Changes still in an unwritten batch when ReloadTables comes: they are in its snapshot.
    await root.query(
      `UPDATE ${db}.reloaded SET v = -2 WHERE id = 2;
       DELETE FROM ${db}.reloaded WHERE id = 3;
       INSERT INTO ${db}.reloaded VALUES (${ROWS + 1}, -3);
       INSERT INTO ${db}.other VALUES (3, 3);`,
    );
    await expect(reload(arn, ['reloaded'])).resolves.toEqual(
      expect.objectContaining({ ReplicationTaskArn: arn }),
    );
    // The snapshot is taken before the table shows `Full load`: what follows is after it. The
    // load of 20,000 rows in chunks of 500 takes long enough for these changes to come during
    // it; the bulk insert fills a batch past CdcMinFileSize, which must wait for the load.
    const BULK = 1_000;
    const lastId = ROWS + 1;
    await waitForStats(
      arn,
      'reloaded',
      s =>
        s.FullLoadReloaded === true &&
        (s.TableState === 'Full load' || s.TableState === 'Table completed'),
    );
    await root.query(
      `UPDATE ${db}.reloaded SET v = -4 WHERE id = 4;
       DELETE FROM ${db}.reloaded WHERE id = 5;
       INSERT INTO ${db}.reloaded SELECT ${lastId} + seq, -seq FROM mysql.seq_1_to_${BULK};
       UPDATE ${db}.other SET v = 30 WHERE id = 3;`,
    );

    const reloaded = await waitForStats(
      arn,
      'reloaded',
      s =>
        s.TableState === 'Table completed' &&
        (s.Updates ?? 0) >= 2 &&
        (s.Deletes ?? 0) >= 1 &&
        (s.Inserts ?? 0) >= BULK,
    );
    await waitForStats(
      arn,
      'other',
      s => (s.Inserts ?? 0) >= 1 && (s.Updates ?? 0) >= 1,
    );
    // The counts are of changes written as CDC: the ones in the snapshot are not among them.
    expect(reloaded).toMatchObject({
      FullLoadReloaded: true,
      FullLoadRows: ROWS,
      Inserts: BULK,
      Updates: 2,
      Deletes: 1,
    });
    expect(await statsOf(arn, 'other')).toMatchObject({
      TableState: 'Table completed',
      FullLoadReloaded: false,
      FullLoadRows: 2,
      Inserts: 1,
      Updates: 1,
    });

    // The LOAD file again under its name, with the rows at the snapshot.
    const keysAfter = await keysOf('reloaded');
    expect(keysAfter.filter(isLoad)).toEqual([
      `landing/${database}/reloaded/LOAD00000001.parquet`,
    ]);
    const expectedLoad = [];
    for (let id = 1; id <= ROWS + 1; id++) {
      if (id === 3) continue;
      const v = { 1: -1, 2: -2, [ROWS + 1]: -3 }[id] ?? id;
      expectedLoad.push({ Op: 'I', id, v });
    }
    expect(await recordsOf(keysAfter.filter(isLoad))).toEqual(expectedLoad);

    // The earlier CDC file stays as it was; the new ones come after the load and hold the later
    // changes only, each once.
    expect(keysAfter.filter(k => oldCdc.includes(k))).toEqual(oldCdc);
    expect(await recordsOf(oldCdc)).toEqual([{ Op: 'U', id: 1, v: -1 }]);
    const newCdc = keysAfter.filter(k => !isLoad(k) && !oldCdc.includes(k));
    expect(newCdc.length).toBeGreaterThan(0);
    for (const key of newCdc) {
      expect(cdcFileTime(key)).toBeGreaterThanOrEqual(
        reloaded!.FullLoadEndTime!.getTime(),
      );
    }
    expect(await recordsOf(newCdc)).toEqual([
      { Op: 'U', id: 4, v: -4 },
      { Op: 'D', id: 5, v: 5 },
      ...Array.from({ length: BULK }, (_, i) => ({
        Op: 'I',
        id: ROWS + 2 + i,
        v: -(i + 1),
      })),
    ]);

    // The other table went on with CDC and kept its LOAD file.
    const otherKeys = await keysOf('other');
    expect(otherKeys.filter(isLoad)).toEqual(otherLoad);
    expect(await recordsOf(otherKeys.filter(k => !isLoad(k)))).toEqual([
      { Op: 'I', id: 3, v: 3 },
      { Op: 'U', id: 3, v: 30 },
    ]);
  }, 120_000);

  it('a reload that a stop interrupts is done again on resume-processing, and its changes are written once', async () => {
    await root.query(
      `CREATE TABLE ${db}.interrupted (id INT PRIMARY KEY, v INT);
       INSERT INTO ${db}.interrupted SELECT seq, seq FROM mysql.seq_1_to_1000;`,
    );
    const arn = await createTask(setup, {
      s3Settings: landing,
      tableMappings: mappings(['interrupted']),
      taskSettings,
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, fullyLoaded);
    const load = `landing/${database}/interrupted/LOAD00000001.parquet`;
    expect(await keysOf('interrupted')).toEqual([load]);

    // The reload's read waits behind a table lock, so that the stop comes during its load.
    const locker = await rootConnection();
    try {
      await root.query(`UPDATE ${db}.interrupted SET v = -1 WHERE id = 1`);
      await locker.query(`LOCK TABLES ${db}.interrupted WRITE`);
      await reload(arn, ['interrupted']);
      await waitForStats(arn, 'interrupted', s => s.TableState === 'Full load');
      await locker.query(`UPDATE ${db}.interrupted SET v = -2 WHERE id = 2`);
      await setup.dms.send(
        new StopReplicationTaskCommand({ ReplicationTaskArn: arn }),
      );
      await locker.query('UNLOCK TABLES');
    } finally {
      await locker.end();
    }
    await waitForTask(setup, arn, t => t.Status === 'stopped');
    // Nothing of the reload nor of the changes around it was written.
    expect(await keysOf('interrupted')).toEqual([load]);
    expect(await statsOf(arn, 'interrupted')).toMatchObject({
      TableState: 'Full load',
      FullLoadReloaded: true,
    });

    await root.query(`UPDATE ${db}.interrupted SET v = -3 WHERE id = 3`);
    await startTask(setup, arn, 'resume-processing');
    await waitForStats(
      arn,
      'interrupted',
      s => s.TableState === 'Table completed',
    );
    await root.query(`UPDATE ${db}.interrupted SET v = -4 WHERE id = 4`);
    const stats = await waitForStats(
      arn,
      'interrupted',
      s => (s.Updates ?? 0) >= 1,
    );
    expect(stats).toMatchObject({
      FullLoadReloaded: true,
      FullLoadRows: 1000,
      Updates: 1,
    });
    const keys = await keysOf('interrupted');
    expect(keys.filter(isLoad)).toEqual([load]);
    expect(await recordsOf([load])).toEqual(
      Array.from({ length: 1000 }, (_, i) => ({
        Op: 'I',
        id: i + 1,
        v: i < 3 ? -(i + 1) : i + 1,
      })),
    );
    expect(await recordsOf(keys.filter(k => !isLoad(k)))).toEqual([
      { Op: 'U', id: 4, v: -4 },
    ]);
  }, 90_000);
});
