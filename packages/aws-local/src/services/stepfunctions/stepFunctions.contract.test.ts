/*
 * Contract tests: every Step Functions operation through the real @aws-sdk/client-sfn against
 * the in-process emulator, and the bronze → silver → gold pipeline with the real Glue service.
 */
import fs from 'node:fs';
import {
  CreateJobCommand,
  GetJobRunsCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { RESTART_CAUSE, settleExecutions } from './index';
import { startTestEmulator } from './__testUtils__/startTestEmulator';

const ROLE = 'arn:aws:iam::000000000000:role/datalake-pipeline';
const LAYERS = ['bronze', 'silver', 'gold'] as const;

function pipelineDefinition(prefix: string) {
  const states: Record<string, unknown> = {};
  LAYERS.forEach((layer, i) => {
    states[`Run ${layer}`] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::glue:startJobRun.sync',
      Parameters: {
        JobName: `${prefix}-${layer}`,
        'Arguments.$': `$.arguments.${layer}`,
      },
      ResultPath: `$.runs.${layer}`,
      Retry: [
        {
          ErrorEquals: ['Glue.ConcurrentRunsExceededException'],
          IntervalSeconds: 5,
          MaxAttempts: 5,
          BackoffRate: 2,
        },
      ],
      Catch: [
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.error',
          Next: 'Pipeline failed',
        },
      ],
      ...(i < LAYERS.length - 1
        ? { Next: `Run ${LAYERS[i + 1]}` }
        : { End: true }),
    };
  });
  states['Pipeline failed'] = {
    Type: 'Fail',
    Error: 'Datalake.PipelineFailed',
    Cause: 'A Glue job of the pipeline failed',
  };
  return JSON.stringify({
    Comment: 'bronze → silver → gold',
    StartAt: 'Run bronze',
    States: states,
  });
}

const simpleDefinition = (result: string) =>
  JSON.stringify({
    StartAt: 'A',
    States: { A: { Type: 'Pass', Result: result, End: true } },
  });

