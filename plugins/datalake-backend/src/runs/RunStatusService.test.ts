/*
 * The schedule in the run status: the table's pipeline's EventBridge Scheduler schedule, with
 * the AWS SDK mocked. Runs, lineage and errors are covered against the emulator
 * (status.integration.test.ts).
 */
import {
  DescribeReplicationTasksCommand,
  DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import {
  GetJobRunsCommand,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockCredentials } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import {
  mockedRunServices,
  providerTableEntity,
} from './__testUtils__/mockedRunServices';

const NOW = new Date('2026-03-01T10:18:00Z');
const REF = 'resource:default/sakila_silver.rental';
const ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:datalake-sakila';

const rental = providerTableEntity('sakila_silver', 'rental');

const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const dms = mockClient(DatabaseMigrationServiceClient);
const scheduler = mockClient(SchedulerClient);

afterAll(() => {
  glue.restore();
  sfn.restore();
  dms.restore();
  scheduler.restore();
});

beforeEach(() => {
  for (const client of [glue, sfn, dms, scheduler]) client.reset();
  glue.on(GetTableCommand).resolves({
    Table: {
      Name: 'rental',
      DatabaseName: 'sakila_silver',
      Parameters: {
        'datalake.source': 'sakila',
        'datalake.pipeline': 'datalake-sakila',
      },
    },
  });
  glue.on(GetJobRunsCommand).resolves({ JobRuns: [] });
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'datalake-sakila',
        stateMachineArn: ARN,
        type: 'STANDARD',
        creationDate: NOW,
      },
    ],
  });
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
});

function service() {
  return mockedRunServices([rental], { now: () => NOW }).runs;
}

const getRuns = () => service().getRuns(REF, {}, mockCredentials.user());

describe('RunStatusService: the schedule of the table’s pipeline', () => {
  it('reads the schedule named after the pipeline and says when it runs next', async () => {
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'datalake-sakila',
      ScheduleExpression: 'cron(0 * * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    const runs = await getRuns();
    expect(scheduler.commandCalls(GetScheduleCommand)[0].args[0].input).toEqual(
      { Name: 'datalake-sakila' },
    );
    expect(runs.schedule).toEqual({
      name: 'datalake-sakila',
      expression: 'cron(0 * * * ? *)',
      timezone: 'UTC',
      state: 'ENABLED',
      nextRunAt: '2026-03-01T11:00:00.000Z',
    });
    expect(runs.sources.scheduler).toEqual({ status: 'ok' });
  });

  it('evaluates the expression in the schedule’s time zone', async () => {
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'datalake-sakila',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
    });
    // 02:00 in New York on 2 March (EST, UTC-5) is 07:00 UTC.
    expect((await getRuns()).schedule?.nextRunAt).toBe(
      '2026-03-02T07:00:00.000Z',
    );
  });

  it('has no next run when the schedule is disabled', async () => {
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'datalake-sakila',
      ScheduleExpression: 'rate(1 hour)',
      State: 'DISABLED',
    });
    expect((await getRuns()).schedule).toEqual({
      name: 'datalake-sakila',
      expression: 'rate(1 hour)',
      timezone: 'UTC',
      state: 'DISABLED',
      nextRunAt: null,
    });
  });

  it('answers schedule null when the pipeline has none, which is no error', async () => {
    scheduler.on(GetScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: 'Schedule datalake-sakila does not exist.',
        Message: 'Schedule datalake-sakila does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const runs = await getRuns();
    expect(runs.schedule).toBeNull();
    expect(runs.sources.scheduler).toEqual({ status: 'ok' });
  });

  it('names a Scheduler failure in sources and still answers the rest', async () => {
    scheduler.on(GetScheduleCommand).rejects(
      Object.assign(new Error('not authorized to perform GetSchedule'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const runs = await getRuns();
    expect(runs.schedule).toBeNull();
    expect(runs.sources).toEqual({
      dms: { status: 'ok' },
      glue: { status: 'ok' },
      stepFunctions: { status: 'ok' },
      logs: { status: 'ok' },
      scheduler: {
        status: 'error',
        error:
          'EventBridge Scheduler: datalake-sakila: AccessDeniedException: not authorized to perform GetSchedule',
      },
    });
  });
});
