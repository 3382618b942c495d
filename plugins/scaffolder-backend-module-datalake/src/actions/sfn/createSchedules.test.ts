import {
  CreateScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  loadSparkTemplates,
  renderSparkJob,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { mockClient } from 'aws-sdk-client-mock';
import {
  actionContext,
  exampleInputs,
  mockedOptions,
  testPipelineConfig,
} from '../glue/__testUtils__/pipelineTestContext';
import { pipelineJobs } from '../glue/pipelineJobs';
import { PipelineInput, resolvePipeline } from '../glue/pipelineSpecs';
import {
  createSchedulerScheduleCreateAction,
  GLUE_START_JOB_RUN_TARGET,
} from './createSchedules';
import { examples } from './createSchedules.examples';

const scheduler = mockClient(SchedulerClient);
const sts = mockClient(STSClient);
mockClient(SFNClient);

const SCHEDULER_ROLE = 'arn:aws:iam::111122223333:role/datalake-scheduler';

function options(overrides: Record<string, unknown> = {}) {
  const base = mockedOptions(
    testPipelineConfig({
      scheduler: { roleArn: SCHEDULER_ROLE, ...overrides },
    }),
  );
  return {
    ...base,
    aws: {
      ...base.aws,
      scheduler: async () => new SchedulerClient({ region: 'eu-west-1' }),
    },
  };
}

/** A Scheduler that keeps what it is sent, answering GetSchedule as AWS does. */
function fakeScheduler() {
  const stored = new Map<string, any>();
  const arn = (name: string) =>
    `arn:aws:scheduler:eu-west-1:111122223333:schedule/default/${name}`;
  scheduler.on(GetScheduleCommand).callsFake(input => {
    const found = stored.get(input.Name);
    if (!found) {
      throw new ResourceNotFoundException({
        Message: `Schedule ${input.Name} does not exist.`,
        message: `Schedule ${input.Name} does not exist.`,
        $metadata: { httpStatusCode: 404 },
      });
    }
    return { ...found, Arn: arn(input.Name), GroupName: 'default' };
  });
  scheduler.on(CreateScheduleCommand).callsFake(input => {
    stored.set(input.Name, input);
    return { ScheduleArn: arn(input.Name) };
  });
  scheduler.on(UpdateScheduleCommand).callsFake(input => {
    stored.set(input.Name, input);
    return { ScheduleArn: arn(input.Name) };
  });
  return stored;
}

beforeEach(() => {
  scheduler.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
});

describe('datalake:scheduler:schedule:create', () => {
  it('runs the example: the pipeline schedule starts the state machine, each maintenance job gets a daily glue:startJobRun schedule', async () => {
    fakeScheduler();
    const action = createSchedulerScheduleCreateAction(options());
    const ctx = actionContext(exampleInputs(examples[0].example)[0]);
    await action.handler(ctx as any);

    const created = scheduler
      .commandCalls(CreateScheduleCommand)
      .map(c => c.args[0].input);
    expect(created.map(c => c.Name)).toEqual([
      'datalake-sakila',
      'datalake-sakila-maintenance-rental',
      'datalake-sakila-maintenance-inventory',
    ]);
    expect(created[0]).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:datalake-sakila',
        RoleArn: SCHEDULER_ROLE,
      },
    });
    expect(created[1]).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Target: {
        Arn: GLUE_START_JOB_RUN_TARGET,
        RoleArn: SCHEDULER_ROLE,
        Input: JSON.stringify({
          JobName: 'datalake-sakila-maintenance-rental',
        }),
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'scheduleArn',
      'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/datalake-sakila',
    );
    expect(ctx.output).toHaveBeenCalledWith('scheduleName', 'datalake-sakila');
  });

  it('converges: a second run changes nothing, a changed expression or role is an update', async () => {
    fakeScheduler();
    const input = exampleInputs(examples[0].example)[0];
    await createSchedulerScheduleCreateAction(options()).handler(
      actionContext(input) as any,
    );
    scheduler.resetHistory();
    const again = actionContext(input);
    await createSchedulerScheduleCreateAction(options()).handler(again as any);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    expect(
      (again.output as jest.Mock).mock.calls
        .find(c => c[0] === 'schedules')![1]
        .map((s: any) => s.status),
    ).toEqual(['unchanged', 'unchanged', 'unchanged']);

    await createSchedulerScheduleCreateAction(
      options({ maintenanceSchedule: 'cron(30 4 * * ? *)' }),
    ).handler(actionContext({ ...input, schedule: 'rate(1 hour)' }) as any);
    const updated = scheduler
      .commandCalls(UpdateScheduleCommand)
      .map(c => c.args[0].input);
    expect(updated.map(u => [u.Name, u.ScheduleExpression])).toEqual([
      ['datalake-sakila', 'rate(1 hour)'],
      ['datalake-sakila-maintenance-rental', 'cron(30 4 * * ? *)'],
      ['datalake-sakila-maintenance-inventory', 'cron(30 4 * * ? *)'],
    ]);
    // The update carries the whole schedule, as UpdateSchedule replaces it.
    expect(updated[0]).toMatchObject({
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RoleArn: SCHEDULER_ROLE },
    });
  });

  it('refuses without datalake.pipeline.scheduler, and refuses an invalid expression before any call', async () => {
    fakeScheduler();
    const input = exampleInputs(examples[0].example)[0];
    await expect(
      createSchedulerScheduleCreateAction(mockedOptions()).handler(
        actionContext(input) as any,
      ),
    ).rejects.toThrow('datalake.pipeline.scheduler.roleArn is not configured');
    await expect(
      createSchedulerScheduleCreateAction(options()).handler(
        actionContext({ ...input, schedule: 'cron(0 2 * * * *)' }) as any,
      ),
    ).rejects.toThrow(/Invalid schedule/);
    expect(scheduler.calls()).toHaveLength(0);
  });
});

describe('maintenance of every layer', () => {
  it('gives every gold table a maintenance job, hence a schedule, and renders it into that job', async () => {
    const input = exampleInputs(examples[0].example)[0] as PipelineInput;
    const config = testPipelineConfig();
    const pipeline = resolvePipeline(input, config);
    const maintenance = pipelineJobs(pipeline, { maintenance: true }).filter(
      j => j.kind === 'maintenance',
    );
    const kept = maintenance.flatMap(j => [
      `${j.spec.bronze.database}.${j.spec.bronze.table}`,
      `${j.spec.silver.database}.${j.spec.silver.table}`,
      ...j.spec.gold.map(g => `${g.database}.${g.table}`),
    ]);
    expect(kept.sort()).toEqual(
      [
        'sakila_bronze.rental',
        'sakila_bronze.inventory',
        'sakila_silver.rental',
        'sakila_silver.inventory',
        'sakila_gold.film_rentals',
      ].sort(),
    );
    // The gold table goes with its first upstream table's job, and into that job's script.
    const rental = maintenance.find(j => j.table === 'rental')!;
    const script = renderSparkJob(
      'maintenance',
      rental.spec,
      await loadSparkTemplates(config.sparkTemplatesDir),
    );
    expect(script).toContain('sakila_gold.film_rentals');
  });
});
