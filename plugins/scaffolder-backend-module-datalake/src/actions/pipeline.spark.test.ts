/*
 * The whole data path on this machine, as a portal user starts it: the new-ingestion and new-gold-table
 * templates through the scaffolder API, over Sakila in the CDC-ready MariaDB → the emulator's DMS (full
 * load into the landing bucket, from credentials in its Secrets Manager) → the Iceberg tables, Glue jobs
 * and Step Functions pipeline the templates' actions create → one
 * execution whose Glue runs execute the rendered PySpark jobs on Spark with Iceberg → bronze, silver
 * and gold read back through Spark and compared row for row with MySQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateReplicationInstanceCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateJobCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ConfigReader } from '@backstage/config';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import {
  DatalakeAwsClientFactory,
  inspectMysqlSource,
} from '@datalake-portal/backstage-plugin-datalake-node';
import mysql from 'mysql2/promise';
import { startScaffolderTestBackend } from '../__testUtils__/scaffolderTestBackend';
import { pipelineActionOptions } from './glue/actionSupport';
import { createGlueJobCreateAction } from './glue/createGlueJobs';
import { icebergSparkConf } from './glue/pipelineJobs';
import { readPipelineConfig } from './glue/pipelineConfig';
import {
  actionContext,
  pipelineConfigData,
} from './glue/__testUtils__/pipelineTestContext';
import { INGESTION_ANNOTATION } from './pipeline/ingestionRecord';

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, '../../../..');
const SAKILA = path.resolve(REPO, '../shared/fixtures/mysql/sakila');
const DATABASE = `pipe_spark_${process.pid}`;
const SOURCE = 'pipe';
const OWNER = 'group:default/data-engineering';
const TABLES = ['category', 'film_category', 'language', 'hard_case'];
/**
 * A table of the types and values that break pipelines: an unsigned BIGINT at its maximum (the
 * key), DECIMAL, DATETIME(6), JSON, non-ASCII text (four-byte UTF-8 too) and NULLs.
 */
const HARD_CASE_DDL = `CREATE TABLE hard_case (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  amount DECIMAL(12,4),
  happened_at DATETIME(6),
  doc JSON,
  label VARCHAR(100),
  note VARCHAR(50)
) DEFAULT CHARSET=utf8mb4`;
const HARD_CASE_ROWS = `INSERT INTO hard_case VALUES
  (1, 12.3400, '2026-01-02 03:04:05.123456', '{"a": 1}', 'plain', 'x'),
  (18446744073709551615, -99999999.9999, '1999-12-31 23:59:59.999999', '{"k": [1, 2, "ü"]}', 'Łódź 東京', NULL)`;
/**
 * The change batch after the full load, in one burst so that DMS writes it as one CDC file per
 * table: several changes to one key, delete then re-insert, updates to NULL, the unsigned
 * maximum, and new rows in each table so that gold changes too.
 */
const CHANGES = [
  "UPDATE hard_case SET amount = 1.5000, label = 'first change' WHERE id = 1",
  "UPDATE hard_case SET amount = 2.2500, note = NULL, label = 'second change' WHERE id = 1",
  'DELETE FROM hard_case WHERE id = 18446744073709551615',
  `INSERT INTO hard_case VALUES (18446744073709551615, 0.0001, '2000-01-01 00:00:00.000001', '{"back": true}', '🚀 Zürich', 're-inserted')`,
  `INSERT INTO hard_case VALUES (18446744073709551614, NULL, NULL, NULL, NULL, NULL)`,
  'UPDATE hard_case SET label = NULL, doc = NULL WHERE id = 18446744073709551614',
  "INSERT INTO category (category_id, name) VALUES (17, 'Film noir')",
  "UPDATE category SET name = 'Actión' WHERE category_id = 1",
  "UPDATE category SET name = 'Action, again' WHERE category_id = 1",
  'INSERT INTO film_category (film_id, category_id) VALUES (1, 17), (2, 17)',
  'DELETE FROM film_category WHERE film_id = 1 AND category_id = 17',
  'INSERT INTO film_category (film_id, category_id) VALUES (1, 17)',
  'DELETE FROM film_category WHERE film_id = 3',
  "INSERT INTO language (language_id, name) VALUES (7, 'Čeština')",
  'DELETE FROM language WHERE language_id = 6',
];
const GOLD_SQL =
  'SELECT c.category_id, c.name, COUNT(fc.film_id) AS films FROM glue_catalog.pipe_silver.category c ' +
  'LEFT JOIN glue_catalog.pipe_silver.film_category fc ON fc.category_id = c.category_id GROUP BY c.category_id, c.name';
