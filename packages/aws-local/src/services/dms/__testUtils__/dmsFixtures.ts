/*
 * Test helpers for the DMS data plane: the CDC-ready MariaDB on 127.0.0.1:3306, the Sakila fixture
 * loaded into a database of the test's own, DMS resources created through the real SDK client,
 * and landing files read back with DuckDB.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  waitUntilReplicationInstanceAvailable,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../../core/emulator';
import { clientConfig, waitFor } from '../../../testing/testEmulator';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };

const SAKILA_DIR = path.resolve(
  __dirname,
  '../../../../../../../shared/fixtures/mysql/sakila',
);

export function rootConnection() {
  return mysql.createConnection({ ...MARIADB, multipleStatements: true });
}

function runSqlScript(sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'mariadb',
      [`-h${MARIADB.host}`, `-P${MARIADB.port}`, `-u${MARIADB.user}`],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`mariadb exited ${code}: ${stderr}`)),
    );
    child.stdin.end(sql);
  });
}

/**
 * Loads Sakila into `database`. The schema file holds DELIMITER blocks (triggers), which only the
 * mariadb client understands; MySQL 5.7 version comments (`address.location` GEOMETRY) are
 * unwrapped so the schema is the one MySQL gets.
 */
export async function loadSakila(database: string) {
  const retarget = (sql: string) =>
    sql
      // The fixture's own first statement would drop the demo's `sakila` database.
      .replace(/^DROP SCHEMA IF EXISTS sakila;/m, '')
      .replace(/^CREATE SCHEMA sakila;/m, `CREATE DATABASE \`${database}\`;`)
      .replace(/^USE sakila;/gm, `USE \`${database}\`;`)
      .replace(/\bsakila\./g, `\`${database}\`.`)
      .replace(/\/\*!50705 ([\s\S]*?)\*\//g, '$1');
  for (const file of ['sakila-schema.sql', 'sakila-data.sql']) {
    await runSqlScript(
      retarget(fs.readFileSync(path.join(SAKILA_DIR, file), 'utf8')),
    );
  }
}

export interface DmsSetup {
  dms: DatabaseMigrationServiceClient;
  s3: S3Client;
  instanceArn: string;
  sourceArn: string;
}

/** An available replication instance, a MySQL source endpoint and a bucket. */
export async function dmsSetup(
  running: RunningEmulator,
  bucket: string,
): Promise<DmsSetup> {
  const dms = new DatabaseMigrationServiceClient(clientConfig(running));
  const s3 = new S3Client(clientConfig(running));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const instance = await dms.send(
    new CreateReplicationInstanceCommand({
      ReplicationInstanceIdentifier: 'rep',
      ReplicationInstanceClass: 'dms.t3.medium',
    }),
  );
  // The instance is `creating` for a while, as on AWS: wait for it as a client must.
  await waitUntilReplicationInstanceAvailable(
    { client: dms, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    {
      Filters: [
        {
          Name: 'replication-instance-arn',
          Values: [instance.ReplicationInstance!.ReplicationInstanceArn!],
        },
      ],
    },
  );
  const source = await dms.send(
    new CreateEndpointCommand({
      EndpointIdentifier: 'mariadb',
      EndpointType: 'source',
      EngineName: 'mariadb',
      ServerName: MARIADB.host,
      Port: MARIADB.port,
      Username: MARIADB.user,
      Password: '',
    }),
  );
  return {
    dms,
    s3,
    instanceArn: instance.ReplicationInstance!.ReplicationInstanceArn!,
    sourceArn: source.Endpoint!.EndpointArn!,
  };
}

let targets = 0;

/** Creates an S3 target endpoint and a task over it, and waits until the task is ready. */
export async function createTask(
  setup: DmsSetup,
  options: {
    s3Settings: Record<string, unknown>;
    tableMappings: unknown;
    migrationType?: 'full-load' | 'cdc' | 'full-load-and-cdc';
    taskSettings?: unknown;
    cdcStartPosition?: string;
    cdcStartTime?: Date;
  },
) {
  targets += 1;
  const target = await setup.dms.send(
    new CreateEndpointCommand({
      EndpointIdentifier: `landing-${targets}`,
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: {
        ServiceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms',
        ...options.s3Settings,
      } as any,
    }),
  );
  const created = await setup.dms.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: `task-${targets}`,
      SourceEndpointArn: setup.sourceArn,
      TargetEndpointArn: target.Endpoint!.EndpointArn!,
      ReplicationInstanceArn: setup.instanceArn,
      MigrationType: options.migrationType ?? 'full-load-and-cdc',
      TableMappings: JSON.stringify(options.tableMappings),
      ReplicationTaskSettings: options.taskSettings
        ? JSON.stringify(options.taskSettings)
        : undefined,
      CdcStartPosition: options.cdcStartPosition,
      CdcStartTime: options.cdcStartTime,
    }),
  );
  const arn = created.ReplicationTask!.ReplicationTaskArn!;
  await waitForTask(setup, arn, t => t.Status === 'ready');
  return arn;
}