async function waitForEnd(
  sfn: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  for (let i = 0; i < 400; i++) {
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    if (execution.status !== 'RUNNING') {
      return execution;
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  throw new Error(`Execution ${executionArn} did not finish`);
}

async function fullHistory(
  sfn: SFNClient,
  executionArn: string,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 10,
        nextToken,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe('Step Functions through @aws-sdk/client-sfn', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let sfn: SFNClient;
  let glue: GlueClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    sfn = new SFNClient(emulator.clientConfig);
    glue = new GlueClient(emulator.clientConfig);
  });

  afterAll(async () => {
    await settleExecutions(emulator.emulator.context('states', 'us-east-1'));
    sfn.destroy();
    glue.destroy();
    await emulator.close();
    fs.rmSync(emulator.stateDir, { recursive: true, force: true });
  });

  async function createJobs(prefix: string) {
    for (const layer of LAYERS) {
      await glue.send(
        new CreateJobCommand({
          Name: `${prefix}-${layer}`,
          Role: 'arn:aws:iam::000000000000:role/glue',
          Command: {
            Name: 'glueetl',
            ScriptLocation: `s3://scripts/${layer}.py`,
          },
        }),
      );
    }
  }

  async function runPipeline(prefix: string, failing?: string) {
    await createJobs(prefix);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: prefix,
        definition: pipelineDefinition(prefix),
        roleArn: ROLE,
      }),
    );
    const input = {
      arguments: Object.fromEntries(
        LAYERS.map(layer => [
          layer,
          layer === failing
            ? { '--aws-local-fail': 'true' }
            : { '--layer': layer },
        ]),
      ),
    };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'run-1',
        input: JSON.stringify(input),
      }),
    );
    const execution = await waitForEnd(sfn, executionArn!);
    const history = await fullHistory(sfn, executionArn!);
    const runs = await Promise.all(
      LAYERS.map(
        async layer =>
          (
            await glue.send(
              new GetJobRunsCommand({ JobName: `${prefix}-${layer}` }),
            )
          ).JobRuns ?? [],
      ),
    );
    return { execution, history, runs };
  }

  it('runs the bronze → silver → gold pipeline to SUCCEEDED with three Glue job runs', async () => {
    const { execution, history, runs } = await runPipeline('lake-ok');
    expect(execution.status).toBe('SUCCEEDED');
    expect(runs.map(r => r.map(run => run.JobRunState))).toEqual([
      ['SUCCEEDED'],
      ['SUCCEEDED'],
      ['SUCCEEDED'],
    ]);
    const output = JSON.parse(execution.output!);
    expect(output.runs.gold).toMatchObject({
      JobName: 'lake-ok-gold',
      JobRunState: 'SUCCEEDED',
      Id: runs[2][0].Id,
    });
    const types = history.map(e => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types[types.length - 1]).toBe('ExecutionSucceeded');
    expect(types.filter(t => t === 'TaskSucceeded')).toHaveLength(3);
    expect(history.length).toBeGreaterThan(10);
    history.forEach((event, i) => {
      expect(event.id).toBe(i + 1);
      expect(event.previousEventId).toBe(i);
      expect(event.timestamp).toBeInstanceOf(Date);
    });
    const scheduled = history.find(e => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({
      resourceType: 'glue',
      resource: 'startJobRun.sync',
    });
  });

  it('fails the execution through its Catch path when one job fails', async () => {
    const { execution, history, runs } = await runPipeline(
      'lake-bad',
      'silver',
    );
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'Datalake.PipelineFailed',
      cause: 'A Glue job of the pipeline failed',
    });
    expect(runs.map(r => r.map(run => run.JobRunState))).toEqual([
      ['SUCCEEDED'],
      ['FAILED'],
      [],
    ]);
    const failed = history.find(e => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails?.error).toBe('States.TaskFailed');
    expect(JSON.parse(failed.taskFailedEventDetails!.cause!)).toMatchObject({
      JobName: 'lake-bad-silver',
      JobRunState: 'FAILED',
    });
    const failState = history.find(e => e.type === 'FailStateEntered')!;
    expect(
      JSON.parse(failState.stateEnteredEventDetails!.input!).error.Error,
    ).toBe('States.TaskFailed');
    expect(history[history.length - 1].type).toBe('ExecutionFailed');
  });

  it('creates, describes, updates, lists and deletes state machines', async () => {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'crud',
        definition: simpleDefinition('a'),
        roleArn: ROLE,
      }),
    );
    expect(created.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:000000000000:stateMachine:crud',
    );
    expect(created.creationDate).toBeInstanceOf(Date);
    const same = await sfn.send(
      new CreateStateMachineCommand({
        name: 'crud',
        definition: simpleDefinition('a'),
        roleArn: ROLE,
      }),
    );
    expect(same.stateMachineArn).toBe(created.stateMachineArn);
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'crud',
          definition: simpleDefinition('b'),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'broken',
          definition: '{"StartAt":',
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidDefinition',
      $metadata: { httpStatusCode: 400 },
    });

    const updated = await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: created.stateMachineArn,
        definition: simpleDefinition('c'),
      }),
    );
    expect(updated.updateDate).toBeInstanceOf(Date);
    const described = await sfn.send(
      new DescribeStateMachineCommand({
        stateMachineArn: created.stateMachineArn,
      }),
    );
    expect(described).toMatchObject({
      name: 'crud',
      status: 'ACTIVE',
      definition: simpleDefinition('c'),
      roleArn: ROLE,
      type: 'STANDARD',
    });

    for (const n of [1, 2, 3]) {
      await sfn.send(
        new CreateStateMachineCommand({
          name: `page-${n}`,
          definition: simpleDefinition('p'),
          roleArn: ROLE,
        }),
      );
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sfn.send(
        new ListStateMachinesCommand({ maxResults: 2, nextToken }),
      );
      names.push(...page.stateMachines!.map(m => m.name!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(names).toEqual(
      expect.arrayContaining(['crud', 'page-1', 'page-2', 'page-3']),
    );

    await sfn.send(
      new DeleteStateMachineCommand({
        stateMachineArn: created.stateMachineArn,
      }),
    );
    await expect(
      sfn.send(
        new DescribeStateMachineCommand({
          stateMachineArn: created.stateMachineArn,
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn.send(
        new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArn' });
  });

  it('starts, lists, describes and stops executions', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'executions',
        definition: JSON.stringify({
          StartAt: 'Decide',
          States: {
            Decide: {
              Type: 'Choice',
              Choices: [
                { Variable: '$.wait', BooleanEquals: true, Next: 'Wait' },
              ],
              Default: 'Done',
            },
            Wait: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
            Done: { Type: 'Succeed' },
          },
        }),
        roleArn: ROLE,
      }),
    );
    for (const name of ['a', 'b', 'c']) {
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name,
          input: '{"wait":false}',
        }),
      );
      expect(started.executionArn).toBe(
        `arn:aws:states:us-east-1:000000000000:execution:executions:${name}`,
      );
      await waitForEnd(sfn, started.executionArn!);
    }
    const waiting = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'waiting',
        input: '{"wait":true}',
      }),
    );
    // The same name and input while running is the same request.
    const repeat = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'waiting',
        input: '{"wait":true}',
      }),
    );
    expect(repeat.executionArn).toBe(waiting.executionArn);
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: 'a',
          input: '{"wait":false}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${waiting.executionArn}-missing`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: `${stateMachineArn}-missing`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });

    const first = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn,
        statusFilter: 'SUCCEEDED',
        maxResults: 2,
      }),
    );
    const second = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn,
        statusFilter: 'SUCCEEDED',
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );
    expect(first.executions).toHaveLength(2);
    expect(second.nextToken).toBeUndefined();
    expect(
      [...first.executions!, ...second.executions!].map(e => e.name).sort(),
    ).toEqual(['a', 'b', 'c']);
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions!.map(e => e.name)).toEqual(['waiting']);

    const stopped = await sfn.send(
      new StopExecutionCommand({
        executionArn: waiting.executionArn,
        error: 'Operator.Stop',
        cause: 'stopped by the test',
      }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await sfn.send(
      new DescribeExecutionCommand({ executionArn: waiting.executionArn }),
    );
    expect(described).toMatchObject({
      status: 'ABORTED',
      error: 'Operator.Stop',
      cause: 'stopped by the test',
    });
    const history = await fullHistory(sfn, waiting.executionArn!);
    expect(history.map(e => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'ExecutionAborted',
    ]);
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: waiting.executionArn,
        reverseOrder: true,
        maxResults: 2,
      }),
    );
    expect(reversed.events!.map(e => e.id)).toEqual([5, 4]);
    expect(reversed.nextToken).toBeDefined();
    await expect(
      sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: `${waiting.executionArn}-missing`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('tags a state machine', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'tagged',
        definition: simpleDefinition('t'),
        roleArn: ROLE,
        tags: [{ key: 'layer', value: 'gold' }],
      }),
    );
    await sfn.send(
      new TagResourceCommand({
        resourceArn: stateMachineArn,
        tags: [{ key: 'owner', value: 'data' }],
      }),
    );
    await sfn.send(
      new UntagResourceCommand({
        resourceArn: stateMachineArn,
        tagKeys: ['layer'],
      }),
    );
    const { tags } = await sfn.send(
      new ListTagsForResourceCommand({ resourceArn: stateMachineArn }),
    );
    expect(tags).toEqual([{ key: 'owner', value: 'data' }]);
    await expect(
      sfn.send(
        new ListTagsForResourceCommand({
          resourceArn: `${stateMachineArn}-missing`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });
});