/** The same aggregate, evaluated directly on MySQL. */
const GOLD_SQL_ON_MYSQL = `SELECT c.category_id, c.name, COUNT(fc.film_id) AS films FROM \`${DATABASE}\`.category c LEFT JOIN \`${DATABASE}\`.film_category fc ON fc.category_id = c.category_id GROUP BY c.category_id, c.name ORDER BY c.category_id`;

/** Loads Sakila (schema and data) into DATABASE with the `mariadb` client. */
async function loadSakila() {
  const retarget = (file: string) =>
    fs
      .readFileSync(path.join(SAKILA, file), 'utf8')
      .replace(/^DROP SCHEMA IF EXISTS sakila;/m, '')
      .replace(/^CREATE SCHEMA sakila;/m, `CREATE DATABASE \`${DATABASE}\`;`)
      .replace(/^USE sakila;/gm, `USE \`${DATABASE}\`;`)
      .replace(/\bsakila\./g, `\`${DATABASE}\`.`)
      .replace(/\/\*!50705 ([\s\S]*?)\*\//g, '$1');
  const sql = `${retarget('sakila-schema.sql')}\n${retarget(
    'sakila-data.sql',
  )}`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'mariadb',
      ['--comments', '-h127.0.0.1', '-P3306', '-uroot'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`mariadb: ${stderr}`)),
    );
    child.stdin.end(sql);
  });
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

async function run(
  action: { handler(ctx: any): Promise<void> },
  input: Record<string, unknown>,
) {
  const ctx = actionContext(input);
  await action.handler(ctx);
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
  );
}

/** Every value as MySQL's text form, so that both sides compare as strings. */
const text = (rows: Record<string, unknown>[]) =>
  rows.map(r =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );

const KEYS: Record<string, string[]> = {
  category: ['category_id'],
  film_category: ['film_id', 'category_id'],
  language: ['language_id'],
  hard_case: ['id'],
  films_by_category: ['category_id'],
};

