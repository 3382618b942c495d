/*
 * The schedule action against the in-process AWS emulator, through the access layer: the schedules
 * exist in EventBridge Scheduler, a re-run converges, and on the emulator clock they fire: the
 * pipeline's starts the state machine, a maintenance schedule starts its Glue job.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetJobRunsCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
} from '@aws-sdk/client-scheduler';
import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
} from '@aws-sdk/client-sfn';
import { ConfigReader } from '@backstage/config';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { pipelineActionOptions } from '../glue/actionSupport';
import { createGlueJobCreateAction } from '../glue/createGlueJobs';
import {
  actionContext,
  pipelineConfigData,
  sakilaInspection,
} from '../glue/__testUtils__/pipelineTestContext';
import { createSfnPipelineCreateAction } from './createPipeline';
import { createSchedulerScheduleCreateAction } from './createSchedules';

jest.setTimeout(120_000);

const SCHEDULER_ROLE = 'arn:aws:iam::111122223333:role/datalake-scheduler';
let running: RunningEmulator;
let clients: DatalakeAwsClientFactory;
let options: ReturnType<typeof pipelineActionOptions>;

const input = {
  sourceId: 'sakila',
  inspection: sakilaInspection(),
  tables: ['rental', 'inventory'],
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

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'schedule-action-')),
    clockSpeed: 1000,
    settings: { glueJobExecution: 'simulated' },
  });
  const data = pipelineConfigData({
    // rate(1 day) invokes at once on creation, so the test sees the maintenance target fire.
    scheduler: { roleArn: SCHEDULER_ROLE, maintenanceSchedule: 'rate(1 day)' },
  });
  const config = new ConfigReader({
    ...data,
    datalake: {
      ...data.datalake,
      aws: { region: 'eu-west-1', endpoint: running.url, maxAttempts: 1 },
    },
  });
  clients = DatalakeAwsClientFactory.fromConfig(config);
  options = pipelineActionOptions(config, clients);
  const s3 = await clients.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'datalake-scripts' }));
});

afterAll(() => running?.close());

describe('datalake:scheduler:schedule:create against the emulator', () => {
  it('creates schedules that fire the state machine and the maintenance jobs, and converges on a re-run', async () => {
    await createGlueJobCreateAction(options).handler(
      actionContext({ ...input, maintenance: true }) as any,
    );
    await createSfnPipelineCreateAction(options).handler(
      actionContext(input) as any,
    );
    const ctx = actionContext(input);
    await createSchedulerScheduleCreateAction(options).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith(
      'scheduleArn',
      'arn:aws:scheduler:eu-west-1:000000000000:schedule/default/datalake-sakila',
    );

    const scheduler = await clients.scheduler();
    const sfn = await clients.stepFunctions();
    const { stateMachineArn } = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === 'datalake-sakila')!;
    expect(
      await scheduler.send(new GetScheduleCommand({ Name: 'datalake-sakila' })),
    ).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: { Arn: stateMachineArn, RoleArn: SCHEDULER_ROLE },
    });
    const listed = await scheduler.send(new ListSchedulesCommand({}));
    expect(listed.Schedules!.map(s => s.Name).sort()).toEqual([
      'datalake-sakila',
      'datalake-sakila-maintenance-inventory',
      'datalake-sakila-maintenance-rental',
    ]);

    const executions = await until(
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn })),
      page => (page.executions?.length ?? 0) >= 1,
    );
    expect(executions.executions!.length).toBeGreaterThanOrEqual(1);
    const glue = await clients.glue();
    const runs = await until(
      () =>
        glue.send(
          new GetJobRunsCommand({
            JobName: 'datalake-sakila-maintenance-rental',
          }),
        ),
      page => (page.JobRuns?.length ?? 0) >= 1,
    );
    expect(runs.JobRuns!.length).toBeGreaterThanOrEqual(1);

    const again = actionContext(input);
    await createSchedulerScheduleCreateAction(options).handler(again as any);
    const statuses = (again.output as jest.Mock).mock.calls
      .find(c => c[0] === 'schedules')![1]
      .map((s: any) => s.status);
    expect(statuses).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
