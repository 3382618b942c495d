/*
 * The three pipeline actions against the in-process AWS emulator, through the access layer: they
 * create the tables, jobs and state machine; a re-run converges; the pipeline runs to SUCCEEDED,
 * and to FAILED through its Catch when a job fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import {
  GetJobCommand,
  GetJobRunsCommand,
  GetTableCommand,
  GetTablesCommand,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeExecutionCommandOutput,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ConfigReader } from '@backstage/config';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { createIcebergTableCreateAction } from './glue/createIcebergTables';
import { createGlueJobCreateAction } from './glue/createGlueJobs';
import { createSfnPipelineCreateAction } from './sfn/createPipeline';
import { pipelineActionOptions } from './glue/actionSupport';
import {
  actionContext,
  pipelineConfigData,
  sakilaInspection,
} from './glue/__testUtils__/pipelineTestContext';

let running: RunningEmulator;
let clients: DatalakeAwsClientFactory;
let options: ReturnType<typeof pipelineActionOptions>;

const input = {
  sourceId: 'sakila',
  owner: 'group:default/data-engineering',
  inspection: sakilaInspection(),
  tables: ['rental', 'inventory', 'film'],
  gold: [
    {
      table: 'film_rentals',
      upstream: ['rental', 'inventory'],
      sql: 'SELECT i.film_id, COUNT(*) AS rentals FROM glue_catalog.sakila_silver.rental r JOIN glue_catalog.sakila_silver.inventory i ON r.inventory_id = i.inventory_id GROUP BY i.film_id',
      columns: [
        { name: 'film_id', type: 'int' },
        { name: 'rentals', type: 'bigint' },
      ],
    },
  ],
  schedule: 'rate(1 hour)',
};

function adminPost(route: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${running.url}/_aws-local/${route}`,
      { method: 'POST' },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function runPipeline(): Promise<DescribeExecutionCommandOutput> {
  const sfn = await clients.stepFunctions();
  const { stateMachineArn } = (
    await sfn.send(new ListStateMachinesCommand({}))
  ).stateMachines!.find(m => m.name === 'datalake-sakila')!;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn }),
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    if (execution.status !== 'RUNNING' || Date.now() > deadline)
      return execution;
    await new Promise(r => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-actions-')),
    clockSpeed: 1000,
    // Resources and the execution's state machine; the jobs' scripts run in the Spark tests.
    settings: { glueJobExecution: 'simulated' },
  });
  const config = new ConfigReader({
    ...pipelineConfigData(),
    datalake: {
      ...pipelineConfigData().datalake,
      aws: { region: 'eu-west-1', endpoint: running.url, maxAttempts: 1 },
    },
  });
  clients = DatalakeAwsClientFactory.fromConfig(config);
  options = pipelineActionOptions(config, clients);
  const s3 = await clients.s3();
  for (const bucket of [
    'datalake-bronze',
    'datalake-silver',
    'datalake-gold',
    'datalake-scripts',
    'lake-landing',
  ]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
});

afterAll(() => running?.close());

describe('pipeline actions against the emulator', () => {
  it('create the tables, jobs and state machine, converge on a re-run, and the pipeline runs', async () => {
    const tables = createIcebergTableCreateAction(options);
    const jobs = createGlueJobCreateAction(options);
    const pipeline = createSfnPipelineCreateAction(options);

    const tablesCtx = actionContext(input);
    await tables.handler(tablesCtx as any);
    expect(tablesCtx.output).toHaveBeenCalledWith('createdCount', 7);
    await jobs.handler(actionContext(input) as any);
    const pipelineCtx = actionContext(input);
    await pipeline.handler(pipelineCtx as any);
    expect(pipelineCtx.output).toHaveBeenCalledWith('status', 'created');

    const glue = await clients.glue();
    const s3 = await clients.s3();
    const bronze = await glue.send(
      new GetTablesCommand({ DatabaseName: 'sakila_bronze' }),
    );
    expect(bronze.TableList!.map(t => t.Name).sort()).toEqual([
      'film',
      'inventory',
      'rental',
    ]);
    const gold = await glue.send(
      new GetTableCommand({
        DatabaseName: 'sakila_gold',
        Name: 'film_rentals',
      }),
    );
    expect(gold.Table!.Parameters).toMatchObject({
      table_type: 'ICEBERG',
      'datalake.layer': 'gold',
      'datalake.upstream': 'sakila_silver.rental,sakila_silver.inventory',
    });
    const rental = (
      await glue.send(
        new GetTableCommand({ DatabaseName: 'sakila_bronze', Name: 'rental' }),
      )
    ).Table!;
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(
      rental.Parameters!.metadata_location,
    )!;
    const metadata = JSON.parse(
      await (
        await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      ).Body!.transformToString(),
    );
    expect(metadata['format-version']).toBe(2);
    expect(metadata.location).toBe('s3://datalake-bronze/sakila_bronze/rental');
    expect(metadata.schemas[0].fields.map((f: any) => f.name)).toContain(
      '_dl_commit_ts',
    );

    const job = (
      await glue.send(
        new GetJobCommand({ JobName: 'datalake-sakila-silver-rental' }),
      )
    ).Job!;
    expect(job).toMatchObject({
      GlueVersion: '5.0',
      WorkerType: 'G.2X',
      NumberOfWorkers: 4,
    });
    const script = await (
      await s3.send(
        new GetObjectCommand({
          Bucket: 'datalake-scripts',
          Key: 'jobs/datalake-sakila/datalake-sakila-silver-rental.py',
        }),
      )
    ).Body!.transformToString();
    expect(script).toContain('MERGE INTO');

    // A re-run converges: nothing is created, updated or uploaded.
    const again = [
      actionContext(input),
      actionContext(input),
      actionContext(input),
    ];
    await tables.handler(again[0] as any);
    await jobs.handler(again[1] as any);
    await pipeline.handler(again[2] as any);
    expect(again[0].output).toHaveBeenCalledWith('createdCount', 0);
    const jobOutcomes = (again[1].output as jest.Mock).mock.calls.find(
      c => c[0] === 'jobs',
    )[1];
    expect(jobOutcomes.map((j: any) => [j.status, j.scriptUploaded])).toEqual(
      Array(7).fill(['unchanged', false]),
    );
    expect(again[2].output).toHaveBeenCalledWith('status', 'unchanged');
    const rentalAgain = (
      await glue.send(
        new GetTableCommand({ DatabaseName: 'sakila_bronze', Name: 'rental' }),
      )
    ).Table!;
    expect(rentalAgain.VersionId).toBe(rental.VersionId);

    const succeeded = await runPipeline();
    expect(succeeded.status).toBe('SUCCEEDED');
    for (const name of [
      'datalake-sakila-bronze-film',
      'datalake-sakila-silver-rental',
      'datalake-sakila-gold-film_rentals',
    ]) {
      const runs = await glue.send(new GetJobRunsCommand({ JobName: name }));
      expect(runs.JobRuns!.map(r => r.JobRunState)).toEqual(['SUCCEEDED']);
    }

    expect(
      await adminPost('glue/fail-next', {
        JobName: 'datalake-sakila-silver-inventory',
        message: 'Py4JJavaError: MERGE failed',
      }),
    ).toBe(200);
    const failed = await runPipeline();
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('DatalakePipelineFailed');
    // The gold table reading the failed silver table is not rebuilt from stale input; the other
    // table's silver job ran all the same.
    const goldRuns = await glue.send(
      new GetJobRunsCommand({ JobName: 'datalake-sakila-gold-film_rentals' }),
    );
    expect(goldRuns.JobRuns).toHaveLength(1);
    for (const [name, states] of [
      ['datalake-sakila-silver-inventory', ['FAILED', 'SUCCEEDED']],
      ['datalake-sakila-silver-rental', ['SUCCEEDED', 'SUCCEEDED']],
    ] as const) {
      const runs = await glue.send(new GetJobRunsCommand({ JobName: name }));
      expect({ name, states: runs.JobRuns!.map(r => r.JobRunState) }).toEqual({
        name,
        states,
      });
    }
  }, 60_000);
});
