/*
 * The demo lake is what the product makes: the seed onboards Sakila from the CDC-ready MariaDB
 * through DMS and the pipeline actions, then one pipeline execution runs every rendered job on
 * the emulator's Spark. Every bronze, silver and gold table then holds what MySQL holds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import {
  GetJobRunsCommand,
  GetJobsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  LakeFormationClient,
  ListDataCellsFilterCommand,
  ListPermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { DEFAULT_SAKILA_DIR } from './sakilaFixture';
import { ANALYST_ROLE, GOLD_TABLES, seedDemoLake } from './seedDemoLake';

jest.setTimeout(30 * 60_000);

let running: RunningEmulator;
const logger = { info: jest.fn(), warn: jest.fn() };

function clients() {
  const config = {
    endpoint: running.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    glue: new GlueClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sfn: new SFNClient(config),
    lf: new LakeFormationClient(config),
    dms: new DatabaseMigrationServiceClient(config),
  };
}

const seed = (extra: { ifEmpty?: boolean } = {}) =>
  seedDemoLake({
    endpoint: running.url,
    fixtureDir: DEFAULT_SAKILA_DIR,
    mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    logger,
    ...extra,
  });

/** The current Iceberg snapshot of a Glue table, read from its metadata file in S3. */
async function currentSnapshot(database: string, table: string) {
  const { glue, s3 } = clients();
  const { Table } = await glue.send(
    new GetTableCommand({ DatabaseName: database, Name: table }),
  );
  const location = Table!.Parameters!.metadata_location;
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)!;
  const metadata = JSON.parse(
    await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body!.transformToString(),
  );
  const snapshot = metadata.snapshots?.find(
    (s: any) => s['snapshot-id'] === metadata['current-snapshot-id'],
  );
  return { location, snapshot, metadata };
}

let source: mysql.Connection;

beforeAll(async () => {
  source = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
  });
  running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'demo-seed-')),
  });
});

afterAll(async () => {
  await running?.close();
  await source?.end();
});

