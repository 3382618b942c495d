import { AwsError } from '../../core/types';
import { glueJobsDouble } from './__testUtils__/glueJobs';
import { memoryContext, MemoryState } from './__testUtils__/memoryContext';
import { RESTART_CAUSE, settleExecutions, stepFunctionsService } from './index';

const ops = stepFunctionsService.operations;
const ROLE = 'arn:aws:iam::123456789012:role/sfn';

function setup(
  options: Parameters<typeof glueJobsDouble>[0] = {},
  state?: MemoryState,
) {
  const glue = glueJobsDouble(options);
  const ctx = memoryContext({ glue: glue.service }, state);
  return { ctx, glue };
}

async function expectAwsError(call: () => unknown, code: string) {
  await expect(Promise.resolve().then(call)).rejects.toMatchObject({
    code,
  });
}

async function run(
  ctx: ReturnType<typeof memoryContext>,
  definition: object,
  input: unknown = {},
) {
  const name = `m${Math.random().toString(36).slice(2, 8)}`;
  const { stateMachineArn } = await ops.CreateStateMachine(
    { name, definition: JSON.stringify(definition), roleArn: ROLE },
    ctx,
  );
  const { executionArn } = await ops.StartExecution(
    { stateMachineArn, input: JSON.stringify(input) },
    ctx,
  );
  await settleExecutions(ctx);
  const execution = await ops.DescribeExecution({ executionArn }, ctx);
  const { events } = await ops.GetExecutionHistory(
    { executionArn, maxResults: 1000 },
    ctx,
  );
  return {
    execution,
    events,
    output: execution.output ? JSON.parse(execution.output) : undefined,
  };
}

function pipeline(failCatch = true) {
  const task = (job: string, next: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::glue:startJobRun.sync',
    Parameters: { JobName: job, 'Arguments.$': `$.args.${job}` },
    ResultPath: `$.results.${job}`,
    Retry: [
      {
        ErrorEquals: ['Glue.ConcurrentRunsExceededException'],
        IntervalSeconds: 1,
        MaxAttempts: 3,
        BackoffRate: 2,
      },
    ],
    ...(failCatch
      ? {
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              ResultPath: '$.error',
              Next: 'Failed',
            },
          ],
        }
      : {}),
    Next: next,
  });
  return {
    StartAt: 'bronze',
    States: {
      bronze: task('bronze', 'silver'),
      silver: task('silver', 'gold'),
      gold: { ...task('gold', 'x'), Next: undefined, End: true },
      Failed: {
        Type: 'Fail',
        Error: 'PipelineFailed',
        Cause: 'A Glue job failed',
      },
    },
  };
}

const args = (fail?: string) => ({
  args: Object.fromEntries(
    ['bronze', 'silver', 'gold'].map(job => [
      job,
      { '--fail': String(job === fail) },
    ]),
  ),
});

