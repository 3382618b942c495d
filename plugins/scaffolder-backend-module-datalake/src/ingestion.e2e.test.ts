/*
 * The "new MySQL ingestion" template end to end through the scaffolder's HTTP API: the real
 * scaffolder and catalog backends with the data lake modules, the local AWS emulator and the
 * MariaDB on 127.0.0.1:3306 holding a Sakila copy of its own.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateReplicationInstanceCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  GetJobsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { Entity } from '@backstage/catalog-model';
import mysql from 'mysql2/promise';
import {
  REFRESH_TASK,
  startScaffolderTestBackend,
  until,
} from './__testUtils__/scaffolderTestBackend';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SAKILA_SCHEMA = path.resolve(
  REPO_ROOT,
  '../shared/fixtures/mysql/sakila/sakila-schema.sql',
);
const DATABASE = `ingest_e2e_${process.pid}`;
const SOURCE = 'ingest-e2e';
const OWNER = 'group:default/data-engineering';
const CHOSEN = ['actor', 'film', 'payment'];

/** Loads the Sakila schema into DATABASE with the `mariadb` client (it knows DELIMITER blocks). */
async function loadSakilaSchema() {
  const sql = fs
    .readFileSync(SAKILA_SCHEMA, 'utf8')
    .replace(/^DROP SCHEMA IF EXISTS sakila;/m, '')
    .replace(/^CREATE SCHEMA sakila;/m, `CREATE DATABASE \`${DATABASE}\`;`)
    .replace(/^USE sakila;/gm, `USE \`${DATABASE}\`;`)
    .replace(/\bsakila\./g, `\`${DATABASE}\`.`)
    .replace(/\/\*!50705 ([\s\S]*?)\*\//g, '$1');
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

// Two ingestion runs, a refused run and a gold table through the real task engine.
jest.setTimeout(180_000);

describe('new-mysql-ingestion through the scaffolder API', () => {
  let emulator: RunningEmulator;
  let stateDir: string;
  let pipelinesDir: string;
  let glue: GlueClient;
  let dms: DatabaseMigrationServiceClient;
  let sfn: SFNClient;
  let eventBridgeScheduler: SchedulerClient;

  beforeAll(async () => {
    const root = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await loadSakilaSchema();
    // The source's own user, with what DMS needs (config does not take an empty password).
    await root.query(
      `CREATE OR REPLACE USER '${DATABASE}'@'%' IDENTIFIED BY 'e2e'`,
    );
    await root.query(`GRANT SELECT ON \`${DATABASE}\`.* TO '${DATABASE}'@'%'`);
    await root.query(
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${DATABASE}'@'%'`,
    );
    await root.end();

    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-e2e-'));
    pipelinesDir = path.join(stateDir, 'pipelines');
    emulator = await startEmulator({
      port: 0,
      stateDir: path.join(stateDir, 'aws'),
      clockSpeed: 1000,
    });
    const clientConfig = {
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    glue = new GlueClient(clientConfig);
    dms = new DatabaseMigrationServiceClient(clientConfig);
    sfn = new SFNClient(clientConfig);
    eventBridgeScheduler = new SchedulerClient(clientConfig);
    // What `yarn aws-local seed` gives a portal: the buckets and a replication instance.
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    for (const bucket of ['landing', 'bronze', 'silver', 'gold', 'scripts']) {
      await s3.send(new CreateBucketCommand({ Bucket: `datalake-${bucket}` }));
    }
    await dms.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'datalake-demo',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    await until(
      () =>
        dms.send(
          new DescribeReplicationInstancesCommand({
            Filters: [
              { Name: 'replication-instance-id', Values: ['datalake-demo'] },
            ],
          }),
        ),
      r =>
        r.ReplicationInstances?.[0]?.ReplicationInstanceStatus === 'available',
      'the replication instance',
    );
  });

  afterAll(async () => {
    const root = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await root.query(`DROP USER IF EXISTS '${DATABASE}'@'%'`);
    await root.end();
    await emulator?.close().catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** What the pipeline consists of in the emulator, with versions, to compare runs. */
  async function lakeState() {
    const tables: Record<string, string | undefined> = {};
    for (const layer of ['bronze', 'silver', 'gold']) {
      const database = `ingest_e2e_${layer}`;
      const result = await glue.send(
        new GetTablesCommand({ DatabaseName: database }),
      );
      for (const t of result.TableList ?? []) {
        tables[`${database}.${t.Name}`] = t.VersionId;
      }
    }
    const jobs = Object.fromEntries(
      ((await glue.send(new GetJobsCommand({}))).Jobs ?? [])
        .filter(j => j.Name?.startsWith(`datalake-${SOURCE}-`))
        .map(j => [j.Name!, String(j.LastModifiedOn?.getTime())]),
    );
    const endpoints = (
      (await dms.send(new DescribeEndpointsCommand({}))).Endpoints ?? []
    ).map(e => e.EndpointIdentifier);
    const tasks = (
      (await dms.send(new DescribeReplicationTasksCommand({})))
        .ReplicationTasks ?? []
    ).map(t => t.ReplicationTaskIdentifier);
    const machines = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.filter(m => m.name === `datalake-${SOURCE}`);
    const machine = machines[0]
      ? await sfn.send(
          new DescribeStateMachineCommand({
            stateMachineArn: machines[0].stateMachineArn,
          }),
        )
      : undefined;
    // Each schedule with its last change, so that a converging re-run shows as no change.
    const schedules = Object.fromEntries(
      (
        (await eventBridgeScheduler.send(new ListSchedulesCommand({})))
          .Schedules ?? []
      ).map(x => [x.Name!, String(x.LastModificationDate?.getTime())]),
    );
    return {
      tables,
      jobs,
      schedules,
      endpoints: endpoints.sort(),
      tasks: tasks.sort(),
      stateMachines: machines.length,
      stateMachineRevision: machine?.revisionId,
    };
  }

  it('creates the replication, nine tables, their jobs and the pipeline, catalogs them, and converges on a re-run', async () => {
    const harness = await startScaffolderTestBackend({
      emulatorUrl: emulator.url,
      region: 'us-east-1',
      source: {
        id: SOURCE,
        title: 'Sakila (e2e)',
        owner: OWNER,
        host: '127.0.0.1',
        port: 3306,
        database: DATABASE,
        user: DATABASE,
        password: 'e2e',
        secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:e2e',
        secretsManagerAccessRoleArn:
          'arn:aws:iam::000000000000:role/datalake-dms-secrets',
        dms: { replicationInstanceIdentifier: 'datalake-demo' },
      },
      landing: {
        bucketName: 'datalake-landing',
        bucketFolder: 'landing',
        serviceAccessRoleArn: 'arn:aws:iam::000000000000:role/datalake-dms-s3',
      },
      databases: 'ingest_e2e_.*',
      pipelinesDirectory: pipelinesDir,
    });
    const { backend, entity, runTask } = harness;
    const scheduler = harness.scheduler();
    const ingestionValues = {
      sourceId: SOURCE,
      tables: CHOSEN,
      silverColumns: { film: { film_id: 'film_id', title: 'film_title' } },
      format: 'parquet',
      schedule: '0 2 * * 1-5',
      owner: OWNER,
    };
    const runTemplate = async (values = ingestionValues) => {
      await harness.runTemplate('template:default/new-mysql-ingestion', values);
    };

    try {
      await runTemplate();
      const first = await lakeState();
      expect(first.endpoints).toEqual([
        `dl-${SOURCE}-landing`,
        `dl-${SOURCE}-mysql`,
      ]);
      expect(first.tasks).toEqual([`dl-${SOURCE}-ingest`]);
      expect(Object.keys(first.tables).sort()).toEqual(
        [
          ...CHOSEN.map(t => `ingest_e2e_bronze.${t}`),
          ...CHOSEN.map(t => `ingest_e2e_silver.${t}`),
          ...CHOSEN.map(t => `ingest_e2e_gold.${t}_row_count`),
        ].sort(),
      );
      // Bronze, silver and gold jobs of the three tables, and their maintenance jobs.
      expect(Object.keys(first.jobs)).toHaveLength(12);
      for (const table of CHOSEN) {
        expect(Object.keys(first.jobs).join(' ')).toContain(table);
        expect(first.jobs).toHaveProperty([
          `datalake-${SOURCE}-maintenance-${table}`,
        ]);
      }
      // The pipeline's schedule and a daily one per maintenance job exist in EventBridge Scheduler.
      expect(Object.keys(first.schedules).sort()).toEqual(
        [
          `datalake-${SOURCE}`,
          ...CHOSEN.map(t => `datalake-${SOURCE}-maintenance-${t}`),
        ].sort(),
      );
      expect(first.stateMachines).toBe(1);

      // The next catalog sync makes the tables entities, owned and linked.
      await scheduler.triggerTask(REFRESH_TASK);
      const silverFilm = await until(
        () => entity('resource:default/ingest_e2e_silver.film'),
        e =>
          (e?.relations ?? []).some(r => r.type === 'dependencyOf') &&
          (e?.relations ?? []).some(r => r.type === 'dependsOn'),
        'the silver film entity with its relations',
      );
      expect(silverFilm!.spec?.owner).toBe(OWNER);
      const relations = (e: Entity | undefined) =>
        (e?.relations ?? []).map(r => `${r.type} ${r.targetRef}`);
      expect(relations(silverFilm)).toEqual(
        expect.arrayContaining([
          'dependsOn resource:default/ingest_e2e_bronze.film',
          'dependencyOf resource:default/ingest_e2e_gold.film_row_count',
          'dependencyOf component:default/ingest-e2e-ingestion',
          `ownedBy ${OWNER}`,
        ]),
      );
      const columns = (silverFilm!.spec as any).columns.map(
        (c: { name: string }) => c.name,
      );
      expect(columns).toContain('film_title');
      expect(columns).not.toContain('title');
      for (const layer of ['bronze', 'silver']) {
        for (const table of CHOSEN) {
          const e = await until(
            () => entity(`resource:default/ingest_e2e_${layer}.${table}`),
            x => x !== undefined,
            `${layer}.${table}`,
          );
          expect(e!.spec?.owner).toBe(OWNER);
        }
      }
      const pipeline = await until(
        () => entity('component:default/ingest-e2e-ingestion'),
        e =>
          (e?.relations ?? []).filter(r => r.type === 'dependsOn').length ===
          10,
        'the pipeline component',
      );
      expect(pipeline!.spec?.type).toBe('data-pipeline');
      expect(relations(pipeline)).toEqual(
        expect.arrayContaining([
          'dependsOn resource:default/mysql.ingest-e2e',
          'dependsOn resource:default/ingest_e2e_gold.payment_row_count',
          'partOf system:default/ingest-e2e',
        ]),
      );

      // The same task again: every step converges and nothing is created or changed.
      await runTemplate();
      expect(await lakeState()).toEqual(first);

      // Bad input that bypasses the form is refused on the server, before anything is created.
      const refused = await runTask('template:default/new-mysql-ingestion', {
        ...ingestionValues,
        schedule: '0 25 * * *',
        silverColumns: { film: { title: 'Film Title' } },
      });
      expect(refused.status).toBe('failed');
      expect(refused.log).toContain(
        "Silver column name 'Film Title' for film.title is invalid",
      );
      expect(refused.log).toContain(
        "Invalid schedule '0 25 * * *': the hour field '25' must hold values from 0 to 23",
      );
      expect(await lakeState()).toEqual(first);

      // A gold table over a silver table: its table, job and pipeline step.
      const gold = await runTask('template:default/new-gold-table', {
        sourceId: SOURCE,
        silverTables: ['payment'],
        table: 'revenue_by_staff',
        sql: 'SELECT p.staff_id, SUM(p.amount) AS revenue, COUNT(*) AS payments FROM glue_catalog.ingest_e2e_silver.payment p GROUP BY p.staff_id',
      });
      if (gold.status !== 'completed') throw new Error(gold.log);
      const withGold = await lakeState();
      expect(Object.keys(withGold.tables)).toHaveLength(10);
      expect(withGold.tables).toMatchObject(first.tables);
      const goldTable = await glue.send(
        new GetTableCommand({
          DatabaseName: 'ingest_e2e_gold',
          Name: 'revenue_by_staff',
        }),
      );
      expect(
        goldTable.Table!.StorageDescriptor!.Columns!.map(c => [c.Name, c.Type]),
      ).toEqual([
        ['staff_id', 'int'],
        ['revenue', 'decimal(38,2)'],
        ['payments', 'bigint'],
      ]);
      // The gold table's job beside the twelve of the ingestion.
      expect(Object.keys(withGold.jobs)).toHaveLength(13);
      const definition = JSON.parse(
        (
          await sfn.send(
            new DescribeStateMachineCommand({
              stateMachineArn: (
                await sfn.send(new ListStateMachinesCommand({}))
              ).stateMachines!.find(m => m.name === `datalake-${SOURCE}`)!
                .stateMachineArn,
            }),
          )
        ).definition!,
      );
      expect(JSON.stringify(definition)).toContain('revenue_by_staff');
      expect(JSON.stringify(definition)).toContain('film_row_count');
      await scheduler.triggerTask(REFRESH_TASK);
      const goldEntity = await until(
        () => entity('resource:default/ingest_e2e_gold.revenue_by_staff'),
        e =>
          (e?.relations ?? []).some(
            r => r.targetRef === 'component:default/ingest-e2e-ingestion',
          ),
        'the gold table entity with its pipeline',
      );
      expect(goldEntity!.spec?.owner).toBe(OWNER);
      expect(relations(goldEntity)).toContain(
        'dependsOn resource:default/ingest_e2e_silver.payment',
      );
    } finally {
      await backend.stop();
    }
  });

  it('gives both templates the same pipeline entity skeleton', () => {
    const skeleton = (template: string) =>
      fs.readFileSync(
        path.join(
          REPO_ROOT,
          'templates',
          template,
          'skeleton/catalog-info.yaml',
        ),
        'utf8',
      );
    expect(skeleton('new-gold-table')).toBe(skeleton('new-ingestion'));
  });
});