describe('seedDemoLake', () => {
  it('builds the demo lake through the SDK, and --if-empty then leaves it alone', async () => {
    const result = await seed();
    expect(result).toMatchObject({ status: 'seeded', tables: 34, jobs: 50 });
    const { glue, s3, sfn, lf, dms } = clients();

    const names = async (database: string) =>
      (
        await glue.send(new GetTablesCommand({ DatabaseName: database }))
      ).TableList!.map(t => t.Name);
    expect(await names('sakila_bronze')).toHaveLength(16);
    expect(await names('sakila_silver')).toHaveLength(16);
    expect((await names('sakila_gold')).sort()).toEqual([
      'film_rentals',
      'revenue_by_store_month',
    ]);

    const paymentTable = (
      await glue.send(
        new GetTableCommand({ DatabaseName: 'sakila_silver', Name: 'payment' }),
      )
    ).Table!;
    expect(paymentTable.Parameters).toMatchObject({
      'datalake.layer': 'silver',
      'datalake.owner': 'group:default/data-engineering',
      'datalake.upstream': 'sakila_bronze.payment',
      'datalake.source': 'sakila',
      table_type: 'ICEBERG',
    });
    // The first load ran every job once on Spark. One failed for real: the demo casts
    // address.phone to int in silver, and Sakila's phone numbers do not fit. The other 33 ran
    // (nothing reads silver address), and the execution ends failed.
    const ADDRESS_SILVER = 'datalake-sakila-silver-address';
    expect(result.firstLoad).toMatchObject({
      status: 'FAILED',
      runs: { succeeded: 33, failed: 1 },
      failures: [
        {
          job: ADDRESS_SILVER,
          error: expect.stringMatching(
            /sakila_silver\.address: value '14033335568' of column phone does not fit int \(key address_id=3\); nothing was merged\. Correct the value at the source, or change the pipeline's silver cast of phone/,
          ),
        },
      ],
    });
    // 34 pipeline jobs and 16 maintenance jobs (one per source table, its gold tables included).
    const allJobs = (await glue.send(new GetJobsCommand({}))).Jobs!;
    expect(allJobs).toHaveLength(50);
    const jobs = allJobs.filter(j => !j.Name!.includes('-maintenance-'));
    expect(jobs).toHaveLength(34);
    const runs = await Promise.all(
      jobs.map(async j => ({
        job: j.Name!,
        states: (
          await glue.send(new GetJobRunsCommand({ JobName: j.Name! }))
        ).JobRuns!.map(r => r.JobRunState),
      })),
    );
    expect(runs).toEqual(
      jobs.map(j => ({
        job: j.Name!,
        states: [j.Name === ADDRESS_SILVER ? 'FAILED' : 'SUCCEEDED'],
      })),
    );
    // The schedules exist: the nightly pipeline run and a daily maintenance run per job.
    const schedules = await new SchedulerClient({
      endpoint: running.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }).send(new ListSchedulesCommand({}));
    expect(schedules.Schedules).toHaveLength(17);
    expect(
      schedules.Schedules!.find(x => x.Name === 'datalake-sakila')?.Target?.Arn,
    ).toMatch(/:stateMachine:datalake-sakila$/);

    // The landing files are the DMS task's own full load, in its layout.
    const landing = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'datalake-landing',
        Prefix: 'landing/sakila/sakila/rental/',
      }),
    );
    expect(landing.Contents!.map(o => o.Key)).toEqual([
      'landing/sakila/sakila/rental/LOAD00000001.parquet',
    ]);

    // Bronze and silver hold as many rows as MySQL, table for table, written by the jobs.
    const [tableRows] = (await source.query(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'sakila' AND table_type = 'BASE TABLE'`,
    )) as any;
    expect(tableRows).toHaveLength(16);
    for (const { name } of tableRows as Array<{ name: string }>) {
      const [[{ n }]] = (await source.query(
        `SELECT COUNT(*) AS n FROM sakila.\`${name}\``,
      )) as any;
      for (const database of ['sakila_bronze', 'sakila_silver']) {
        const { snapshot } = await currentSnapshot(database, name);
        // Silver address has no snapshot: its job failed before merging anything.
        const failed = database === 'sakila_silver' && name === 'address';
        expect({
          table: `${database}.${name}`,
          rows: snapshot ? Number(snapshot.summary?.['total-records']) : null,
        }).toEqual({
          table: `${database}.${name}`,
          rows: failed ? null : Number(n),
        });
      }
    }
    // Gold holds what its SQL gives when evaluated on MySQL itself.
    for (const gold of GOLD_TABLES) {
      const [[{ n }]] = (await source.query(
        `SELECT COUNT(*) AS n FROM (${gold.sql
          .replace(/glue_catalog\.sakila_silver\./g, 'sakila.')
          .replace(
            /date_trunc\('MONTH', ([\w.]+)\)/g,
            "DATE_FORMAT($1, '%Y-%m-01')",
          )}) g`,
      )) as any;
      const { snapshot } = await currentSnapshot('sakila_gold', gold.table);
      expect({
        table: gold.table,
        rows: Number(snapshot?.summary?.['total-records']),
      }).toEqual({ table: gold.table, rows: Number(n) });
    }
    const payment = await currentSnapshot('sakila_silver', 'payment');

    const machine = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === 'datalake-sakila')!;
    const executions = (
      await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      )
    ).executions!;
    expect(executions.map(e => [e.name, e.status])).toEqual([
      ['first-load', 'FAILED'],
    ]);

    const permissions = await lf.send(
      new ListPermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: ANALYST_ROLE },
      }),
    );
    expect(
      permissions.PrincipalResourcePermissions!.length,
    ).toBeGreaterThanOrEqual(3);
    const filters = await lf.send(new ListDataCellsFilterCommand({}));
    expect(filters.DataCellsFilters!.map(f => f.Name)).toEqual([
      'store_1_without_email',
    ]);

    const task = (await dms.send(new DescribeReplicationTasksCommand({})))
      .ReplicationTasks![0];
    expect(task.Status).toBe('running');
    const stats = await dms.send(
      new DescribeTableStatisticsCommand({
        ReplicationTaskArn: task.ReplicationTaskArn,
        MaxRecords: 100,
      }),
    );
    expect(stats.TableStatistics).toHaveLength(16);
    const rental = stats.TableStatistics!.find(t => t.TableName === 'rental')!;
    expect(rental.FullLoadRows).toBe(16044);
    expect(rental.TableState).toBe('Table completed');
    expect(logger.warn.mock.calls).toEqual([
      [
        expect.stringMatching(
          `^Job ${ADDRESS_SILVER} failed: .*column phone does not fit int`,
        ),
      ],
    ]);

    expect(await seed({ ifEmpty: true })).toEqual({
      status: 'skipped',
      tables: 0,
      jobs: 0,
    });

    // A plain re-run converges: no new tables, jobs, runs, snapshots or executions.
    expect(await seed()).toEqual({ status: 'seeded', tables: 34, jobs: 50 });
    expect((await currentSnapshot('sakila_silver', 'payment')).location).toBe(
      payment.location,
    );
    const executionsAgain = (
      await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      )
    ).executions!;
    expect(executionsAgain).toHaveLength(1);
  });
});
