import {
  CreateReplicationInstanceCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import { startEmulator, RunningEmulator } from '@datalake-portal/aws-local';
import {
  DatalakeAwsClientFactory,
  MysqlSourceConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { actionContext } from './__testUtils__/dmsTestContext';
import { createDmsEndpointCreateAction } from './createEndpoints';
import { createDmsTaskCreateAction } from './createTask';
import { createDmsTaskStartAction } from './startTask';
import { DmsActionOptions } from './dmsActionContext';

const database = `dms_actions_it_${process.pid}`;

/** Runs an action's handler and returns what it wrote with ctx.output. */
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

describe('DMS actions against the local AWS emulator and MariaDB', () => {
  let emulator: RunningEmulator;
  let stateDir: string;
  let dms: DatabaseMigrationServiceClient;
  let options: DmsActionOptions;
  let root: mysql.Connection;

  beforeAll(async () => {
    root = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      multipleStatements: true,
    });
    await root.query(`CREATE DATABASE \`${database}\`;
      CREATE TABLE \`${database}\`.rental (rental_id INT PRIMARY KEY, rental_date DATETIME NOT NULL);
      CREATE TABLE \`${database}\`.payment (payment_id INT PRIMARY KEY, amount DECIMAL(5,2));
      CREATE TABLE \`${database}\`.film_text (film_id INT NOT NULL, title VARCHAR(255), UNIQUE KEY uk_film (film_id));
      CREATE TABLE \`${database}\`.staff_notes (note TEXT);`);

    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dms-actions-'));
    // Clock speed 1: the task is `creating` for real seconds, so the start action must wait for it.
    emulator = await startEmulator({ port: 0, stateDir, clockSpeed: 1 });
    const factory = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        datalake: { aws: { region: 'us-east-1', endpoint: emulator.url } },
      }),
    );
    dms = await factory.dms();
    await (
      await factory.s3()
    ).send(new CreateBucketCommand({ Bucket: 'lake-landing' }));
    const instance = await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'dl-instance',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    const source: MysqlSourceConfig = {
      id: 'shop',
      title: 'Shop',
      owner: 'group:default/data-engineering',
      host: '127.0.0.1',
      port: 3306,
      database,
      user: 'root',
      // The workplace's MariaDB root has no password.
      password: '',
      secretArn:
        'arn:aws:secretsmanager:us-east-1:000000000000:secret:shop-dms',
      secretsManagerAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-secrets',
      connectTimeoutMs: 2000,
      dms: {
        mode: 'replication-instance',
        replicationInstanceArn:
          instance.ReplicationInstance!.ReplicationInstanceArn!,
      },
    };
    options = {
      sources: [source],
      landing: {
        bucketName: 'lake-landing',
        bucketFolder: 'landing',
        serviceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-s3',
      },
      dmsClient: () => factory.dms(),
    };
  });

  afterAll(async () => {
    await root?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root?.end();
    await emulator?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('creates endpoints and a task for exactly the chosen tables, converges on re-runs, and refuses a conflicting spec', async () => {
    const endpoints = createDmsEndpointCreateAction(options);
    const first = await run(endpoints, { sourceId: 'shop' });
    const second = await run(endpoints, { sourceId: 'shop' });
    expect(second).toEqual(first);
    const described = await dms.send(new DescribeEndpointsCommand({}));
    expect(
      described
        .Endpoints!.map(e => [e.EndpointIdentifier, e.EngineName])
        .sort(),
    ).toEqual([
      ['dl-shop-landing', 's3'],
      ['dl-shop-mysql', 'mysql'],
    ]);
    const landing = described.Endpoints!.find(e => e.EngineName === 's3')!;
    expect(landing.S3Settings).toMatchObject({
      BucketName: 'lake-landing',
      DataFormat: 'parquet',
    });

    const task = createDmsTaskCreateAction(options);
    const input = {
      sourceId: 'shop',
      taskName: 'orders',
      tables: ['rental', 'payment', 'film_text'],
    };
    const created = await run(task, input);
    const again = await run(task, input);
    expect(again.taskArn).toBe(created.taskArn);
    const tasks = await dms.send(new DescribeReplicationTasksCommand({}));
    expect(tasks.ReplicationTasks).toHaveLength(1);
    const mappings = JSON.parse(tasks.ReplicationTasks![0].TableMappings!);
    const selected = mappings.rules
      .filter((r: any) => r['rule-type'] === 'selection')
      .map((r: any) => [
        r['object-locator']['schema-name'],
        r['object-locator']['table-name'],
        r['rule-action'],
      ])
      .sort();
    expect(selected).toEqual([
      [database, 'film_text', 'include'],
      [database, 'payment', 'include'],
      [database, 'rental', 'include'],
    ]);
    // The table keyed by a unique key only gets it as its primary key for DMS.
    expect(
      mappings.rules.some(
        (r: any) =>
          r['rule-action'] === 'define-primary-key' &&
          r['object-locator']['table-name'] === 'film_text',
      ),
    ).toBe(true);

    await expect(run(task, { ...input, tables: ['rental'] })).rejects.toThrow(
      /dl-shop-orders.*(differ|different|conflict)/i,
    );
    expect(
      (await dms.send(new DescribeReplicationTasksCommand({})))
        .ReplicationTasks,
    ).toHaveLength(1);

    const started = await run(createDmsTaskStartAction(options), {
      sourceId: 'shop',
      taskName: 'orders',
    });
    expect(['starting', 'running']).toContain(started.status);
  }, 60_000);
});