describe('Step Functions across an emulator restart', () => {
  it('keeps finished executions and fails the ones that were running', async () => {
    const first = await startTestEmulator();
    const sfn = new SFNClient(first.clientConfig);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'restart',
        definition: JSON.stringify({
          StartAt: 'Check',
          States: {
            Check: {
              Type: 'Choice',
              Choices: [
                { Variable: '$.wait', BooleanEquals: true, Next: 'Wait' },
              ],
              Default: 'Done',
            },
            Wait: { Type: 'Wait', Seconds: 20, Next: 'Done' },
            Done: { Type: 'Succeed' },
          },
        }),
        roleArn: ROLE,
      }),
    );
    const done = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: '{"wait":false}' }),
    );
    await waitForEnd(sfn, done.executionArn!);
    const running = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: '{"wait":true}' }),
    );
    sfn.destroy();
    await first.close();

    const second = await startTestEmulator({ stateDir: first.stateDir });
    const sfnAfter = new SFNClient(second.clientConfig);
    try {
      expect(
        (
          await sfnAfter.send(
            new DescribeExecutionCommand({ executionArn: done.executionArn }),
          )
        ).status,
      ).toBe('SUCCEEDED');
      const orphan = await sfnAfter.send(
        new DescribeExecutionCommand({ executionArn: running.executionArn }),
      );
      expect(orphan).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: RESTART_CAUSE,
      });
    } finally {
      sfnAfter.destroy();
      // The first emulator's execution still finishes in this process; let it end before cleaning up.
      await settleExecutions(first.emulator.context('states', 'us-east-1'));
      await second.close();
      fs.rmSync(first.stateDir, { recursive: true, force: true });
    }
  });
});
