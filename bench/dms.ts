/*
 * `yarn bench dms`: the local AWS emulator's DMS against the CDC-ready MariaDB on 127.0.0.1:3306,
 * at clock speed 1. Writes bench/results/dms.json.
 *
 * 1. Full-load throughput (rows per second) of a full-load task writing Parquet to the emulated
 *    S3, over Sakila and over a generated table, against a plain dump of the same tables in the
 *    same run: rows streamed with mysql2 (`SELECT *`, one query per table) into newline-delimited
 *    JSON, then `COPY … TO … (FORMAT parquet)` by DuckDB from `read_json_auto`. DuckDB's mysql
 *    extension would be the obvious baseline, but it cannot be installed offline.
 * 2. CDC lag, MySQL commit to file in S3, at DMS_BENCH_CDC_RATE changes per second (1,000) for
 *    DMS_BENCH_CDC_SECONDS (60; shorter for a quick run, the committed result is the full
 *    minute). Each change is its own autocommit transaction carrying its number in `v`; its
 *    commit time is taken at the client when the statement returns. The bench lists the table's
 *    folder with ListObjectsV2 every DMS_BENCH_POLL_MS (100) and reads every new file through
 *    GetObject and DuckDB: a change arrived when the first listing that shows its file returned.
 *    The baseline, in the same run and at the same time, is a plain binlog client
 *    (@vlasky/zongji, as the emulator uses) on the same table: commit to the row event reaching
 *    the client, the floor for any binlog-based CDC on this machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  describeTask,
  dmsSetup,
  DmsSetup,
  createTask,
  duckdb,
  listKeys,
  loadSakila,
  MARIADB,
  rootConnection,
  sqlString,
  startTask,
  tableStatistics,
  waitForTask,
} from '../packages/aws-local/src/services/dms/__testUtils__/dmsFixtures';
import { RunningEmulator } from '../packages/aws-local/src/core/emulator';
import { startEmulator } from '../packages/aws-local/src/start';
import { admin } from '../packages/aws-local/src/testing/testEmulator';
import mysql from 'mysql2/promise';
import ZongJi from '@vlasky/zongji';

const ROOT = path.resolve(__dirname, '..');
const SAKILA_DB = 'dms_bench_sakila';
const GEN_DB = 'dms_bench_generated';
const CDC_DB = 'dms_bench_cdc';
const BUCKET = 'bench-landing';
const GENERATED_ROWS = Number(process.env.DMS_BENCH_ROWS ?? 300_000);
const CDC_RATE = Number(process.env.DMS_BENCH_CDC_RATE ?? 1000);
const CDC_SECONDS = Number(process.env.DMS_BENCH_CDC_SECONDS ?? 60);
const POLL_MS = Number(process.env.DMS_BENCH_POLL_MS ?? 100);
/** The task's CdcMaxBatchInterval in seconds (DMS's default is 60). */
/** Writer connections: each change is its own transaction, and one connection waits for each commit. */
const WRITERS = Number(process.env.DMS_BENCH_WRITERS ?? 16);
const BATCH_INTERVAL_S = Number(process.env.DMS_BENCH_BATCH_INTERVAL_S ?? 1);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

const summary = (lags: number[]) => ({
  p50Ms: Math.round(percentile(lags, 50)),
  p95Ms: Math.round(percentile(lags, 95)),
  maxMs: Math.round(Math.max(...lags)),
});

async function baseTables(connection: mysql.Connection, database: string) {
  const [rows] = await connection.query(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    [database],
  );
  const tables: { table: string; rows: number }[] = [];
  for (const { t } of rows as { t: string }[]) {
    const [[count]] = (await connection.query(
      `SELECT COUNT(*) AS n FROM ${mysql.escapeId(database)}.${mysql.escapeId(
        t,
      )}`,
    )) as any;
    tables.push({ table: t, rows: Number(count.n) });
  }
  return tables;
}

