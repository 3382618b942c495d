import {
  CreateReplicationConfigCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationConfigsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { createDmsTaskCreateAction } from './createTask';
import { examples } from './createTask.examples';
import {
  actionContext,
  dmsOptions,
  exampleInputs,
  instanceSource,
  notFound,
} from './__testUtils__/dmsTestContext';

const dms = mockClient(DatabaseMigrationServiceClient);

function table(
  name: string,
  key: { name: string; columns: string[]; origin: string } | null,
  dmsTypes: string[] = ['INT4'],
) {
  return {
    name,
    mergeKey: key,
    columns: dmsTypes.map((t, i) => ({
      name: `c${i}`,
      mapping: { dmsType: t },
    })),
  };
}

/** What datalake:mysql:source:inspect outputs, reduced to what the task needs. */
const inspection = {
  tables: [
    table('rental', {
      name: 'PRIMARY',
      columns: ['rental_id'],
      origin: 'primary-key',
    }),
    table('payment', {
      name: 'PRIMARY',
      columns: ['payment_id'],
      origin: 'primary-key',
    }),
    table(
      'device',
      { name: 'uq_serial', columns: ['serial'], origin: 'unique-key' },
      ['WSTRING(32)', 'NCLOB'],
    ),
    table('audit_log', null),
  ],
};

beforeEach(() => {
  dms.reset();
  dms.on(DescribeEndpointsCommand).callsFake(input => ({
    Endpoints: [{ EndpointArn: `arn:endpoint:${input.Filters[0].Values[0]}` }],
  }));
  dms.on(DescribeReplicationTasksCommand).rejects(notFound('task'));
  dms.on(DescribeReplicationConfigsCommand).rejects(notFound('config'));
  dms.on(CreateReplicationTaskCommand).callsFake(input => ({
    ReplicationTask: {
      ReplicationTaskArn: `arn:task:${input.ReplicationTaskIdentifier}`,
    },
  }));
  dms.on(CreateReplicationConfigCommand).callsFake(input => ({
    ReplicationConfig: {
      ReplicationConfigArn: `arn:config:${input.ReplicationConfigIdentifier}`,
    },
  }));
});

function withInspection(input: Record<string, unknown>) {
  // The example passes the inspect step's output through a template expression.
  return { ...input, inspection };
}

describe('datalake:dms:task:create', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      const action = createDmsTaskCreateAction(dmsOptions());
      const ctx = actionContext(withInspection(exampleInputs(example)[0]));
      await action.handler(ctx as any);

      const calls = dms.commandCalls(CreateReplicationTaskCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0].args[0].input;
      expect(input).toMatchObject({
        ReplicationTaskIdentifier: 'dl-sakila-rentals',
        SourceEndpointArn: 'arn:endpoint:dl-sakila-mysql',
        TargetEndpointArn: 'arn:endpoint:dl-sakila-landing',
        ReplicationInstanceArn:
          'arn:aws:dms:eu-west-1:111122223333:rep:INSTANCE',
        MigrationType: 'full-load-and-cdc',
      });
      const rules = JSON.parse(input.TableMappings!).rules;
      const selected = rules
        .filter((r: any) => r['rule-type'] === 'selection')
        .map((r: any) => [
          r['object-locator']['schema-name'],
          r['object-locator']['table-name'],
          r['rule-action'],
        ]);
      expect(selected).toEqual([
        ['sakila', 'rental', 'include'],
        ['sakila', 'payment', 'include'],
      ]);
      expect(
        rules.filter((r: any) => r['rule-action'] === 'add-column'),
      ).toHaveLength(2);
      expect(rules[2]).toMatchObject({
        value: 'dms_change_seq',
        expression: '$AR_H_CHANGE_SEQ',
      });
      expect(
        rules.some((r: any) => r['rule-action'] === 'define-primary-key'),
      ).toBe(false);
      expect(
        JSON.parse(input.ReplicationTaskSettings!).TargetMetadata.SupportLobs,
      ).toBe(false);
      expect(ctx.output).toHaveBeenCalledWith(
        'taskArn',
        'arn:task:dl-sakila-rentals',
      );
    },
  );

  it('declares the unique key of a table without primary key and turns on limited LOB mode', async () => {
    const action = createDmsTaskCreateAction(dmsOptions());
    await action.handler(
      actionContext({
        sourceId: 'sakila',
        taskName: 'devices',
        tables: ['device'],
        inspection,
      }) as any,
    );
    const input = dms.commandCalls(CreateReplicationTaskCommand)[0].args[0]
      .input;
    const rules = JSON.parse(input.TableMappings!).rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        'rule-action': 'define-primary-key',
        'primary-key-def': {
          name: 'uq_serial',
          origin: 'unique-index',
          columns: ['serial'],
        },
      }),
    );
    expect(
      JSON.parse(input.ReplicationTaskSettings!).TargetMetadata,
    ).toMatchObject({
      SupportLobs: true,
      FullLobMode: false,
      LimitedSizeLobMode: true,
      LobMaxSize: 64,
    });
  });

  it('rejects tables without a key and tables the inspection did not find', async () => {
    const action = createDmsTaskCreateAction(dmsOptions());
    await expect(
      action.handler(
        actionContext({
          sourceId: 'sakila',
          taskName: 'logs',
          tables: ['audit_log'],
          inspection,
        }) as any,
      ),
    ).rejects.toThrow(/without a primary key.*audit_log/);
    await expect(
      action.handler(
        actionContext({
          sourceId: 'sakila',
          taskName: 'x',
          tables: ['nope'],
          inspection,
        }) as any,
      ),
    ).rejects.toThrow(InputError);
    expect(dms.calls()).toHaveLength(0);
  });

  it('creates nothing when the task exists with the same spec, and conflicts otherwise', async () => {
    const action = createDmsTaskCreateAction(dmsOptions());
    const input = {
      sourceId: 'sakila',
      taskName: 'rentals',
      tables: ['rental', 'payment'],
      inspection,
    };
    await action.handler(actionContext(input) as any);
    const created = dms.commandCalls(CreateReplicationTaskCommand)[0].args[0]
      .input;

    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        { ...created, ReplicationTaskArn: 'arn:task:existing' },
      ],
    });
    const again = actionContext(input);
    await action.handler(again as any);
    expect(dms.commandCalls(CreateReplicationTaskCommand)).toHaveLength(1);
    expect(again.output).toHaveBeenCalledWith('taskArn', 'arn:task:existing');

    await expect(
      action.handler(actionContext({ ...input, tables: ['rental'] }) as any),
    ).rejects.toThrow(
      new ConflictError(
        "DMS replication task 'dl-sakila-rentals' already exists with a different TableMappings; delete it or choose another name (nothing was changed)",
      ),
    );
    expect(dms.commandCalls(CreateReplicationTaskCommand)).toHaveLength(1);
  });

  it('creates a serverless replication config for a serverless source', async () => {
    const action = createDmsTaskCreateAction(dmsOptions());
    await action.handler(
      actionContext({
        sourceId: 'shop',
        taskName: 'orders',
        tables: ['rental'],
        inspection,
      }) as any,
    );
    expect(dms.commandCalls(CreateReplicationTaskCommand)).toHaveLength(0);
    const input = dms.commandCalls(CreateReplicationConfigCommand)[0].args[0]
      .input;
    expect(input).toMatchObject({
      ReplicationConfigIdentifier: 'dl-shop-orders',
      ReplicationType: 'full-load-and-cdc',
      ComputeConfig: {
        MaxCapacityUnits: 4,
        ReplicationSubnetGroupId: 'dms-subnets',
        VpcSecurityGroupIds: ['sg-0123'],
      },
    });
  });

  it('makes no AWS call in a dry run', async () => {
    const action = createDmsTaskCreateAction(dmsOptions());
    const ctx = actionContext(
      {
        sourceId: 'sakila',
        taskName: 'rentals',
        tables: ['rental'],
        inspection,
      },
      true,
    );
    await action.handler(ctx as any);
    expect(dms.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'taskArn',
      'dry-run:dl-sakila-rentals',
    );
  });

  describe('with replicationInstanceIdentifier', () => {
    const byIdentifier = {
      ...instanceSource,
      dms: {
        mode: 'replication-instance' as const,
        replicationInstanceIdentifier: 'datalake-demo',
      },
    };
    const input = {
      sourceId: 'sakila',
      taskName: 'rentals',
      tables: ['rental'],
      inspection,
    };

    it('resolves the instance ARN with DescribeReplicationInstances', async () => {
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [
          { ReplicationInstanceArn: 'arn:aws:dms:us-east-1:0:rep:RANDOM' },
        ],
      });
      const action = createDmsTaskCreateAction(
        dmsOptions({ sources: [byIdentifier] }),
      );
      await action.handler(actionContext(input) as any);
      expect(
        dms.commandCalls(DescribeReplicationInstancesCommand)[0].args[0].input
          .Filters,
      ).toEqual([
        { Name: 'replication-instance-id', Values: ['datalake-demo'] },
      ]);
      expect(
        dms.commandCalls(CreateReplicationTaskCommand)[0].args[0].input
          .ReplicationInstanceArn,
      ).toBe('arn:aws:dms:us-east-1:0:rep:RANDOM');
    });

    it('fails with NotFoundError when no instance has the identifier', async () => {
      dms
        .on(DescribeReplicationInstancesCommand)
        .rejects(notFound('replication instance'));
      const action = createDmsTaskCreateAction(
        dmsOptions({ sources: [byIdentifier] }),
      );
      const error = await action
        .handler(actionContext(input) as any)
        .catch(e => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain("'datalake-demo'");
      expect(dms.commandCalls(CreateReplicationTaskCommand)).toHaveLength(0);
    });
  });
});
