/*
 * The whole data path on this machine, through the product's own actions: Sakila in the CDC-ready
 * MariaDB → the emulator's DMS (full load into the landing bucket, from credentials in its Secrets
 * Manager) → the Iceberg tables, Glue jobs and Step Functions pipeline our actions create → one
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
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateJobCommand,
  GetJobRunCommand,
  JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ConfigReader } from '@backstage/config';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import {
  DatalakeAwsClientFactory,
  inspectMysqlSource,
  MysqlSourceConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import mysql from 'mysql2/promise';
import { createDmsEndpointCreateAction } from './dms/createEndpoints';
import { createDmsTaskCreateAction } from './dms/createTask';
import { createDmsTaskStartAction } from './dms/startTask';
import { pipelineActionOptions } from './glue/actionSupport';
import { createGlueJobCreateAction } from './glue/createGlueJobs';
import { createIcebergTableCreateAction } from './glue/createIcebergTables';
import { icebergSparkConf } from './glue/pipelineJobs';
import { readPipelineConfig } from './glue/pipelineConfig';
import {
  actionContext,
  pipelineConfigData,
} from './glue/__testUtils__/pipelineTestContext';
import { createSfnPipelineCreateAction } from './sfn/createPipeline';

jest.setTimeout(900_000);

const REPO = path.resolve(__dirname, '../../../..');
const SAKILA = path.resolve(REPO, '../shared/fixtures/mysql/sakila');
const DATABASE = `pipe_spark_${process.pid}`;
const SOURCE = 'pipe';
const TABLES = ['category', 'film_category', 'language'];
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

describe('the pipeline our actions create, on Spark with Iceberg against the emulator', () => {
  let emulator: RunningEmulator;
  let clients: DatalakeAwsClientFactory;
  let root: mysql.Connection;

  beforeAll(async () => {
    root = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await loadSakila();
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
    await emulator?.close();
    await root?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await root?.query(`DROP USER IF EXISTS '${DATABASE}'@'%'`);
    await root?.end();
  });

  it('moves three Sakila tables from MySQL to gold in one Step Functions execution, and a rerun through StartJobRun applies nothing', async () => {
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
    const instance = await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'pipe-instance',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    const source: MysqlSourceConfig = {
      id: SOURCE,
      title: 'Sakila on Spark',
      owner: 'group:default/data-engineering',
      host: '127.0.0.1',
      port: 3306,
      database: DATABASE,
      user: DATABASE,
      password: 'pipe-spark',
      secretArn,
      secretsManagerAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-secrets',
      connectTimeoutMs: 2000,
      dms: {
        mode: 'replication-instance',
        replicationInstanceArn:
          instance.ReplicationInstance!.ReplicationInstanceArn!,
      },
    };
    const dmsOptions = {
      sources: [source],
      landing: {
        bucketName: 'lake-landing',
        bucketFolder: 'landing',
        serviceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-s3',
      },
      dmsClient: () => clients.dms(),
    };

    // DMS: endpoints, a task for the three tables, started; wait for the full load.
    await run(createDmsEndpointCreateAction(dmsOptions), { sourceId: SOURCE });
    await run(createDmsTaskCreateAction(dmsOptions), {
      sourceId: SOURCE,
      taskName: 'sakila',
      tables: TABLES,
    });
    await run(createDmsTaskStartAction(dmsOptions), {
      sourceId: SOURCE,
      taskName: 'sakila',
    });
    await until(
      async () =>
        (
          await dms.send(new DescribeReplicationTasksCommand({}))
        ).ReplicationTasks![0],
      t => t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
      'the full load',
    );

    // The lake: tables, jobs and the pipeline, from a real inspection of the source.
    const inspection = await inspectMysqlSource({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: DATABASE,
    });
    const options = pipelineActionOptions(
      new ConfigReader(pipelineConfigData()),
      clients,
    );
    const input = {
      sourceId: SOURCE,
      owner: 'group:default/data-engineering',
      inspection,
      tables: TABLES,
      gold: [
        {
          table: 'films_by_category',
          upstream: ['category', 'film_category'],
          sql: GOLD_SQL,
          columns: [
            { name: 'category_id', type: 'int' },
            { name: 'name', type: 'string' },
            { name: 'films', type: 'bigint' },
          ],
        },
      ],
      schedule: 'rate(1 hour)',
    };
    await run(createIcebergTableCreateAction(options), input);
    await run(createGlueJobCreateAction(options), input);
    await run(createSfnPipelineCreateAction(options), input);

    // One execution of the pipeline: every Glue run executes its script on Spark.
    const sfn = await clients.stepFunctions();
    const { stateMachineArn } = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === `datalake-${SOURCE}`)!;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn }),
    );
    const execution = await until(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      e => e.status !== 'RUNNING',
      'the pipeline execution',
      600_000,
    );
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

    // Read the layers back through Spark, as a Glue job of the same configuration.
    const config = readPipelineConfig(new ConfigReader(pipelineConfigData()))!;
    const glue = await clients.glue();
    const logs = new CloudWatchLogsClient({
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const runJob = async (name: string, args: Record<string, string> = {}) => {
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
    };
    const reads = [
      ...TABLES.flatMap(t => [`pipe_bronze.${t}`, `pipe_silver.${t}`]),
      'pipe_gold.films_by_category',
    ];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'datalake-scripts',
        Key: 'tests/dump.py',
        Body: `
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for name in ${JSON.stringify(reads)}:
    frame = spark.table("glue_catalog." + name)
    columns = [c for c in frame.columns if not c.startswith("_dl_")]
    rows = frame.selectExpr(*["CAST(\`{0}\` AS STRING) AS \`{0}\`".format(c) for c in columns]).collect()
    print(json.dumps({"table": name, "rows": [r.asDict() for r in rows]}))
`,
      }),
    );
    await glue.send(
      new CreateJobCommand({
        Name: 'dump-layers',
        Role: config.glue.roleArn,
        GlueVersion: '5.0',
        Command: {
          Name: 'glueetl',
          ScriptLocation: 's3://datalake-scripts/tests/dump.py',
        },
        DefaultArguments: {
          '--datalake-formats': 'iceberg',
          '--conf': icebergSparkConf(config),
        },
      }),
    );
    const dump = await runJob('dump-layers');
    expect({ state: dump.JobRunState, error: dump.ErrorMessage }).toEqual({
      state: 'SUCCEEDED',
      error: undefined,
    });
    const { events } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws-glue/jobs/output',
        logStreamName: dump.Id,
        startFromHead: true,
      }),
    );
    const layers = Object.fromEntries(
      events!.map(e => {
        const { table, rows } = JSON.parse(e.message!);
        return [table, rows as Record<string, unknown>[]];
      }),
    );
    const byKey =
      (keys: string[]) =>
      (a: Record<string, unknown>, b: Record<string, unknown>) => {
        for (const k of keys) {
          const d = Number(a[k]) - Number(b[k]);
          if (d !== 0) return d;
        }
        return 0;
      };
    const keys: Record<string, string[]> = {
      category: ['category_id'],
      film_category: ['film_id', 'category_id'],
      language: ['language_id'],
    };
    for (const table of TABLES) {
      const [mysqlRows] = await root.query(
        `SELECT * FROM \`${DATABASE}\`.\`${table}\``,
      );
      const expected = text(mysqlRows as Record<string, unknown>[]).sort(
        byKey(keys[table]),
      );
      expect(expected.length).toBeGreaterThan(0);
      // Bronze equals MySQL, every row and column; silver too (Sakila's names are snake case).
      expect(
        text(layers[`pipe_bronze.${table}`]).sort(byKey(keys[table])),
      ).toEqual(expected);
      expect(
        text(layers[`pipe_silver.${table}`]).sort(byKey(keys[table])),
      ).toEqual(expected);
    }
    const [goldOnMysql] = await root.query(GOLD_SQL_ON_MYSQL);
    expect(
      text(layers['pipe_gold.films_by_category']).sort(byKey(['category_id'])),
    ).toEqual(text(goldOnMysql as Record<string, unknown>[]));

    // The bronze job run again by itself finds every file applied and changes nothing.
    const again = await runJob(`datalake-${SOURCE}-bronze-category`);
    expect(again.JobRunState).toBe('SUCCEEDED');
    const { events: output } = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws-glue/jobs/output',
        logStreamName: again.Id,
        startFromHead: true,
      }),
    );
    expect(output!.map(e => e.message)).toEqual([
      'nothing to apply: 1 file(s) already applied',
    ]);
  });
});
