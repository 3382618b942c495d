import {
  DatabaseMigrationServiceClient,
  DescribeReplicationConfigsCommand,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  StartReplicationCommand,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { createDmsTaskStartAction } from './startTask';
import { examples } from './startTask.examples';
import {
  actionContext,
  dmsOptions,
  exampleInputs,
  notFound,
} from './__testUtils__/dmsTestContext';

const dms = mockClient(DatabaseMigrationServiceClient);

function givenTaskStatus(status: string) {
  dms.on(DescribeReplicationTasksCommand).resolves({
    ReplicationTasks: [
      { ReplicationTaskArn: 'arn:task:rentals', Status: status },
    ],
  });
  dms
    .on(StartReplicationTaskCommand)
    .resolves({ ReplicationTask: { Status: 'starting' } });
}

beforeEach(() => dms.reset());

describe('datalake:dms:task:start', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      givenTaskStatus('ready');
      const ctx = actionContext(exampleInputs(example)[0]);
      await createDmsTaskStartAction(dmsOptions()).handler(ctx as any);
      expect(
        dms.commandCalls(DescribeReplicationTasksCommand)[0].args[0].input
          .Filters,
      ).toEqual([
        { Name: 'replication-task-id', Values: ['dl-sakila-rentals'] },
      ]);
      expect(
        dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input,
      ).toEqual({
        ReplicationTaskArn: 'arn:task:rentals',
        StartReplicationTaskType: 'start-replication',
      });
      expect(ctx.output).toHaveBeenCalledWith('startType', 'start-replication');
    },
  );

  it('does nothing for a running task and resumes a stopped one', async () => {
    const action = createDmsTaskStartAction(dmsOptions());
    givenTaskStatus('running');
    const running = actionContext({ sourceId: 'sakila', taskName: 'rentals' });
    await action.handler(running as any);
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
    expect(running.output).toHaveBeenCalledWith('startType', 'none');

    dms.reset();
    givenTaskStatus('stopped');
    await action.handler(
      actionContext({ sourceId: 'sakila', taskName: 'rentals' }) as any,
    );
    expect(
      dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input
        .StartReplicationTaskType,
    ).toBe('resume-processing');
  });

  it('waits with the SDK waiter for a task that is still being created, and refuses one that does not exist', async () => {
    const action = createDmsTaskStartAction(dmsOptions());
    const task = (Status: string) => ({
      ReplicationTasks: [{ ReplicationTaskArn: 'arn:task:rentals', Status }],
    });
    dms
      .on(DescribeReplicationTasksCommand)
      .resolvesOnce(task('creating'))
      .resolves(task('ready'));
    dms
      .on(StartReplicationTaskCommand)
      .resolves({ ReplicationTask: { Status: 'starting' } });
    const ctx = actionContext({ sourceId: 'sakila', taskName: 'rentals' });
    await action.handler(ctx as any);
    // The waiter describes the task by ARN until it is ready.
    expect(
      dms.commandCalls(DescribeReplicationTasksCommand)[1].args[0].input
        .Filters,
    ).toEqual([{ Name: 'replication-task-arn', Values: ['arn:task:rentals'] }]);
    expect(
      dms.commandCalls(StartReplicationTaskCommand)[0].args[0].input
        .StartReplicationTaskType,
    ).toBe('start-replication');
    expect(ctx.output).toHaveBeenCalledWith('startType', 'start-replication');

    dms.reset();
    givenTaskStatus('modifying');
    await expect(
      action.handler(
        actionContext({ sourceId: 'sakila', taskName: 'rentals' }) as any,
      ),
    ).rejects.toThrow(ConflictError);
    dms.reset();
    dms.on(DescribeReplicationTasksCommand).rejects(notFound('task'));
    await expect(
      action.handler(
        actionContext({ sourceId: 'sakila', taskName: 'rentals' }) as any,
      ),
    ).rejects.toThrow(NotFoundError);
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  it('starts a serverless replication that has never run', async () => {
    dms.on(DescribeReplicationConfigsCommand).resolves({
      ReplicationConfigs: [{ ReplicationConfigArn: 'arn:config:orders' }],
    });
    dms.on(DescribeReplicationsCommand).rejects(notFound('replication'));
    dms
      .on(StartReplicationCommand)
      .resolves({ Replication: { Status: 'initializing' } });
    const ctx = actionContext({ sourceId: 'shop', taskName: 'orders' });
    await createDmsTaskStartAction(dmsOptions()).handler(ctx as any);
    expect(dms.commandCalls(StartReplicationCommand)[0].args[0].input).toEqual({
      ReplicationConfigArn: 'arn:config:orders',
      StartReplicationType: 'start-replication',
    });
    expect(ctx.output).toHaveBeenCalledWith('status', 'initializing');
  });

  it('makes no AWS call in a dry run', async () => {
    await createDmsTaskStartAction(dmsOptions()).handler(
      actionContext({ sourceId: 'sakila', taskName: 'rentals' }, true) as any,
    );
    expect(dms.calls()).toHaveLength(0);
  });
});