describe('Step Functions state machines', () => {
  it('creates, describes, updates and deletes a state machine', async () => {
    const { ctx } = setup();
    const definition = JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Succeed' } },
    });
    const created = await ops.CreateStateMachine(
      { name: 'sm', definition, roleArn: ROLE },
      ctx,
    );
    expect(created.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
    );
    // Same name and definition: AWS returns the existing machine.
    const again = await ops.CreateStateMachine(
      { name: 'sm', definition, roleArn: ROLE },
      ctx,
    );
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    await expectAwsError(
      () =>
        ops.CreateStateMachine(
          {
            name: 'sm',
            definition: JSON.stringify({
              StartAt: 'B',
              States: { B: { Type: 'Succeed' } },
            }),
            roleArn: ROLE,
          },
          ctx,
        ),
      'StateMachineAlreadyExists',
    );
    const updatedDefinition = JSON.stringify({
      StartAt: 'B',
      States: { B: { Type: 'Pass', End: true } },
    });
    await ops.UpdateStateMachine(
      {
        stateMachineArn: created.stateMachineArn,
        definition: updatedDefinition,
      },
      ctx,
    );
    const described = await ops.DescribeStateMachine(
      { stateMachineArn: created.stateMachineArn },
      ctx,
    );
    expect(described).toMatchObject({
      name: 'sm',
      status: 'ACTIVE',
      definition: updatedDefinition,
      type: 'STANDARD',
    });
    await ops.DeleteStateMachine(
      { stateMachineArn: created.stateMachineArn },
      ctx,
    );
    await expectAwsError(
      () =>
        ops.DescribeStateMachine(
          { stateMachineArn: created.stateMachineArn },
          ctx,
        ),
      'StateMachineDoesNotExist',
    );
  });

  it.each([
    ['not json', '{'],
    [
      'missing StartAt target',
      JSON.stringify({ StartAt: 'X', States: { A: { Type: 'Succeed' } } }),
    ],
    [
      'missing Next target',
      JSON.stringify({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' } },
      }),
    ],
    [
      'no Next nor End',
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass' } } }),
    ],
    [
      'unknown type',
      JSON.stringify({
        StartAt: 'A',
        States: { A: { Type: 'Nope', End: true } },
      }),
    ],
    [
      'States.ALL not alone',
      JSON.stringify({
        StartAt: 'A',
        States: {
          A: {
            Type: 'Task',
            Resource: 'arn:aws:states:::glue:startJobRun',
            End: true,
            Retry: [{ ErrorEquals: ['States.ALL', 'X'] }],
          },
        },
      }),
    ],
  ])('refuses an invalid definition (%s)', async (_case, definition) => {
    expect.hasAssertions();
    const { ctx } = setup();
    await expectAwsError(
      () =>
        ops.CreateStateMachine({ name: 'bad', definition, roleArn: ROLE }, ctx),
      'InvalidDefinition',
    );
  });

  it('refuses malformed ARNs and names', async () => {
    expect.hasAssertions();
    const { ctx } = setup();
    await expectAwsError(
      () => ops.DescribeStateMachine({ stateMachineArn: 'nope' }, ctx),
      'InvalidArn',
    );
    await expectAwsError(
      () =>
        ops.DescribeExecution(
          {
            executionArn:
              'arn:aws:states:us-east-1:123456789012:stateMachine:x',
          },
          ctx,
        ),
      'InvalidArn',
    );
    await expectAwsError(
      () =>
        ops.CreateStateMachine(
          { name: 'a b', definition: '{}', roleArn: ROLE },
          ctx,
        ),
      'InvalidName',
    );
  });

  it('pages state machines with nextToken', async () => {
    const { ctx } = setup();
    const definition = JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Succeed' } },
    });
    for (let i = 0; i < 5; i++) {
      await ops.CreateStateMachine(
        { name: `sm${i}`, definition, roleArn: ROLE },
        ctx,
      );
    }
    const first = await ops.ListStateMachines({ maxResults: 3 }, ctx);
    expect(first.stateMachines.map((m: any) => m.name)).toEqual([
      'sm0',
      'sm1',
      'sm2',
    ]);
    const second = await ops.ListStateMachines(
      { maxResults: 3, nextToken: first.nextToken },
      ctx,
    );
    expect(second.stateMachines.map((m: any) => m.name)).toEqual([
      'sm3',
      'sm4',
    ]);
    expect(second.nextToken).toBeUndefined();
    await expectAwsError(
      () => ops.ListStateMachines({ nextToken: 'garbage' }, ctx),
      'InvalidToken',
    );
    await expectAwsError(
      () => ops.ListStateMachines({ maxResults: 1001 }, ctx),
      'ValidationException',
    );
  });
});

