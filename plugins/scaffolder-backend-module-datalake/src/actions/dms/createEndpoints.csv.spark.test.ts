/*
 * The CSV landing format from the form to bronze: the endpoint our action creates with format `csv`,
 * the emulator's DMS running a full load and CDC from the CDC-ready MariaDB into it, and the bronze
 * Glue job our actions create, run on Spark with Iceberg over those files. Bronze equals the DuckDB
 * replay of the same files row for row, and MySQL, including NULLs, empty strings, the word NULL,
 * embedded delimiters, quotes and line breaks, and non-ASCII text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateReplicationInstanceCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateJobCommand,
  GetJobRunCommand,
  JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConfigReader } from '@backstage/config';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import {
  DatalakeAwsClientFactory,
  DuckDbBronzeReplay,
  inspectMysqlSource,
  listLandingFiles,
  MysqlSourceConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import mysql from 'mysql2/promise';
import { createDmsEndpointCreateAction } from './createEndpoints';
import { createDmsTaskCreateAction } from './createTask';
import { createDmsTaskStartAction } from './startTask';
import { pipelineActionOptions } from '../glue/actionSupport';
import { createGlueJobCreateAction } from '../glue/createGlueJobs';
import { createIcebergTableCreateAction } from '../glue/createIcebergTables';
import { icebergSparkConf } from '../glue/pipelineJobs';
import { readPipelineConfig } from '../glue/pipelineConfig';
import { resolvePipeline } from '../glue/pipelineSpecs';
import {
  actionContext,
  pipelineConfigData,
} from '../glue/__testUtils__/pipelineTestContext';

jest.setTimeout(900_000);

const DATABASE = `csv_spark_${process.pid}`;
const SOURCE = 'csvsrc';
const TABLE = 'notes';

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

/** Values as text, nulls kept, so that Spark's, DuckDB's and MySQL's rows compare. */
const asText = (rows: Record<string, unknown>[]) =>
  rows.map(r =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
  );