export async function describeTask(
  setup: DmsSetup,
  arn: string,
): Promise<ReplicationTask> {
  const { ReplicationTasks } = await setup.dms.send(
    new DescribeReplicationTasksCommand({
      Filters: [{ Name: 'replication-task-arn', Values: [arn] }],
    }),
  );
  return ReplicationTasks![0];
}

export function waitForTask(
  setup: DmsSetup,
  arn: string,
  done: (task: ReplicationTask) => boolean,
  timeoutMs = 60_000,
) {
  return waitFor(
    () => describeTask(setup, arn),
    task => {
      if (task.Status === 'failed' && !done(task)) {
        throw new Error(`Task failed: ${task.LastFailureMessage}`);
      }
      return done(task);
    },
    timeoutMs,
  );
}

export async function startTask(
  setup: DmsSetup,
  arn: string,
  type:
    | 'start-replication'
    | 'resume-processing'
    | 'reload-target' = 'start-replication',
) {
  await setup.dms.send(
    new StartReplicationTaskCommand({
      ReplicationTaskArn: arn,
      StartReplicationTaskType: type,
    }),
  );
}

export async function stopTask(setup: DmsSetup, arn: string) {
  await setup.dms.send(
    new StopReplicationTaskCommand({ ReplicationTaskArn: arn }),
  );
  return waitForTask(setup, arn, t => t.Status === 'stopped');
}

export async function tableStatistics(setup: DmsSetup, arn: string) {
  const { TableStatistics } = await setup.dms.send(
    new DescribeTableStatisticsCommand({
      ReplicationTaskArn: arn,
      MaxRecords: 500,
    }),
  );
  return TableStatistics!;
}

export async function listKeys(setup: DmsSetup, bucket: string, prefix = '') {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await setup.s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map(o => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/**
 * Downloads objects through GetObject into a temporary folder (keeping their keys), so that
 * DuckDB reads exactly what a client of S3 gets.
 */
export async function download(
  setup: DmsSetup,
  bucket: string,
  keys: string[],
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dms-landing-'));
  for (const key of keys) {
    const object = await setup.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
    );
    const file = path.join(dir, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      Buffer.from(await object.Body!.transformToByteArray()),
    );
  }
  return dir;
}

/** Runs one DuckDB query and returns its rows as JSON-friendly objects. */
export async function duckdb(sql: string): Promise<Record<string, any>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(sql);
    return result.getRowObjectsJson() as Record<string, any>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Reads landing objects with DuckDB after downloading them through GetObject: `query` gets the
 * local path glob of the downloaded files (`{files}`), e.g. `SELECT * FROM read_parquet({files})`.
 */
export async function readLanding(
  setup: DmsSetup,
  bucket: string,
  keys: string[],
  query: (files: string) => string,
) {
  const dir = await download(setup, bucket, keys);
  try {
    const files = `[${keys.map(k => sqlString(path.join(dir, k))).join(', ')}]`;
    return await duckdb(query(files));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
