import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { DEFAULT_SAKILA_DIR } from './sakilaFixture';
import { ANALYST_ROLE, seedDemoLake } from './seedDemoLake';

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

beforeAll(async () => {
  running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'demo-seed-')),
    clockSpeed: 1000,
    // The seed still records its job runs through the timer (issue #16 makes them real runs).
    settings: { glueJobExecution: 'simulated' },
  });
});

afterAll(() => running?.close());

describe('seedDemoLake', () => {
  it('builds the demo lake through the SDK, and --if-empty then leaves it alone', async () => {
    const result = await seed();
    expect(result).toEqual({ status: 'seeded', tables: 34, jobs: 34 });
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

    const payment = (
      await glue.send(
        new GetTableCommand({ DatabaseName: 'sakila_silver', Name: 'payment' }),
      )
    ).Table!;
    expect(payment.Parameters).toMatchObject({
      'datalake.layer': 'silver',
      'datalake.owner': 'group:default/data-engineering',
      'datalake.upstream': 'sakila_bronze.payment',
      'datalake.source': 'sakila',
      table_type: 'ICEBERG',
    });
    expect(payment.Parameters!.previous_metadata_location).toMatch(
      /metadata\/00000-.*\.metadata\.json$/,
    );
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(
      payment.Parameters!.metadata_location,
    )!;
    const metadata = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      ).Body!.transformToString(),
    );
    expect(metadata.snapshots.map((s: any) => s.summary.operation)).toEqual([
      'append',
      'overwrite',
      'delete',
      'append',
      'replace',
    ]);
    expect(metadata['current-snapshot-id']).toBe(
      metadata.snapshots[4]['snapshot-id'],
    );

    const landing = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'datalake-landing',
        Prefix: 'landing/sakila/sakila/rental/',
      }),
    );
    // The DMS task's own full load of the source, not files written by the seed.
    expect(landing.Contents!.map(o => o.Key)).toEqual([
      'landing/sakila/sakila/rental/LOAD00000001.csv',
    ]);
    const rentalLoad = await (
      await s3.send(
        new GetObjectCommand({
          Bucket: 'datalake-landing',
          Key: 'landing/sakila/sakila/rental/LOAD00000001.csv',
        }),
      )
    ).Body!.transformToString();
    const loadLines = rentalLoad.trimEnd().split('\n');
    expect(loadLines).toHaveLength(16044);
    // IncludeOpForFullLoad: every full-load record starts with I.
    expect(loadLines.every(line => line.startsWith('I,'))).toBe(true);

    const jobs = (await glue.send(new GetJobsCommand({}))).Jobs!;
    expect(jobs).toHaveLength(34);
    const runs = (
      await Promise.all(
        jobs.map(j => glue.send(new GetJobRunsCommand({ JobName: j.Name! }))),
      )
    ).flatMap(r => r.JobRuns!);
    const failed = runs.filter(r => r.JobRunState === 'FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every(r => (r.ErrorMessage ?? '').length > 0)).toBe(true);
    expect(
      runs.filter(r => r.JobRunState === 'SUCCEEDED').length,
    ).toBeGreaterThan(30);

    const machine = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === 'datalake-sakila')!;
    const executions = (
      await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      )
    ).executions!;
    expect(executions.map(e => e.status).sort()).toEqual([
      'FAILED',
      'SUCCEEDED',
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
    expect(logger.warn.mock.calls).toEqual([]);

    expect(await seed({ ifEmpty: true })).toEqual({
      status: 'skipped',
      tables: 0,
      jobs: 0,
    });

    // A plain re-run converges: no new tables, jobs, runs, snapshots or executions.
    expect(await seed()).toEqual({ status: 'seeded', tables: 34, jobs: 34 });
    const metadataAgain = (
      await glue.send(
        new GetTableCommand({ DatabaseName: 'sakila_silver', Name: 'payment' }),
      )
    ).Table!;
    expect(metadataAgain.Parameters!.metadata_location).toBe(
      payment.Parameters!.metadata_location,
    );
    const executionsAgain = (
      await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      )
    ).executions!;
    expect(executionsAgain).toHaveLength(2);
  }, 120_000);
});
