/*
 * "Reload" through the route, with the AWS SDK mocked: the MySQL table, its DMS task and the
 * pipeline come from the table's Glue parameters; DMS reloads it, and the pipeline starts once
 * the new full load is complete. The emulator's ReloadTables itself is tested against MariaDB
 * (aws-local, reloadTables.test.ts).
 */
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
} from '@aws-sdk/client-database-migration-service';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datalakeTableReloadPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import { mockClient } from 'aws-sdk-client-mock';
import express from 'express';
import request from 'supertest';
import {
  mockedRunServices,
  providerTableEntity,
} from './__testUtils__/mockedRunServices';
import { createRunsRouter } from './createRunsRouter';
import { TableReloader } from './TableReloader';

const ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:datalake-sakila';
const TASK_ARN = 'arn:aws:dms:us-east-1:000000000000:task:ABC';
const BRONZE = 'resource:default/sakila_bronze.payment';
const SILVER = 'resource:default/sakila_silver.payment';
const GOLD = 'resource:default/sakila_gold.revenue';

const UPSTREAM: Record<string, string> = {
  'sakila_bronze.payment': 'mysql:sakila/sakila.payment',
  'sakila_silver.payment': 'sakila_bronze.payment',
  'sakila_gold.revenue': 'sakila_silver.payment,sakila_silver.staff',
};

const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const dms = mockClient(DatabaseMigrationServiceClient);

afterAll(() => {
  for (const client of [glue, sfn, dms]) client.restore();
});

/** DMS as it answers around a reload: the old completed load, then loading, then the new one. */
function fakeDms(options: { taskStatus?: string; tableState?: string } = {}) {
  let reloaded = false;
  let readsAfterReload = 0;
  dms.on(DescribeReplicationTasksCommand).resolves({
    ReplicationTasks: [
      {
        ReplicationTaskIdentifier: 'dl-sakila-main',
        ReplicationTaskArn: TASK_ARN,
        Status: options.taskStatus ?? 'running',
      },
    ],
  });
  dms.on(DescribeTableStatisticsCommand).callsFake(() => {
    if (reloaded) readsAfterReload += 1;
    const loading = reloaded && readsAfterReload < 3;
    return {
      TableStatistics: [
        {
          SchemaName: 'sakila',
          TableName: 'payment',
          TableState: loading
            ? 'Full load'
            : options.tableState ?? 'Table completed',
          FullLoadReloaded: reloaded,
          FullLoadEndTime: loading
            ? undefined
            : new Date(
                reloaded ? '2026-12-02T12:00:00Z' : '2026-12-01T08:00:00Z',
              ),
        },
      ],
    };
  });
  dms.on(ReloadTablesCommand).callsFake(() => {
    reloaded = true;
    return { ReplicationTaskArn: TASK_ARN };
  });
}