describe('Step Functions executions', () => {
  it('runs the bronze → silver → gold pipeline to SUCCEEDED with three job runs', async () => {
    const { ctx, glue } = setup();
    const { execution, events, output } = await run(ctx, pipeline(), args());
    expect(execution.status).toBe('SUCCEEDED');
    expect(glue.runs.map(r => r.JobName)).toEqual(['bronze', 'silver', 'gold']);
    expect(output.results.gold).toMatchObject({
      JobName: 'gold',
      JobRunState: 'SUCCEEDED',
    });
    const types = events.map((e: any) => e.type);
    expect(types.slice(0, 6)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
    ]);
    expect(types[types.length - 1]).toBe('ExecutionSucceeded');
    expect(types.filter((t: string) => t === 'TaskStateExited')).toHaveLength(
      3,
    );
    events.forEach((e: any, i: number) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId).toBe(i);
    });
    expect(events[2].taskScheduledEventDetails).toMatchObject({
      resourceType: 'glue',
      resource: 'startJobRun.sync',
      region: 'us-east-1',
    });
    expect(JSON.parse(events[2].taskScheduledEventDetails.parameters)).toEqual({
      JobName: 'bronze',
      Arguments: { '--fail': 'false' },
    });
  });

  it('fails through the Catch path when a job run fails', async () => {
    const { ctx, glue } = setup();
    const { execution, events } = await run(ctx, pipeline(), args('silver'));
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'PipelineFailed',
      cause: 'A Glue job failed',
    });
    expect(glue.runs.map(r => r.JobName)).toEqual(['bronze', 'silver']);
    const failed = events.find((e: any) => e.type === 'TaskFailed');
    expect(failed.taskFailedEventDetails.error).toBe('States.TaskFailed');
    expect(JSON.parse(failed.taskFailedEventDetails.cause)).toMatchObject({
      JobRunState: 'FAILED',
    });
    const failEntered = events.find((e: any) => e.type === 'FailStateEntered');
    expect(
      JSON.parse(failEntered.stateEnteredEventDetails.input).error,
    ).toMatchObject({ Error: 'States.TaskFailed' });
    expect(events[events.length - 1]).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: {
        error: 'PipelineFailed',
        cause: 'A Glue job failed',
      },
    });
  });

  it('fails with States.TaskFailed when nothing catches the job failure', async () => {
    const { ctx } = setup();
    const { execution } = await run(ctx, pipeline(false), args('bronze'));
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.TaskFailed',
    });
  });

  it('retries Glue.ConcurrentRunsExceededException and then succeeds', async () => {
    const { ctx, glue } = setup({ rejectStarts: { silver: 2 } });
    const { execution, events } = await run(ctx, pipeline(), args());
    expect(execution.status).toBe('SUCCEEDED');
    expect(glue.runs).toHaveLength(3);
    const failures = events.filter((e: any) => e.type === 'TaskFailed');
    expect(failures.map((e: any) => e.taskFailedEventDetails.error)).toEqual([
      'Glue.ConcurrentRunsExceededException',
      'Glue.ConcurrentRunsExceededException',
    ]);
  });

  it('gives up after MaxAttempts retries', async () => {
    const { ctx } = setup({ rejectStarts: { bronze: 10 } });
    const { execution } = await run(ctx, pipeline(false), args());
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'Glue.ConcurrentRunsExceededException',
    });
  });

  it('starts a job without waiting with glue:startJobRun', async () => {
    const { ctx, glue } = setup();
    const { output } = await run(ctx, {
      StartAt: 'go',
      States: {
        go: {
          Type: 'Task',
          Resource: 'arn:aws:states:::glue:startJobRun',
          Parameters: { JobName: 'bronze' },
          End: true,
        },
      },
    });
    expect(output).toEqual({ JobRunId: glue.runs[0].Id });
  });

  it('applies Pass, paths, Parameters and the context object', async () => {
    const { ctx } = setup();
    const { output, execution } = await run(
      ctx,
      {
        StartAt: 'p1',
        States: {
          p1: {
            Type: 'Pass',
            Result: { x: 1 },
            ResultPath: '$.r.deep',
            Next: 'p2',
          },
          p2: {
            Type: 'Pass',
            InputPath: '$.r',
            Parameters: {
              'value.$': '$.deep.x',
              'first.$': '$.list[0]',
              'id.$': '$$.Execution.Id',
              'state.$': '$$.State.Name',
              fixed: 'k',
            },
            Next: 'p3',
          },
          p3: {
            Type: 'Pass',
            ResultPath: null,
            OutputPath: '$.value',
            End: true,
          },
        },
      },
      { r: { list: ['a', 'b'] } },
    );
    expect(output).toBe(1);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('builds parameters with context ids', async () => {
    const { ctx } = setup();
    const { output, execution } = await run(ctx, {
      StartAt: 'p',
      States: {
        p: {
          Type: 'Pass',
          Parameters: { 'id.$': '$$.Execution.Id', 'state.$': '$$.State.Name' },
          End: true,
        },
      },
    });
    expect(output).toEqual({ id: execution.executionArn, state: 'p' });
  });

  it('fails with States.Runtime on a missing path', async () => {
    const { ctx } = setup();
    const { execution } = await run(ctx, {
      StartAt: 'p',
      States: {
        p: { Type: 'Pass', InputPath: '$.missing', End: true },
      },
    });
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Runtime');
  });

  it('chooses with comparison operators, And/Or/Not and Default', async () => {
    const { ctx } = setup();
    const definition = {
      StartAt: 'c',
      States: {
        c: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.n', NumericGreaterThan: 10 },
                { Variable: '$.s', StringMatches: 'big*' },
              ],
              Next: 'big',
            },
            {
              Or: [
                { Not: { Variable: '$.s', IsPresent: true } },
                { Variable: '$.flag', BooleanEquals: true },
              ],
              Next: 'flagged',
            },
            {
              Variable: '$.t',
              TimestampLessThanPath: '$.limit',
              Next: 'early',
            },
          ],
          Default: 'other',
        },
        big: { Type: 'Pass', Result: 'big', End: true },
        flagged: { Type: 'Pass', Result: 'flagged', End: true },
        early: { Type: 'Pass', Result: 'early', End: true },
        other: { Type: 'Pass', Result: 'other', End: true },
      },
    };
    expect((await run(ctx, definition, { n: 11, s: 'bigger' })).output).toBe(
      'big',
    );
    expect(
      (await run(ctx, definition, { n: 1, flag: true, s: 'x' })).output,
    ).toBe('flagged');
    expect((await run(ctx, definition, { n: 1 })).output).toBe('flagged');
    expect(
      (
        await run(ctx, definition, {
          n: 1,
          s: 'x',
          flag: false,
          t: '2024-01-01T00:00:00Z',
          limit: '2025-01-01T00:00:00Z',
        })
      ).output,
    ).toBe('early');
    expect(
      (
        await run(ctx, definition, {
          n: 1,
          s: 'x',
          flag: false,
          t: '2026-01-01T00:00:00Z',
          limit: '2025-01-01T00:00:00Z',
        })
      ).output,
    ).toBe('other');
    // Comparing a variable that is not there is a runtime failure, as in AWS.
    const missing = await run(ctx, definition, { n: 1, s: 'x' });
    expect(missing.execution.error).toBe('States.Runtime');
  });

  it('fails with States.NoChoiceMatched without a Default', async () => {
    const { ctx } = setup();
    const { execution } = await run(
      ctx,
      {
        StartAt: 'c',
        States: {
          c: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'd' }],
          },
          d: { Type: 'Succeed' },
        },
      },
      { n: 2 },
    );
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.NoChoiceMatched',
    });
  });

  it('runs Parallel branches and Map iterations with MaxConcurrency', async () => {
    const { ctx, glue } = setup();
    const { output, events } = await run(
      ctx,
      {
        StartAt: 'par',
        States: {
          par: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'a',
                States: { a: { Type: 'Pass', Result: 'A', End: true } },
              },
              {
                StartAt: 'w',
                States: {
                  w: { Type: 'Wait', Seconds: 1, Next: 'b' },
                  b: { Type: 'Pass', Result: 'B', End: true },
                },
              },
            ],
            ResultPath: '$.branches',
            Next: 'map',
          },
          map: {
            Type: 'Map',
            ItemsPath: '$.tables',
            MaxConcurrency: 2,
            ItemSelector: {
              'table.$': '$$.Map.Item.Value',
              'index.$': '$$.Map.Item.Index',
            },
            ItemProcessor: {
              StartAt: 'job',
              States: {
                job: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::glue:startJobRun.sync',
                  Parameters: {
                    JobName: 'silver',
                    Arguments: { '--table.$': '$.table' },
                  },
                  ResultSelector: { 'state.$': '$.JobRunState' },
                  End: true,
                },
              },
            },
            ResultPath: '$.mapped',
            End: true,
          },
        },
      },
      { tables: ['film', 'actor', 'rental'] },
    );
    expect(output.branches).toEqual(['A', 'B']);
    expect(output.mapped).toEqual([
      { state: 'SUCCEEDED' },
      { state: 'SUCCEEDED' },
      { state: 'SUCCEEDED' },
    ]);
    expect(glue.runs.map(r => r.Arguments['--table']).sort()).toEqual([
      'actor',
      'film',
      'rental',
    ]);
    const types = events.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'ParallelStateEntered',
        'ParallelStateStarted',
        'ParallelStateSucceeded',
        'ParallelStateExited',
        'WaitStateEntered',
        'WaitStateExited',
        'MapStateEntered',
        'MapStateStarted',
        'MapIterationStarted',
        'MapIterationSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
      ]),
    );
    expect(
      events.find((e: any) => e.type === 'MapStateStarted')
        .mapStateStartedEventDetails,
    ).toEqual({ length: 3 });
    // Every event points at an earlier one.
    events.forEach((e: any) => expect(e.previousEventId).toBeLessThan(e.id));
  });

  it('catches a failing Map iteration', async () => {
    const { ctx } = setup();
    const { output, execution } = await run(
      ctx,
      {
        StartAt: 'map',
        States: {
          map: {
            Type: 'Map',
            Iterator: {
              StartAt: 'f',
              States: {
                f: { Type: 'Fail', Error: 'Item.Bad', Cause: 'bad item' },
              },
            },
            Catch: [{ ErrorEquals: ['Item.Bad'], Next: 'done' }],
            End: true,
          },
          done: { Type: 'Pass', End: true },
        },
      },
      [1, 2],
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(output).toEqual({ Error: 'Item.Bad', Cause: 'bad item' });
  });

  it('fails a Task that exceeds TimeoutSeconds with States.Timeout', async () => {
    const { ctx, glue } = setup();
    const { execution, events } = await run(ctx, {
      StartAt: 't',
      States: {
        t: {
          Type: 'Task',
          Resource: 'arn:aws:states:::glue:startJobRun.sync',
          Parameters: { JobName: 'slow' },
          TimeoutSeconds: 1,
          End: true,
        },
      },
    });
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
    expect(events.map((e: any) => e.type)).toContain('TaskTimedOut');
    expect(glue.runs).toHaveLength(1);
  });

  it('maps a Glue error of StartJobRun to Glue.<Code>', async () => {
    const { ctx } = setup();
    const { execution } = await run(ctx, {
      StartAt: 't',
      States: {
        t: {
          Type: 'Task',
          Resource: 'arn:aws:states:::glue:startJobRun.sync',
          Parameters: { JobName: 'missing' },
          End: true,
        },
      },
    });
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'Glue.EntityNotFoundException',
    });
  });

  it('stops a running execution and its job run', async () => {
    const { ctx, glue } = setup();
    const { stateMachineArn } = await ops.CreateStateMachine(
      { name: 'stop', definition: JSON.stringify(pipeline()), roleArn: ROLE },
      ctx,
    );
    const { executionArn } = await ops.StartExecution(
      { stateMachineArn, name: 'run1', input: JSON.stringify(args()) },
      ctx,
    );
    await new Promise(resolve => setTimeout(resolve, 1));
    await ops.StopExecution(
      { executionArn, error: 'Stopped', cause: 'by test' },
      ctx,
    );
    await settleExecutions(ctx);
    const execution = await ops.DescribeExecution({ executionArn }, ctx);
    expect(execution).toMatchObject({
      status: 'ABORTED',
      error: 'Stopped',
      cause: 'by test',
    });
    expect(glue.runs[0].JobRunState).toBe('STOPPED');
    const { events } = await ops.GetExecutionHistory(
      { executionArn, reverseOrder: true },
      ctx,
    );
    expect(events[0].type).toBe('ExecutionAborted');
  });

  it('handles duplicate names, missing executions, status filters and history pages', async () => {
    const { ctx } = setup();
    const { stateMachineArn } = await ops.CreateStateMachine(
      {
        name: 'pages',
        definition: JSON.stringify({
          StartAt: 'A',
          States: {
            A: { Type: 'Pass', Next: 'B' },
            B: { Type: 'Pass', End: true },
          },
        }),
        roleArn: ROLE,
      },
      ctx,
    );
    for (const name of ['e1', 'e2', 'e3']) {
      await ops.StartExecution({ stateMachineArn, name }, ctx);
    }
    await settleExecutions(ctx);
    await expectAwsError(
      () => ops.StartExecution({ stateMachineArn, name: 'e1' }, ctx),
      'ExecutionAlreadyExists',
    );
    await expectAwsError(
      () =>
        ops.DescribeExecution(
          {
            executionArn: `${stateMachineArn.replace(
              ':stateMachine:',
              ':execution:',
            )}:nope`,
          },
          ctx,
        ),
      'ExecutionDoesNotExist',
    );
    await expectAwsError(
      () => ops.StartExecution({ stateMachineArn, input: 'not json' }, ctx),
      'InvalidExecutionInput',
    );
    const first = await ops.ListExecutions(
      { stateMachineArn, maxResults: 2, statusFilter: 'SUCCEEDED' },
      ctx,
    );
    const second = await ops.ListExecutions(
      {
        stateMachineArn,
        maxResults: 2,
        statusFilter: 'SUCCEEDED',
        nextToken: first.nextToken,
      },
      ctx,
    );
    expect(
      [...first.executions, ...second.executions]
        .map((e: any) => e.name)
        .sort(),
    ).toEqual(['e1', 'e2', 'e3']);
    expect(
      (
        await ops.ListExecutions(
          { stateMachineArn, statusFilter: 'FAILED' },
          ctx,
        )
      ).executions,
    ).toEqual([]);
    const executionArn = first.executions[0].executionArn;
    const page1 = await ops.GetExecutionHistory(
      { executionArn, maxResults: 4 },
      ctx,
    );
    const page2 = await ops.GetExecutionHistory(
      { executionArn, maxResults: 4, nextToken: page1.nextToken },
      ctx,
    );
    expect([...page1.events, ...page2.events].map((e: any) => e.id)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    const lean = await ops.GetExecutionHistory(
      { executionArn, includeExecutionData: false },
      ctx,
    );
    expect(lean.events[0].executionStartedEventDetails).toEqual({
      roleArn: ROLE,
    });
    await expectAwsError(
      () =>
        ops.ListExecutions(
          { stateMachineArn: stateMachineArn.replace('pages', 'nothere') },
          ctx,
        ),
      'StateMachineDoesNotExist',
    );
  });

  it('marks executions left running by a restart as FAILED and keeps finished ones', async () => {
    const first = setup();
    const { stateMachineArn } = await ops.CreateStateMachine(
      {
        name: 'restart',
        definition: JSON.stringify({
          StartAt: 'w',
          States: { w: { Type: 'Wait', Seconds: 3600, End: true } },
        }),
        roleArn: ROLE,
      },
      first.ctx,
    );
    const quick = await ops.CreateStateMachine(
      {
        name: 'quick',
        definition: JSON.stringify({
          StartAt: 'A',
          States: { A: { Type: 'Succeed' } },
        }),
        roleArn: ROLE,
      },
      first.ctx,
    );
    const done = await ops.StartExecution(
      { stateMachineArn: quick.stateMachineArn, name: 'done' },
      first.ctx,
    );
    const running = await ops.StartExecution(
      { stateMachineArn, name: 'long' },
      first.ctx,
    );
    await new Promise(resolve => setTimeout(resolve, 5));
    // A second emulator on the same persisted state, as after a restart.
    const second = setup({}, first.ctx.state.reload());
    expect(
      await ops.DescribeExecution(
        { executionArn: running.executionArn },
        second.ctx,
      ),
    ).toMatchObject({
      status: 'FAILED',
      cause: RESTART_CAUSE,
    });
    expect(
      (
        await ops.DescribeExecution(
          { executionArn: done.executionArn },
          second.ctx,
        )
      ).status,
    ).toBe('SUCCEEDED');
    await ops.StopExecution({ executionArn: running.executionArn }, first.ctx);
    await settleExecutions(first.ctx);
  });

  it('tags state machines', async () => {
    const { ctx } = setup();
    const definition = JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Succeed' } },
    });
    const { stateMachineArn } = await ops.CreateStateMachine(
      {
        name: 't',
        definition,
        roleArn: ROLE,
        tags: [{ key: 'a', value: '1' }],
      },
      ctx,
    );
    await ops.TagResource(
      { resourceArn: stateMachineArn, tags: [{ key: 'b', value: '2' }] },
      ctx,
    );
    await ops.UntagResource(
      { resourceArn: stateMachineArn, tagKeys: ['a'] },
      ctx,
    );
    expect(
      (await ops.ListTagsForResource({ resourceArn: stateMachineArn }, ctx))
        .tags,
    ).toEqual([{ key: 'b', value: '2' }]);
    await expectAwsError(
      () =>
        ops.ListTagsForResource({ resourceArn: `${stateMachineArn}x` }, ctx),
      'ResourceNotFound',
    );
  });

  it('throws AwsError instances', () => {
    const { ctx } = setup();
    expect(() =>
      ops.DescribeStateMachine({ stateMachineArn: 'x' }, ctx),
    ).toThrow(AwsError);
  });
});