describe('CSV landing, from the endpoint action through the emulator DMS to the bronze job on Spark', () => {
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
      charset: 'utf8mb4',
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await root.query(
      `CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await root.query(
      `CREATE TABLE \`${DATABASE}\`.${TABLE} (id INT NOT NULL PRIMARY KEY, title VARCHAR(100),
        body TEXT, amount DECIMAL(10,2), seen DATETIME(3), flag TINYINT(1))`,
    );
    await root.query(
      `INSERT INTO \`${DATABASE}\`.${TABLE} VALUES
        (1, 'plain', 'a,b,c', 1.50, '2024-01-02 03:04:05.678', 1),
        (2, 'comma, "quoted"', 'two\nlines, "and" more', NULL, NULL, 0),
        (3, '', '', -0.01, '1999-12-31 23:59:59.000', NULL),
        (4, 'Größe 日本語 ✓', 'ünïcödé, "ß"', 12345678.90, '2024-02-29 00:00:00.001', 1),
        (5, NULL, NULL, 0.00, '2024-01-01 00:00:00.000', 0),
        (6, 'NULL', 'null', 2.00, '2024-01-01 00:00:00.500', 1)`,
    );
    await root.query(
      `CREATE OR REPLACE USER '${DATABASE}'@'%' IDENTIFIED BY 'csv-spark'`,
    );
    await root.query(`GRANT SELECT ON \`${DATABASE}\`.* TO '${DATABASE}'@'%'`);
    await root.query(
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${DATABASE}'@'%'`,
    );
    // DMS writes a CDC file every CdcMaxBatchInterval (60 s); the emulator's clock runs 60 times
    // faster so the CDC file lands within a second.
    emulator = await startEmulator({
      port: 0,
      stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'csv-spark-')),
      clockSpeed: 60,
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

  it('lands CSV as the form asked and the bronze job reads it equal to the DuckDB replay and to MySQL', async () => {
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
          password: 'csv-spark',
          host: '127.0.0.1',
          port: 3306,
        }),
      }),
    );
    const dms = await clients.dms();
    const instance = await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'csv-instance',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    const source: MysqlSourceConfig = {
      id: SOURCE,
      title: 'CSV landing on Spark',
      owner: 'group:default/data-engineering',
      host: '127.0.0.1',
      port: 3306,
      database: DATABASE,
      user: DATABASE,
      password: 'csv-spark',
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

    // The form's format reaches the endpoint; the task loads the table and then follows the binlog.
    await run(createDmsEndpointCreateAction(dmsOptions), {
      sourceId: SOURCE,
      format: 'csv',
    });
    await run(createDmsTaskCreateAction(dmsOptions), {
      sourceId: SOURCE,
      taskName: 'csv',
      tables: [TABLE],
    });
    await run(createDmsTaskStartAction(dmsOptions), {
      sourceId: SOURCE,
      taskName: 'csv',
    });
    const task = await until(
      async () =>
        (
          await dms.send(new DescribeReplicationTasksCommand({}))
        ).ReplicationTasks![0],
      t => t.ReplicationTaskStats?.FullLoadProgressPercent === 100,
      'the full load',
    );

    // Changes after the load: updates to and from the empty string and NULL, a delete, an insert
    // with every kind of character the CSV must carry.
    await root.query(
      `UPDATE \`${DATABASE}\`.${TABLE} SET title = 'after, "update"' WHERE id = 1`,
    );
    await root.query(`DELETE FROM \`${DATABASE}\`.${TABLE} WHERE id = 2`);
    await root.query(
      `UPDATE \`${DATABASE}\`.${TABLE} SET title = NULL, body = 'was empty' WHERE id = 3`,
    );
    await root.query(
      `UPDATE \`${DATABASE}\`.${TABLE} SET title = '', amount = NULL WHERE id = 5`,
    );
    await root.query(
      `INSERT INTO \`${DATABASE}\`.${TABLE} VALUES (7, 'new "row", ✓', 'line one\r\nline two', -99999999.99, '2024-03-01 12:00:00.250', 0)`,
    );
    await until(
      async () =>
        (
          await dms.send(
            new DescribeTableStatisticsCommand({
              ReplicationTaskArn: task.ReplicationTaskArn,
            }),
          )
        ).TableStatistics?.[0],
      t => (t?.Inserts ?? 0) + (t?.Updates ?? 0) + (t?.Deletes ?? 0) === 5,
      'the CDC file',
    );

    // The landing files as DMS wrote them: header-less CSV, a full-load file and a CDC file.
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'lake-landing' }),
    );
    const keys = listed.Contents!.map(o => o.Key!).sort();
    const folder = `landing/${SOURCE}/${DATABASE}/${TABLE}/`;
    expect(keys).toEqual([
      expect.stringMatching(
        new RegExp(`^${folder}\\d{4}/\\d{2}/\\d{2}/\\d{8}-\\d{9}\\.csv$`),
      ),
      `${folder}LOAD00000001.csv`,
    ]);
    const local = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-landing-'));
    for (const key of keys) {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: 'lake-landing', Key: key }),
      );
      const file = path.join(
        local,
        ...key.slice(`landing/${SOURCE}/`.length).split('/'),
      );
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        Buffer.from(await object.Body!.transformToByteArray()),
      );
    }
    const load = fs.readFileSync(
      path.join(local, DATABASE, TABLE, 'LOAD00000001.csv'),
      'utf8',
    );
    // No header, no Op in the full load; NULL as an empty field, the empty string quoted.
    expect(load.split('\n')[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6},1,plain,"a,b,c",1\.50,2024-01-02 03:04:05\.678000,1,$/,
    );
    expect(load).toContain(',3,"","",-0.01,');

    // The lake, from a real inspection of the source, for the CSV format.
    const inspection = await inspectMysqlSource({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: DATABASE,
    });
    const config = pipelineConfigData();
    const options = pipelineActionOptions(new ConfigReader(config), clients);
    const input = {
      sourceId: SOURCE,
      owner: 'group:default/data-engineering',
      inspection,
      tables: [TABLE],
      format: 'csv',
    };
    await run(createIcebergTableCreateAction(options), input);
    await run(createGlueJobCreateAction(options), input);

    const pipelineConfig = readPipelineConfig(new ConfigReader(config))!;
    const glue = await clients.glue();
    const logs = new CloudWatchLogsClient({
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const runJob = async (name: string) => {
      const { JobRunId } = await glue.send(
        new StartJobRunCommand({ JobName: name }),
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
    const bronzeRun = await runJob(`datalake-${SOURCE}-bronze-${TABLE}`);
    expect({
      state: bronzeRun.JobRunState,
      error: bronzeRun.ErrorMessage,
    }).toEqual({ state: 'SUCCEEDED', error: undefined });

    const resolved = resolvePipeline(input as any, pipelineConfig);
    const spec = resolved.specs[0];
    const bronzeName = `${spec.bronze.database}.${spec.bronze.table}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: 'datalake-scripts',
        Key: 'tests/dump-bronze.py',
        Body: `
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
frame = spark.table("glue_catalog.${bronzeName}")
columns = [c for c in frame.columns if not c.startswith("_dl_")]
rows = frame.orderBy("id").selectExpr(*["CAST(\`{0}\` AS STRING) AS \`{0}\`".format(c) for c in columns]).collect()
print(json.dumps([r.asDict() for r in rows]))
`,
      }),
    );
    await glue.send(
      new CreateJobCommand({
        Name: 'dump-bronze',
        Role: pipelineConfig.glue.roleArn,
        GlueVersion: '5.0',
        Command: {
          Name: 'glueetl',
          ScriptLocation: 's3://datalake-scripts/tests/dump-bronze.py',
        },
        DefaultArguments: {
          '--datalake-formats': 'iceberg',
          '--conf': icebergSparkConf(pipelineConfig),
        },
      }),
    );
    const dump = await runJob('dump-bronze');
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
    const sparkRows = JSON.parse(events![0].message!);

    // The DuckDB replay of the same files, with the spec the Glue job was rendered from.
    const replayed = await DuckDbBronzeReplay.replayInMemory(
      { ...spec, source: { ...spec.source, landingPath: local } },
      await listLandingFiles(local, DATABASE, TABLE, 'csv'),
    );
    const [mysqlRows] = await root.query(
      `SELECT id, title, body, amount, DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s.%f') AS seen, flag FROM \`${DATABASE}\`.${TABLE} ORDER BY id`,
    );
    // Spark prints timestamps without trailing zeros of the fraction, DuckDB and MySQL with them.
    const seen = (rows: Record<string, unknown>[]) =>
      asText(rows).map(r => ({
        ...r,
        seen: r.seen?.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') ?? null,
      }));
    expect(seen(replayed)).toEqual(seen(sparkRows));
    expect(seen(sparkRows)).toEqual(
      seen(mysqlRows as Record<string, unknown>[]),
    );
    expect(sparkRows.map((r: { id: string }) => r.id)).toEqual([
      '1',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
  });
});