beforeEach(() => {
  for (const client of [glue, sfn, dms]) client.reset();
  glue.on(GetTableCommand).callsFake(input => ({
    Table: {
      Name: input.Name,
      DatabaseName: input.DatabaseName,
      Parameters: {
        'datalake.source': 'sakila',
        'datalake.pipeline': 'datalake-sakila',
        'datalake.upstream': UPSTREAM[`${input.DatabaseName}.${input.Name}`],
      },
    },
  }));
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'datalake-sakila',
        stateMachineArn: ARN,
        type: 'STANDARD',
        creationDate: new Date(),
      },
    ],
  });
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  sfn.on(StartExecutionCommand).callsFake(input => ({
    executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:${
      input.name
    }`,
    startDate: new Date(),
  }));
});

function app(
  decision:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { catalog, tables, runs, aws, logger } = mockedRunServices([
    providerTableEntity('sakila_bronze', 'payment'),
    providerTableEntity('sakila_silver', 'payment'),
    providerTableEntity('sakila_gold', 'revenue'),
  ]);
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(
    async requests => requests.map(() => ({ result: decision })) as any,
  );
  const reloader = new TableReloader({
    ...{ catalog, tables, permissions, runs, aws, logger },
    pollMs: 5,
  });
  const server = express()
    .use(
      createRunsRouter({
        httpAuth: mockServices.httpAuth(),
        runs,
        reloader,
      }),
    )
    .use(mockErrorHandler());
  return { server, permissions, logger, reloader };
}

const reload = (server: express.Express, entityRef: string) =>
  request(server).post('/v1/runs/reload').send({ entityRef });

describe('POST /v1/runs/reload', () => {
  it.each([
    ['a bronze table', BRONZE],
    ['a silver table, through its bronze table', SILVER],
  ])(
    'reloads the MySQL table behind %s, then runs the pipeline once the new load is complete',
    async (_, ref) => {
      fakeDms();
      const { server, permissions, logger, reloader } = app();
      const res = await reload(server, ref);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        entityRef: ref,
        sourceTable: 'sakila.payment',
        replicationTaskArn: TASK_ARN,
        pipeline: 'datalake-sakila',
      });
      expect(permissions.authorize.mock.calls[0][0]).toEqual([
        { permission: datalakeTableReloadPermission, resourceRef: ref },
      ]);
      expect(dms.commandCalls(ReloadTablesCommand)[0].args[0].input).toEqual({
        ReplicationTaskArn: TASK_ARN,
        TablesToReload: [{ SchemaName: 'sakila', TableName: 'payment' }],
        ReloadOption: 'data-reload',
      });
      // Nothing runs while DMS loads: the execution starts after the load is complete.
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      await reloader.settled();
      const started = sfn.commandCalls(StartExecutionCommand);
      expect(started).toHaveLength(1);
      expect(started[0].args[0].input).toMatchObject({
        stateMachineArn: ARN,
        name: expect.stringMatching(/^reload-\d{8}T\d{6}-[0-9a-f]{8}$/),
      });
      expect(
        dms.commandCalls(DescribeTableStatisticsCommand).length,
      ).toBeGreaterThanOrEqual(4);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining(`Table ${ref} reloaded by user:default/mock`),
        expect.objectContaining({ audit: 'datalake.table.reload' }),
      );
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('sakila.payment loaded again'),
        expect.objectContaining({ audit: 'datalake.table.reload.pipeline' }),
      );
    },
  );

  it('refuses with 403 when the policy denies, and reloads nothing', async () => {
    fakeDms();
    const { server } = app(AuthorizeResult.DENY);
    const res = await reload(server, BRONZE);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `You may not reload ${BRONZE}: it is for the table's owners`,
    );
    expect(dms.commandCalls(ReloadTablesCommand)).toHaveLength(0);
  });

  it('answers 404 for a table the caller cannot see, 400 for a gold table and without entityRef', async () => {
    fakeDms();
    const { server, permissions } = app();
    expect(
      (await reload(server, 'resource:default/sakila_bronze.nope')).status,
    ).toBe(404);
    expect(permissions.authorize).not.toHaveBeenCalled();
    const gold = await reload(server, GOLD);
    expect(gold.status).toBe(400);
    expect(gold.body.error.message).toMatch(
      /is not built from one MySQL table; reload its source tables/,
    );
    expect(
      (await request(server).post('/v1/runs/reload').send({})).status,
    ).toBe(400);
    expect(dms.commandCalls(ReloadTablesCommand)).toHaveLength(0);
  });

  it.each([
    [
      'the task is stopped',
      { taskStatus: 'stopped' },
      /DMS task dl-sakila-main is stopped/,
    ],
    [
      'the table is loading',
      { tableState: 'Full load' },
      /sakila\.payment is already being loaded/,
    ],
  ])('answers 409 when %s', async (_, dmsState, message) => {
    fakeDms(dmsState);
    const { server } = app();
    const res = await reload(server, BRONZE);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(message);
    expect(dms.commandCalls(ReloadTablesCommand)).toHaveLength(0);
  });

  it('answers 409 while the pipeline runs', async () => {
    fakeDms();
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${ARN}:x`,
          stateMachineArn: ARN,
          name: 'nightly',
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });
    const { server } = app();
    const res = await reload(server, BRONZE);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /Pipeline datalake-sakila is running \(execution nightly\)/,
    );
    expect(dms.commandCalls(ReloadTablesCommand)).toHaveLength(0);
  });
});