async function prepareSources(root: mysql.Connection) {
  for (const db of [SAKILA_DB, GEN_DB, CDC_DB]) {
    await root.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(db)}`);
  }
  await loadSakila(SAKILA_DB);
  const gen = mysql.escapeId(GEN_DB);
  // Generated rows in the types a landing table has: keys, amounts, short and long text, times.
  await root.query(`CREATE DATABASE ${gen};
    CREATE TABLE ${gen}.orders (
      id INT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL,
      status VARCHAR(20) NOT NULL, note VARCHAR(100), created_at DATETIME(6) NOT NULL);
    INSERT INTO ${gen}.orders
      SELECT seq, seq MOD 5000, (seq MOD 100000) / 100, ELT(1 + seq MOD 4, 'new', 'paid', 'shipped', 'returned'),
             IF(seq MOD 7 = 0, NULL, CONCAT('order note ', MD5(seq))),
             TIMESTAMP('2024-01-01') + INTERVAL seq SECOND
        FROM ${gen}.seq_1_to_${GENERATED_ROWS};`);
  await root.query(`CREATE DATABASE ${mysql.escapeId(CDC_DB)};
    CREATE TABLE ${mysql.escapeId(
      CDC_DB,
    )}.changes (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40));`);
}

/** The emulator's full load of `database` as Parquet; the time is the task's own full-load span. */
async function emulatorFullLoad(setup: DmsSetup, database: string) {
  const arn = await createTask(setup, {
    migrationType: 'full-load',
    s3Settings: {
      BucketName: BUCKET,
      BucketFolder: `full-load-${database}`,
      DataFormat: 'parquet',
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
      ],
    },
  });
  const started = performance.now();
  await startTask(setup, arn);
  // A slow poll, so that describing the task costs the load little.
  let task = await describeTask(setup, arn);
  while (task.Status !== 'stopped') {
    if (task.Status === 'failed') throw new Error(task.LastFailureMessage);
    await sleep(250);
    task = await describeTask(setup, arn);
  }
  const wallMs = performance.now() - started;
  const stats = task.ReplicationTaskStats!;
  const loadMs =
    stats.FullLoadFinishDate!.getTime() - stats.FullLoadStartDate!.getTime();
  const rows = (await tableStatistics(setup, arn)).reduce(
    (sum, t) => sum + (t.FullLoadRows ?? 0),
    0,
  );
  return { rows, loadMs, wallFromStartMs: Math.round(wallMs) };
}

/** mysql2 `SELECT *` streamed to NDJSON, then DuckDB writes one Parquet file per table. */
async function duckdbDump(database: string, tables: { table: string }[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dms-dump-'));
  const connection = await mysql.createConnection({
    ...MARIADB,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    const started = performance.now();
    let rows = 0;
    for (const { table } of tables) {
      const json = path.join(dir, `${table}.ndjson`);
      const out = fs.createWriteStream(json);
      await new Promise<void>((resolve, reject) => {
        const stream = connection.connection
          .query(
            `SELECT * FROM ${mysql.escapeId(database)}.${mysql.escapeId(
              table,
            )}`,
          )
          .stream();
        stream.on('data', (row: Record<string, unknown>) => {
          rows += 1;
          const plain: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(row)) {
            plain[k] = Buffer.isBuffer(v) ? v.toString('hex') : v;
          }
          if (!out.write(`${JSON.stringify(plain)}\n`)) {
            stream.pause();
            out.once('drain', () => stream.resume());
          }
        });
        stream.on('error', reject);
        stream.on('end', () => out.end(resolve));
      });
      await duckdb(
        `COPY (SELECT * FROM read_json_auto(${sqlString(
          json,
        )}, format = 'newline_delimited')) TO ${sqlString(
          path.join(dir, `${table}.parquet`),
        )} (FORMAT parquet)`,
      );
    }
    return { rows, dumpMs: performance.now() - started };
  } finally {
    await connection.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function fullLoad(setup: DmsSetup, root: mysql.Connection) {
  const results: Record<string, unknown> = {};
  for (const [name, database] of [
    ['sakila', SAKILA_DB],
    ['generated', GEN_DB],
  ] as const) {
    const tables = await baseTables(root, database);
    const sourceRows = tables.reduce((s, t) => s + t.rows, 0);
    const emulator = await emulatorFullLoad(setup, database);
    if (emulator.rows !== sourceRows) {
      throw new Error(
        `${name}: the task loaded ${emulator.rows} rows of ${sourceRows}`,
      );
    }
    const baseline = await duckdbDump(database, tables);
    if (baseline.rows !== sourceRows) {
      throw new Error(
        `${name}: the dump read ${baseline.rows} rows of ${sourceRows}`,
      );
    }
    const emulatorRate = (sourceRows * 1000) / emulator.loadMs;
    const baselineRate = (sourceRows * 1000) / baseline.dumpMs;
    results[name] = {
      tables: tables.length,
      rows: sourceRows,
      emulator: {
        rowsPerSecond: Math.round(emulatorRate),
        fullLoadMs: emulator.loadMs,
        wallFromStartReplicationTaskMs: emulator.wallFromStartMs,
      },
      duckdbDump: {
        rowsPerSecond: Math.round(baselineRate),
        ms: Math.round(baseline.dumpMs),
      },
      emulatorOverDuckdbRatio: +(emulatorRate / baselineRate).toFixed(3),
    };
    console.log(name, JSON.stringify(results[name]));
  }
  return results;
}

/*
 * The load runs on a worker thread, so that the emulator's work on the main thread does not slow
 * the writer down, over DMS_BENCH_WRITERS connections (one connection waits for every commit's
 * flush, which on this machine is slower than 1 ms): change n is due at start + (n - 1) / rate;
 * 80% inserts, 20% updates of an earlier row, each an autocommit transaction that carries n in
 * `v`. The commit time of change n is Date.now() when its statement returned.
 */
const writerWorker = `
  const { parentPort, workerData } = require('node:worker_threads');
  const mysql = require(workerData.mysql2);
  const { total, rate, table, writers } = workerData;
  // Updates start after 2,000 changes and hit a row inserted at least 1,000 changes earlier, so
  // its insert has committed even with several connections in flight.
  const isUpdate = n => n % 5 === 0 && n > 2000;
  const insertsUpTo = n => (n > 2000 ? n - (Math.floor(n / 5) - 400) : n);
  (async () => {
    const connections = await Promise.all(
      Array.from({ length: writers }, () => mysql.createConnection(workerData.source)),
    );
    const committed = new Float64Array(total);
    const started = Date.now() + 100;
    await Promise.all(connections.map(async (connection, k) => {
      for (let n = k + 1; n <= total; n += writers) {
        const wait = started + ((n - 1) * 1000) / rate - Date.now();
        if (wait > 1) await new Promise(r => setTimeout(r, wait));
        if (isUpdate(n)) {
          const id = 1 + ((n * 7919) % insertsUpTo(n - 1000));
          await connection.query('UPDATE ' + table + ' SET v = ? WHERE id = ?', [n, id]);
        } else {
          const id = insertsUpTo(n);
          await connection.query('INSERT INTO ' + table + ' VALUES (?, ?, ?)', [id, n, 'change ' + n]);
        }
        committed[n - 1] = Date.now();
      }
    }));
    const generationMs = Date.now() - started;
    await Promise.all(connections.map(c => c.end()));
    parentPort.postMessage({ committed, generationMs });
  })().catch(error => { throw error; });`;

function generateChanges(
  total: number,
): Promise<{ committed: Float64Array; generationMs: number }> {
  const worker = new Worker(writerWorker, {
    eval: true,
    workerData: {
      mysql2: require.resolve('mysql2/promise'),
      source: MARIADB,
      total,
      rate: CDC_RATE,
      writers: WRITERS,
      table: `${mysql.escapeId(CDC_DB)}.changes`,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', resolve);
  });
}

/** Ids of the changes (`v`) in one CDC Parquet file, read through GetObject. */
async function changesInFile(setup: DmsSetup, key: string) {
  const object = await setup.s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: key }),
  );
  const file = path.join(
    os.tmpdir(),
    `bench-dms-${process.pid}-${path.basename(key)}`,
  );
  fs.writeFileSync(file, await object.Body!.transformToByteArray());
  try {
    const rows = await duckdb(`SELECT v FROM read_parquet(${sqlString(file)})`);
    return rows.map(r => Number(r.v));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function cdcLag(
  running: RunningEmulator,
  setup: DmsSetup,
  root: mysql.Connection,
) {
  const folder = 'cdc/';
  const arn = await createTask(setup, {
    migrationType: 'cdc',
    s3Settings: {
      BucketName: BUCKET,
      BucketFolder: 'cdc',
      DataFormat: 'parquet',
      CdcMaxBatchInterval: BATCH_INTERVAL_S,
    },
    tableMappings: {
      rules: [
        {
          'rule-type': 'selection',
          'rule-id': '1',
          'rule-name': '1',
          'object-locator': { 'schema-name': CDC_DB, 'table-name': 'changes' },
          'rule-action': 'include',
        },
      ],
    },
  });
  await startTask(setup, arn);
  await waitForTask(setup, arn, t => t.Status === 'running');

  // The baseline: a binlog client of its own, from the end of the binlog now.
  const [[status]] = (await root.query('SHOW MASTER STATUS')) as any;
  const zongji = new ZongJi({ ...MARIADB, password: '' });
  const binlogArrival = new Map<number, number>();
  await new Promise<void>((resolve, reject) => {
    zongji.on('ready', () => resolve());
    zongji.on('error', reject);
    zongji.on('binlog', (event: any) => {
      const name = event.getEventName();
      if (name !== 'writerows' && name !== 'updaterows') return;
      const now = Date.now();
      for (const row of event.rows) {
        const v = name === 'updaterows' ? row.after.v : row.v;
        if (!binlogArrival.has(v)) binlogArrival.set(v, now);
      }
    });
    zongji.start({
      serverId: 200_000 + Math.floor(Math.random() * 1_000_000),
      filename: status.File,
      position: Number(status.Position),
      includeEvents: ['tablemap', 'writerows', 'updaterows'],
      includeSchema: { [CDC_DB]: ['changes'] },
    });
  });

  // File arrival: poll the folder, read each new file once.
  const total = CDC_RATE * CDC_SECONDS;
  const fileArrival = new Map<number, number>();
  const seen = new Set<string>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const keys = await listKeys(setup, BUCKET, folder);
      const listedAt = Date.now();
      for (const key of keys.filter(k => !seen.has(k))) {
        seen.add(key);
        for (const v of await changesInFile(setup, key)) {
          if (!fileArrival.has(v)) fileArrival.set(v, listedAt);
        }
      }
      await sleep(POLL_MS);
    }
  })();

  const { committed, generationMs } = await generateChanges(total);

  const deadline = Date.now() + 60_000 + BATCH_INTERVAL_S * 2000;
  while (
    (fileArrival.size < total || binlogArrival.size < total) &&
    Date.now() < deadline
  ) {
    await sleep(200);
  }
  polling = false;
  await poller;
  zongji.stop();
  const stats = (await tableStatistics(setup, arn))[0];
  const latency = (
    await admin(running, 'POST', 'dms/task-latency', {
      ReplicationTaskArn: arn,
    })
  ).body;
  const task = await describeTask(setup, arn);

  const lag = (arrival: Map<number, number>) => {
    const lags: number[] = [];
    committed.forEach((at, i) => {
      const got = arrival.get(i + 1);
      if (got !== undefined) lags.push(got - at);
    });
    return lags;
  };
  const fileLags = lag(fileArrival);
  const binlogLags = lag(binlogArrival);
  if (fileLags.length !== total) {
    throw new Error(`Only ${fileLags.length} of ${total} changes reached S3`);
  }
  const emulator = summary(fileLags);
  const baseline = summary(binlogLags);
  return {
    method:
      'commit time at the client when each autocommit statement returned; file arrival when a ListObjectsV2 of the task folder, polled every ' +
      `${POLL_MS} ms, first listed the file holding the change (files read with GetObject + DuckDB). Baseline: a separate @vlasky/zongji binlog client in the same process, commit to row event received.`,
    cdcMaxBatchIntervalSeconds: BATCH_INTERVAL_S,
    cdcMinFileSizeKb: 32000,
    targetChangesPerSecond: CDC_RATE,
    achievedChangesPerSecond: Math.round((total * 1000) / generationMs),
    seconds: CDC_SECONDS,
    changes: total,
    mix: '80% inserts, 20% updates (after the first 2,000 changes), each its own autocommit transaction',
    writerConnections: WRITERS,
    files: seen.size,
    tableStatistics: {
      Inserts: stats.Inserts,
      Updates: stats.Updates,
    },
    taskStatus: task.Status,
    emulatorLastBatchLatency: latency,
    commitToFileInS3: emulator,
    commitToBinlogClientBaseline: {
      ...baseline,
      received: binlogLags.length,
    },
    p50OverBaselineMs: emulator.p50Ms - baseline.p50Ms,
    p50OverBatchIntervalRatio: +(
      emulator.p50Ms /
      (BATCH_INTERVAL_S * 1000)
    ).toFixed(3),
  };
}

async function main() {
  // Other work on the machine moves every figure: record how busy it was.
  const loadAverageAtStart = os.loadavg().map(l => +l.toFixed(2));
  const root = await rootConnection();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dms-'));
  const running = await startEmulator({ port: 0, stateDir, clockSpeed: 1 });
  try {
    console.log('preparing sources');
    await prepareSources(root);
    const setup = await dmsSetup(running, BUCKET);
    const fullLoadResults = await fullLoad(setup, root);
    console.log(
      `CDC: ${CDC_RATE}/s for ${CDC_SECONDS} s, CdcMaxBatchInterval ${BATCH_INTERVAL_S} s`,
    );
    const cdc = await cdcLag(running, setup, root);
    console.log(JSON.stringify(cdc, null, 2));
    const result = {
      benchmark: 'dms',
      machine: `${os.cpus().length} cores, ${Math.round(
        os.totalmem() / 2 ** 30,
      )} GiB`,
      date: new Date().toISOString(),
      loadAverage1m5m15m: {
        atStart: loadAverageAtStart,
        atEnd: os.loadavg().map(l => +l.toFixed(2)),
      },
      source:
        'MariaDB on 127.0.0.1:3306 (binlog ROW), emulator at clock speed 1 in the bench process',
      fullLoad: {
        method:
          'emulator: a full-load task (Parquet, CommitRate 10000), rows over FullLoadFinishDate - FullLoadStartDate of DescribeReplicationTasks; baseline: mysql2 SELECT * streamed to NDJSON, then DuckDB COPY (SELECT * FROM read_json_auto(...)) TO parquet, one file per table, timed end to end',
        ...fullLoadResults,
      },
      cdcLag: cdc,
    };
    if (CDC_SECONDS < 60) {
      console.log('Quick run (DMS_BENCH_CDC_SECONDS < 60): result not written');
    } else {
      fs.writeFileSync(
        path.join(ROOT, 'bench/results/dms.json'),
        `${JSON.stringify(result, null, 2)}\n`,
      );
      console.log('wrote bench/results/dms.json');
    }
  } finally {
    await running.close();
    for (const db of [SAKILA_DB, GEN_DB, CDC_DB]) {
      await root.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(db)}`);
    }
    await root.end();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