/** Orders rows by their key columns, compared as numbers (BigInt: the unsigned maximum). */
const byKey =
  (keys: string[]) =>
  (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const k of keys) {
      const x = BigInt(String(a[k]));
      const y = BigInt(String(b[k]));
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

describe('the pipeline our actions create, on Spark with Iceberg against the emulator', () => {
  let emulator: RunningEmulator;
  let clients: DatalakeAwsClientFactory;
  let root: mysql.Connection;
  /** Set by the first test; the others run on the pipeline it built. */
  let pipelineBuilt = false;
  /** The input the first test gave the pipeline actions, and their options. */
  let pipelineInput: Record<string, unknown>;
  let harness: Awaited<ReturnType<typeof startScaffolderTestBackend>>;
  let actionOptions: ReturnType<typeof pipelineActionOptions>;

  beforeAll(async () => {
    root = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // JSON as the text MariaDB keeps (it stores JSON as LONGTEXT), as DMS replicates it.
      jsonStrings: true,
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await loadSakila();
    await root.query(`USE \`${DATABASE}\``);
    await root.query(HARD_CASE_DDL);
    await root.query(HARD_CASE_ROWS);
    await root.query(
      `CREATE OR REPLACE USER '${DATABASE}'@'%' IDENTIFIED BY 'pipe-spark'`,
    );
    await root.query(`GRANT SELECT ON \`${DATABASE}\`.* TO '${DATABASE}'@'%'`);
    await root.query(
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${DATABASE}'@'%'`,
    );
    emulator = await startEmulator({
      port: 0,
      stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-spark-')),
    });
    clients = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        datalake: {
          ...pipelineConfigData().datalake,
          aws: { region: 'eu-west-1', endpoint: emulator.url, maxAttempts: 1 },
        },
      }),
    );
  });

  afterAll(async () => {
    await harness?.backend.stop();
    await emulator?.close();
    await root?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await root?.query(`DROP USER IF EXISTS '${DATABASE}'@'%'`);
    await root?.end();
  });

  it('moves three Sakila tables and the hard cases from MySQL to gold in one Step Functions execution of the pipeline the templates made, and a rerun through StartJobRun applies nothing', async () => {
    const s3 = await clients.s3();
    for (const bucket of [
      'lake-landing',
      'datalake-bronze',
      'datalake-silver',
      'datalake-gold',
      'datalake-scripts',
    ]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    const secrets = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { ARN: secretArn } = await secrets.send(
      new CreateSecretCommand({
        Name: `${SOURCE}-dms`,
        SecretString: JSON.stringify({
          username: DATABASE,
          password: 'pipe-spark',
          host: '127.0.0.1',
          port: 3306,
        }),
      }),
    );
    const dms = await clients.dms();
    await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'pipe-instance',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    await until(
      () =>
        dms.send(
          new DescribeReplicationInstancesCommand({
            Filters: [
              { Name: 'replication-instance-id', Values: ['pipe-instance'] },
            ],
          }),
        ),
      r =>
        r.ReplicationInstances?.[0]?.ReplicationInstanceStatus === 'available',
      'the replication instance',
    );

    // The portal's path: the new-ingestion template through the scaffolder API (inspection, CDC
    // preflight, DMS endpoints and task started, Iceberg tables, Glue jobs, the pipeline and its
    // schedule, the catalog entity), then a gold table through the new-gold-table template.
    harness = await startScaffolderTestBackend({
      emulatorUrl: emulator.url,
      region: 'eu-west-1',
      source: {
        id: SOURCE,
        title: 'Sakila on Spark',
        owner: OWNER,
        host: '127.0.0.1',
        port: 3306,
        database: DATABASE,
        user: DATABASE,
        password: 'pipe-spark',
        secretArn: secretArn!,
        secretsManagerAccessRoleArn:
          'arn:aws:iam::000000000000:role/dms-secrets',
        dms: { replicationInstanceIdentifier: 'pipe-instance' },
      },
      landing: {
        bucketName: 'lake-landing',
        bucketFolder: 'landing',
        serviceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-s3',
      },
      databases: 'pipe_.*',
      pipelinesDirectory: fs.mkdtempSync(
        path.join(os.tmpdir(), 'pipe-spark-entities-'),
      ),
    });
    await harness.runTemplate(
      'template:default/new-mysql-ingestion',
      {
        sourceId: SOURCE,
        tables: TABLES,
        format: 'parquet',
        // Executions are started by the tests; the schedule's first run is a month away.
        schedule: '0 3 1 1 *',
        owner: OWNER,
      },
      300_000,
    );
    await until(
      () => harness.entity(`component:default/${SOURCE}-ingestion`),
      e => e !== undefined,
      'the pipeline entity',
    );
    await harness.runTemplate(
      'template:default/new-gold-table',
      {
        sourceId: SOURCE,
        silverTables: ['category', 'film_category'],
        table: 'films_by_category',
        sql: GOLD_SQL,
      },
      300_000,
    );
    // DMS replicates from the template's start step; wait for the full load.
    await until(
      async () =>
        (
          await dms.send(new DescribeReplicationTasksCommand({}))
        ).ReplicationTasks![0],
      t => t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
      'the full load',
    );

    // What the templates passed the pipeline actions, as the pipeline entity records it, for the
    // tests that render its jobs again.
    const pipelineEntity = await until(
      () => harness.entity(`component:default/${SOURCE}-ingestion`),
      e =>
        JSON.parse(
          e?.metadata.annotations?.[INGESTION_ANNOTATION] ?? '{"gold":[]}',
        ).gold.some((g: { table: string }) => g.table === 'films_by_category'),
      'the pipeline entity with the gold table',
    );
    const record = JSON.parse(
      pipelineEntity!.metadata.annotations![INGESTION_ANNOTATION],
    );
    pipelineInput = {
      sourceId: SOURCE,
      inspection: await inspectMysqlSource({
        host: '127.0.0.1',
        port: 3306,
        user: DATABASE,
        password: 'pipe-spark',
        database: DATABASE,
      }),
      tables: record.tables,
      format: record.format,
      silverRenames: record.silverRenames,
      gold: record.gold,
    };
    actionOptions = pipelineActionOptions(harness.config, clients);

    // One execution of the pipeline: every Glue run executes its script on Spark.
    await runExecution();
    await expectLayersEqualMysql();

    // The bronze job run again by itself finds every file applied and changes nothing.
    const again = await runJob(`datalake-${SOURCE}-bronze-category`);
    expect(again.JobRunState).toBe('SUCCEEDED');
    expect(await jobOutput(again.Id!)).toEqual([
      'nothing to apply: 1 file(s) already applied',
    ]);
    pipelineBuilt = true;
  });

  it('applies a batch of hard changes in one execution, and a second execution changes nothing', async () => {
    if (!pipelineBuilt)
      throw new Error('needs the pipeline the first test builds');
    const changed = ['hard_case', 'category', 'film_category', 'language'];
    const before = await cdcFileCounts(changed);
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: DATABASE,
      charset: 'utf8mb4',
    });
    try {
      for (const statement of CHANGES) await conn.query(statement);
    } finally {
      await conn.end();
    }
    // DMS writes each table's changes within its batch interval, from the binary log.
    await until(
      () => cdcFileCounts(changed),
      counts => changed.every(t => counts[t] > before[t]),
      'the CDC files of the change batch',
      180_000,
    );

    await runExecution();
    const afterChanges = await expectLayersEqualMysql();
    // The cases reached bronze as MySQL holds them (expectLayersEqualMysql compared every column).
    expect(afterChanges['pipe_bronze.hard_case'].map(r => r.id).sort()).toEqual(
      ['1', '18446744073709551614', '18446744073709551615'],
    );

    // The same execution again finds nothing new: no row changes, none is duplicated.
    const snapshotsBefore = await bronzeSnapshotCounts();
    await runExecution();
    expect(await expectLayersEqualMysql()).toEqual(afterChanges);
    expect(await bronzeSnapshotCounts()).toEqual(snapshotsBefore);
  });

  it('converges when an execution is stopped in the middle of a job run and run again', async () => {
    if (!pipelineBuilt)
      throw new Error('needs the pipeline the first test builds');
    const before = await cdcFileCounts(['hard_case']);
    await root.query(
      `UPDATE \`${DATABASE}\`.hard_case SET amount = amount + 1, label = 'after the stop' WHERE id = 1`,
    );
    await root.query(
      `INSERT INTO \`${DATABASE}\`.hard_case (id, label) VALUES (42, 'stopped once')`,
    );
    await until(
      () => cdcFileCounts(['hard_case']),
      counts => counts.hard_case > before.hard_case,
      'the CDC file of the change',
      180_000,
    );
    const sfn = await clients.stepFunctions();
    const glue = await clients.glue();
    const startedAt = new Date();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: await stateMachineArn() }),
    );
    const bronzeJob = `datalake-${SOURCE}-bronze-hard_case`;
    const running = await until(
      async () =>
        (
          await glue.send(new GetJobRunsCommand({ JobName: bronzeJob }))
        ).JobRuns!,
      runs =>
        runs.some(
          r => r.JobRunState === 'RUNNING' && r.StartedOn! >= startedAt,
        ),
      'the bronze job run of the execution',
    );
    const stopped = running.find(r => r.JobRunState === 'RUNNING')!;
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(
      (
        await until(
          () => sfn.send(new DescribeExecutionCommand({ executionArn })),
          e => e.status !== 'RUNNING',
          'the stopped execution',
        )
      ).status,
    ).toBe('ABORTED');
    // Stopping the execution stopped the job run it waited for, before the run finished.
    const stoppedRun = await until(
      async () =>
        (
          await glue.send(
            new GetJobRunCommand({ JobName: bronzeJob, RunId: stopped.Id }),
          )
        ).JobRun!,
      r => !['STARTING', 'RUNNING', 'STOPPING'].includes(r.JobRunState!),
      'the stopped job run',
    );
    expect(stoppedRun.JobRunState).toBe('STOPPED');

    await runExecution();
    const layers = await expectLayersEqualMysql();
    expect(
      layers['pipe_silver.hard_case'].find(r => r.id === '42')?.label,
    ).toBe('stopped once');
  });

  it('converges to MySQL when a table DMS missed changes of is reloaded', async () => {
    if (!pipelineBuilt)
      throw new Error('needs the pipeline the first test builds');
    // Changes made with the binary log off never reach DMS: bronze drifts from MySQL until the
    // table is reloaded (what an operator reloads for).
    const behind = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: DATABASE,
      charset: 'utf8mb4',
    });
    try {
      await behind.query('SET SESSION sql_log_bin = 0');
      await behind.query(
        "UPDATE hard_case SET label = 'changed behind DMS' WHERE id = 1",
      );
      await behind.query('DELETE FROM hard_case WHERE id = 42');
      await behind.query(
        "INSERT INTO hard_case (id, label) VALUES (7, 'inserted behind DMS')",
      );
    } finally {
      await behind.end();
    }
    const dms = await clients.dms();
    const task = (await dms.send(new DescribeReplicationTasksCommand({})))
      .ReplicationTasks![0];
    const statistics = async () =>
      (
        await dms.send(
          new DescribeTableStatisticsCommand({
            ReplicationTaskArn: task.ReplicationTaskArn,
            Filters: [{ Name: 'table-name', Values: ['hard_case'] }],
          }),
        )
      ).TableStatistics![0];
    await dms.send(
      new ReloadTablesCommand({
        ReplicationTaskArn: task.ReplicationTaskArn,
        TablesToReload: [{ SchemaName: DATABASE, TableName: 'hard_case' }],
      }),
    );
    await until(
      statistics,
      t => t.FullLoadReloaded === true && t.TableState === 'Table completed',
      'the reload of hard_case',
    );
    // A change after the reload arrives by CDC, after the new full load.
    const before = await cdcFileCounts(['hard_case']);
    await root.query(
      `UPDATE \`${DATABASE}\`.hard_case SET note = 'after the reload' WHERE id = 18446744073709551614`,
    );
    await until(
      () => cdcFileCounts(['hard_case']),
      counts => counts.hard_case > before.hard_case,
      'the CDC file after the reload',
      180_000,
    );

    await runExecution();
    const layers = await expectLayersEqualMysql();
    expect(
      layers['pipe_silver.hard_case'].map(r => [r.id, r.label, r.note]),
    ).toEqual([
      ['1', 'changed behind DMS', null],
      ['7', 'inserted behind DMS', null],
      ['18446744073709551614', null, 'after the reload'],
      ['18446744073709551615', '🚀 Zürich', 're-inserted'],
    ]);
    const glue = await clients.glue();
    const [bronzeRun] = (
      await glue.send(
        new GetJobRunsCommand({
          JobName: `datalake-${SOURCE}-bronze-hard_case`,
        }),
      )
    ).JobRuns!;
    expect((await jobOutput(bronzeRun.Id!)).join('\n')).toMatch(
      /rebuilt \S*hard_case\S* from the reloaded full load \([^)]*LOAD00000001\.parquet\)/,
    );
  });

  it('ends an ADD COLUMN at the source as each schema drift policy says: fail, then ignore, then evolve', async () => {
    if (!pipelineBuilt)
      throw new Error('needs the pipeline the first test builds');
    const glue = await clients.glue();
    const bronzeJob = `datalake-${SOURCE}-bronze-language`;
    const change = async (statements: string[]) => {
      const before = await cdcFileCounts(['language']);
      for (const statement of statements) {
        await root.query(statement);
      }
      await until(
        () => cdcFileCounts(['language']),
        counts => counts.language > before.language,
        'the CDC file of the language change',
        180_000,
      );
    };
    const language = `\`${DATABASE}\`.language`;

    // fail (the pipeline's policy, the default): the language line stops, naming the table, the
    // file, the column and the way out; nothing reaches bronze; the other tables go on.
    await change([
      `ALTER TABLE ${language} ADD COLUMN iso_code VARCHAR(8)`,
      `UPDATE ${language} SET iso_code = 'en', name = 'English (UK)' WHERE language_id = 1`,
    ]);
    const snapshotsBefore = await bronzeSnapshotCounts();
    const layersBefore = await dumpLayers();
    const failed = await finishExecution();
    expect(failed.status).toBe('FAILED');
    const [failedRun] = (
      await glue.send(new GetJobRunsCommand({ JobName: bronzeJob }))
    ).JobRuns!;
    expect(failedRun.JobRunState).toBe('FAILED');
    expect(failedRun.ErrorMessage).toMatch(
      new RegExp(
        `^datalake job failed: pipe_bronze\\.language: landing file ${DATABASE}/language/\\S+\\.parquet has columns the pipeline does not know: iso_code \\(schema drift policy 'fail'\\); nothing was applied\\. .*set the pipeline's schema drift policy to 'evolve'.*'ignore'`,
      ),
    );
    expect((await bronzeSnapshotCounts())['pipe_bronze.language']).toBe(
      snapshotsBefore['pipe_bronze.language'],
    );
    const layersAfterFailure = await dumpLayers();
    const byLanguage = byKey(KEYS.language);
    expect(
      [...layersAfterFailure['pipe_bronze.language']].sort(byLanguage),
    ).toEqual([...layersBefore['pipe_bronze.language']].sort(byLanguage));
    // Every other line of the pipeline ran its jobs.
    for (const table of ['category', 'film_category', 'hard_case']) {
      const [latest] = (
        await glue.send(
          new GetJobRunsCommand({
            JobName: `datalake-${SOURCE}-bronze-${table}`,
          }),
        )
      ).JobRuns!;
      expect({ table, state: latest.JobRunState }).toEqual({
        table,
        state: 'SUCCEEDED',
      });
    }

    // ignore: the jobs rendered again with the policy; the change arrives without the column.
    await run(createGlueJobCreateAction(actionOptions), {
      ...pipelineInput,
      schemaDrift: 'ignore',
    });
    await runExecution();
    const ignored = await expectLayersEqualMysql({ language: ['iso_code'] });
    for (const layer of ['bronze', 'silver']) {
      const english = ignored[`pipe_${layer}.language`].find(
        r => r.language_id === '1',
      )!;
      expect(english.name).toBe('English (UK)');
      expect(Object.keys(english)).not.toContain('iso_code');
    }

    // evolve: bronze and silver gain the columns (a second one added since) and carry their
    // values from the next change on. (The value 'ignore' dropped stays dropped until a change
    // or a reload of the row: language 1 is changed again.) The ALTER TABLE comes first: DMS
    // starts a new file at a DDL, and this batch is one file.
    await run(createGlueJobCreateAction(actionOptions), {
      ...pipelineInput,
      schemaDrift: 'evolve',
    });
    await change([
      `ALTER TABLE ${language} ADD COLUMN speakers INT`,
      `UPDATE ${language} SET iso_code = 'eng' WHERE language_id = 1`,
      `INSERT INTO ${language} (language_id, name, iso_code, speakers) VALUES (8, 'Suomi', 'fi', 5400000)`,
      `UPDATE ${language} SET speakers = 0 WHERE language_id = 7`,
    ]);
    await runExecution();
    const evolved = await expectLayersEqualMysql();
    expect(
      evolved['pipe_silver.language'].find(r => r.language_id === '8'),
    ).toEqual(expect.objectContaining({ iso_code: 'fi', speakers: '5400000' }));
    const [evolvedRun] = (
      await glue.send(new GetJobRunsCommand({ JobName: bronzeJob }))
    ).JobRuns!;
    expect((await jobOutput(evolvedRun.Id!)).join('\n')).toMatch(
      /schema drift: added iso_code string, speakers int to \S*language/,
    );
    // A rerun adds nothing and changes nothing.
    const snapshotsEvolved = await bronzeSnapshotCounts();
    await runExecution();
    expect(await expectLayersEqualMysql()).toEqual(evolved);
    expect(await bronzeSnapshotCounts()).toEqual(snapshotsEvolved);
  });

  // ---- helpers shared by the tests, on the pipeline the first one builds ----

  const config = () =>
    readPipelineConfig(new ConfigReader(pipelineConfigData()))!;

  async function cdcFileCounts(tables: string[]) {
    const s3 = await clients.s3();
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const { Contents = [] } = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'lake-landing',
          // The endpoint's BucketFolder is <landing folder>/<source>; DMS adds <schema>/<table>.
          Prefix: `landing/${SOURCE}/${DATABASE}/${table}/`,
        }),
      );
      const isLoad = (key: string) => /\/LOAD[0-9A-F]{8}\./.test(key);
      if (!Contents.some(o => isLoad(o.Key!))) {
        throw new Error(`no full-load file of ${table} in the landing bucket`);
      }
      counts[table] = Contents.filter(o => !isLoad(o.Key!)).length;
    }
    return counts;
  }

  async function stateMachineArn() {
    const sfn = await clients.stepFunctions();
    return (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === `datalake-${SOURCE}`)!
      .stateMachineArn!;
  }

  /** Starts an execution of the pipeline and waits for its end. */
  async function finishExecution() {
    const sfn = await clients.stepFunctions();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: await stateMachineArn() }),
    );
    return until(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      e => e.status !== 'RUNNING',
      'the pipeline execution',
      600_000,
    );
  }

  /** One execution of the pipeline, which must succeed. */
  async function runExecution() {
    const sfn = await clients.stepFunctions();
    const execution = await finishExecution();
    const { executionArn } = execution;
    if (execution.status !== 'SUCCEEDED') {
      const history = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn }),
      );
      throw new Error(
        `the execution ended ${execution.status}: ${JSON.stringify(
          history.events!.filter(e => /Failed/.test(e.type!)),
        )}`,
      );
    }
  }

  async function runJob(name: string, args: Record<string, string> = {}) {
    const glue = await clients.glue();
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({ JobName: name, Arguments: args }),
    );
    return until(
      async () =>
        (
          await glue.send(
            new GetJobRunCommand({ JobName: name, RunId: JobRunId }),
          )
        ).JobRun!,
      (r: JobRun) =>
        !['STARTING', 'RUNNING', 'STOPPING'].includes(r.JobRunState!),
      `run of ${name}`,
    );
  }

  async function jobOutput(runId: string): Promise<string[]> {
    const logs = new CloudWatchLogsClient({
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws-glue/jobs/output',
        logStreamName: runId,
        startFromHead: true,
      }),
    );
    return events!.map(e => e.message!);
  }

  /** Runs a Glue job (created once) that prints what SCRIPT prints, one JSON line per table. */
  async function runScript(name: string, script: string) {
    const s3 = await clients.s3();
    await s3.send(
      new PutObjectCommand({
        Bucket: 'datalake-scripts',
        Key: `tests/${name}.py`,
        Body: script,
      }),
    );
    const glue = await clients.glue();
    await glue
      .send(
        new CreateJobCommand({
          Name: name,
          Role: config().glue.roleArn,
          GlueVersion: '5.0',
          Command: {
            Name: 'glueetl',
            ScriptLocation: `s3://datalake-scripts/tests/${name}.py`,
          },
          DefaultArguments: {
            '--datalake-formats': 'iceberg',
            '--conf': icebergSparkConf(config()),
          },
        }),
      )
      .catch(e => {
        if (e.name !== 'AlreadyExistsException') throw e;
      });
    const scriptRun = await runJob(name);
    expect({
      state: scriptRun.JobRunState,
      error: scriptRun.ErrorMessage,
    }).toEqual({ state: 'SUCCEEDED', error: undefined });
    return Object.fromEntries(
      (await jobOutput(scriptRun.Id!)).map(line => {
        const { table, value } = JSON.parse(line);
        return [table, value];
      }),
    );
  }

  const LAYER_READS = [
    ...TABLES.flatMap(t => [`pipe_bronze.${t}`, `pipe_silver.${t}`]),
    'pipe_gold.films_by_category',
  ];

  /** Every layer table read back through Spark, as a Glue job of the pipeline's configuration. */
  async function dumpLayers(): Promise<
    Record<string, Record<string, unknown>[]>
  > {
    return runScript(
      'dump-layers',
      `
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for name in ${JSON.stringify(LAYER_READS)}:
    frame = spark.table("glue_catalog." + name)
    columns = [c for c in frame.columns if not c.startswith("_dl_")]
    rows = frame.selectExpr(*["CAST(\`{0}\` AS STRING) AS \`{0}\`".format(c) for c in columns]).collect()
    print(json.dumps({"table": name, "value": [r.asDict() for r in rows]}, ensure_ascii=False))
`,
    );
  }

  /** The number of snapshots of each bronze table. */
  async function bronzeSnapshotCounts(): Promise<Record<string, number>> {
    const names = TABLES.map(t => `pipe_bronze.${t}`);
    return runScript(
      'count-snapshots',
      `
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for name in ${JSON.stringify(names)}:
    count = spark.sql("SELECT COUNT(*) AS n FROM glue_catalog." + name + ".snapshots").collect()[0]["n"]
    print(json.dumps({"table": name, "value": count}))
`,
    );
  }

  /**
   * Bronze and silver equal MySQL, every row and column (Sakila's names are snake case, so silver
   * renames nothing), and gold equals its SQL evaluated directly on MySQL. `leftOut` names, per
   * table, MySQL columns the lake must not have (schema drift policy 'ignore'). Returns the layers,
   * each table's rows in key order.
   */
  async function expectLayersEqualMysql(
    leftOut: Record<string, string[]> = {},
  ) {
    const layers = await dumpLayers();
    for (const table of TABLES) {
      const [mysqlRows] = await root.query(
        `SELECT * FROM \`${DATABASE}\`.\`${table}\``,
      );
      const dropped = leftOut[table] ?? [];
      const expected = text(mysqlRows as Record<string, unknown>[])
        .map(row =>
          Object.fromEntries(
            Object.entries(row).filter(([column]) => !dropped.includes(column)),
          ),
        )
        .sort(byKey(KEYS[table]));
      expect(expected.length).toBeGreaterThan(0);
      for (const layer of ['bronze', 'silver']) {
        expect({
          table: `pipe_${layer}.${table}`,
          rows: text(layers[`pipe_${layer}.${table}`]).sort(byKey(KEYS[table])),
        }).toEqual({ table: `pipe_${layer}.${table}`, rows: expected });
      }
    }
    const [goldOnMysql] = await root.query(GOLD_SQL_ON_MYSQL);
    expect(
      text(layers['pipe_gold.films_by_category']).sort(
        byKey(KEYS.films_by_category),
      ),
    ).toEqual(text(goldOnMysql as Record<string, unknown>[]));
    // In key order, so that two reads compare whatever order Spark returned the rows in.
    return Object.fromEntries(
      Object.entries(layers).map(([name, rows]) => {
        const table = name.split('.')[1];
        return [name, [...rows].sort(byKey(KEYS[table]))];
      }),
    );
  }
});
