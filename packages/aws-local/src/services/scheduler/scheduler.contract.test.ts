import {
  CreateJobCommand,
  GetJobRunsCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { RunningEmulator } from '../../core/emulator';
import {
  admin,
  clientConfig,
  makeStateDir,
  startTestEmulator,
  waitFor,
} from '../../testing/testEmulator';

const ROLE = 'arn:aws:iam::000000000000:role/scheduler';

describe('EventBridge Scheduler emulator, through the AWS SDK', () => {
  let running: RunningEmulator;
  let scheduler: SchedulerClient;
  let sfn: SFNClient;

  beforeEach(async () => {
    // Emulator time runs 1000 times faster: a minute of schedule time is 60 ms.
    running = await startTestEmulator({
      clockSpeed: 1000,
      settings: { glueJobExecution: 'simulated' },
    });
    scheduler = new SchedulerClient(clientConfig(running));
    sfn = new SFNClient(clientConfig(running));
  });

  afterEach(() => running.close());

  async function stateMachine(name: string) {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name,
        roleArn: 'arn:aws:iam::000000000000:role/sfn',
        definition: JSON.stringify({
          StartAt: 'Done',
          States: { Done: { Type: 'Pass', End: true } },
        }),
      }),
    );
    return stateMachineArn!;
  }

  it('fires a rate(1 minute) schedule on the emulator clock: StartExecution with the target Input', async () => {
    const stateMachineArn = await stateMachine('pipeline');
    const { ScheduleArn } = await scheduler.send(
      new CreateScheduleCommand({
        Name: 'pipeline-schedule',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: stateMachineArn,
          RoleArn: ROLE,
          Input: '{"trigger":"schedule"}',
        },
      }),
    );
    expect(ScheduleArn).toBe(
      'arn:aws:scheduler:eu-west-1:000000000000:schedule/default/pipeline-schedule',
    );
    // A rate schedule without StartDate invokes at once, then every minute: three runs soon.
    const { executions } = await waitFor(
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn })),
      page => (page.executions?.length ?? 0) >= 3,
    );
    const described = await sfn.send(
      new DescribeExecutionCommand({
        executionArn: executions![0].executionArn!,
      }),
    );
    expect(JSON.parse(described.input!)).toEqual({ trigger: 'schedule' });
    const { body } = await admin(running, 'POST', 'scheduler/invocations', {});
    const times = body.invocations
      .slice(0, 3)
      .map((i: any) => Date.parse(i.scheduledTime));
    expect(times[1] - times[0]).toBe(60_000);
    expect(times[2] - times[1]).toBe(60_000);
    expect(body.invocations[0]).toMatchObject({
      scheduleArn: ScheduleArn,
      outcome: 'succeeded',
    });
  });

  it('calls Glue StartJobRun through a universal target with the Input as the request', async () => {
    const glue = new GlueClient(clientConfig(running));
    await glue.send(
      new CreateJobCommand({
        Name: 'maintenance-film',
        Role: 'arn:aws:iam::000000000000:role/glue',
        Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/m.py' },
      }),
    );
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'maintenance-film',
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:scheduler:::aws-sdk:glue:startJobRun',
          RoleArn: ROLE,
          Input: JSON.stringify({
            JobName: 'maintenance-film',
            Arguments: { '--retain_last': '5' },
          }),
        },
      }),
    );
    const runs = await waitFor(
      () => glue.send(new GetJobRunsCommand({ JobName: 'maintenance-film' })),
      page => (page.JobRuns?.length ?? 0) >= 1,
    );
    expect(runs.JobRuns![0].Arguments).toEqual({ '--retain_last': '5' });
  });

  it('gets, updates, lists and deletes a schedule; a disabled schedule does not fire', async () => {
    const stateMachineArn = await stateMachine('quiet');
    const input = {
      Name: 'nightly',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: {
        Mode: 'FLEXIBLE' as const,
        MaximumWindowInMinutes: 15,
      },
      Target: { Arn: stateMachineArn, RoleArn: ROLE },
      Description: 'nightly run',
    };
    await scheduler.send(new CreateScheduleCommand(input));
    const got = await scheduler.send(
      new GetScheduleCommand({ Name: 'nightly' }),
    );
    expect(got).toMatchObject({
      Name: 'nightly',
      GroupName: 'default',
      State: 'ENABLED',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: { Arn: stateMachineArn, RoleArn: ROLE },
      ActionAfterCompletion: 'NONE',
    });
    expect(got.CreationDate).toBeInstanceOf(Date);

    await scheduler.send(
      new UpdateScheduleCommand({
        ...input,
        ScheduleExpression: 'rate(1 minute)',
        State: 'DISABLED',
      }),
    );
    const listed = await scheduler.send(
      new ListSchedulesCommand({ NamePrefix: 'night' }),
    );
    expect(listed.Schedules).toEqual([
      expect.objectContaining({
        Name: 'nightly',
        State: 'DISABLED',
        Target: { Arn: stateMachineArn },
      }),
    ]);
    // Five emulated minutes pass; a disabled schedule invokes nothing.
    await new Promise(resolve => setTimeout(resolve, 300));
    const { executions } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn }),
    );
    expect(executions).toEqual([]);

    await scheduler.send(new DeleteScheduleCommand({ Name: 'nightly' }));
    await expect(
      scheduler.send(new GetScheduleCommand({ Name: 'nightly' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers as AWS does: ValidationException, ConflictException on a duplicate, ResourceNotFoundException', async () => {
    const base = {
      Name: 'dup',
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      Target: {
        Arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:x',
        RoleArn: ROLE,
      },
      State: 'DISABLED' as const,
    };
    await scheduler.send(new CreateScheduleCommand(base));
    await expect(
      scheduler.send(new CreateScheduleCommand(base)),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      $metadata: { httpStatusCode: 409 },
    });
    for (const bad of [
      { ScheduleExpression: 'rate(1 minutes)' },
      { ScheduleExpression: 'rate(0 minutes)' },
      { ScheduleExpression: 'cron(0 2 * * * *)' },
      { ScheduleExpression: 'cron(61 2 * * ? *)' },
      { ScheduleExpression: 'at(2030-02-30T10:00:00)' },
      { ScheduleExpressionTimezone: 'Mars/Olympus' },
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const } },
      { Target: { Arn: base.Target.Arn, RoleArn: 'not-a-role' } },
    ]) {
      await expect(
        scheduler.send(
          new CreateScheduleCommand({ ...base, Name: 'bad', ...bad }),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(
      scheduler.send(new UpdateScheduleCommand({ ...base, Name: 'missing' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      scheduler.send(new DeleteScheduleCommand({ Name: 'missing' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      scheduler.send(
        new GetScheduleCommand({ Name: 'dup', GroupName: 'other' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('arms the stored schedules again after a restart, on the first Scheduler call', async () => {
    await running.close();
    const stateDir = makeStateDir();
    running = await startTestEmulator({ stateDir, clockSpeed: 1000 });
    sfn = new SFNClient(clientConfig(running));
    const stateMachineArn = await stateMachine('restarted');
    await new SchedulerClient(clientConfig(running)).send(
      new CreateScheduleCommand({
        Name: 'survives',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: stateMachineArn, RoleArn: ROLE },
      }),
    );
    await running.close();

    running = await startTestEmulator({ stateDir, clockSpeed: 1000 });
    sfn = new SFNClient(clientConfig(running));
    const before = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn }),
    );
    await new SchedulerClient(clientConfig(running)).send(
      new ListSchedulesCommand({}),
    );
    const after = await waitFor(
      () => sfn.send(new ListExecutionsCommand({ stateMachineArn })),
      page =>
        (page.executions?.length ?? 0) >= (before.executions?.length ?? 0) + 2,
    );
    expect(after.executions!.length).toBeGreaterThanOrEqual(
      before.executions!.length + 2,
    );
  });

  it('fires a one-time at(...) schedule once in its time zone and deletes it after completion', async () => {
    const stateMachineArn = await stateMachine('once');
    // Two emulated minutes from now, written as New York wall-clock time.
    const at = new Date(Date.now() + 120_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .format(at)
      .replace(' ', 'T');
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'once',
        ScheduleExpression: `at(${local})`,
        ScheduleExpressionTimezone: 'America/New_York',
        ActionAfterCompletion: 'DELETE',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: stateMachineArn, RoleArn: ROLE },
      }),
    );
    await waitFor(
      () => scheduler.send(new ListSchedulesCommand({})),
      page => page.Schedules?.length === 0,
    );
    const { executions } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn }),
    );
    expect(executions).toHaveLength(1);
  });
});
