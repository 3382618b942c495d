/*
 * "Run now" on a pipeline entity, through the route, with the AWS SDK mocked: the state machine
 * comes from the provider-emitted tables whose Glue parameters name the pipeline, and every one
 * of them must be allowed. Run now on a table runs against the emulator
 * (pipelineRun.integration.test.ts).
 */
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
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
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datalakePipelineRunPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import { mockClient } from 'aws-sdk-client-mock';
import express from 'express';
import request from 'supertest';
import {
  mockedRunServices,
  providerTableEntity,
} from './__testUtils__/mockedRunServices';
import { createRunsRouter } from './createRunsRouter';
import { PipelineRunStarter } from './PipelineRunStarter';

const PIPELINE = 'component:default/sakila-ingestion';
const RENTAL = 'resource:default/sakila_silver.rental';
const PAYMENT = 'resource:default/sakila_gold.payments';
const ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:datalake-sakila';
const OTHER_ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:datalake-films';

const table = providerTableEntity;

function pipelineComponent(name: string, type = 'data-pipeline'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        // From a user's repository: never read for the state machine.
        'datalake-portal.io/state-machine-arn': OTHER_ARN,
      },
    },
    spec: { type, lifecycle: 'production', owner: 'group:default/x' },
  };
}

const entities: Entity[] = [
  pipelineComponent('sakila-ingestion'),
  pipelineComponent('empty-ingestion'),
  pipelineComponent('website', 'website'),
  table('sakila_silver', 'rental'),
  table('sakila_gold', 'payments'),
  // Another source's table, and one a user registered claiming the source: neither counts.
  table('films_silver', 'film', { system: 'system:default/films' }),
  table('sakila_silver', 'customer', { trusted: false }),
  // A table of the source that another pipeline writes.
  table('sakila_silver', 'staff'),
];

const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const dms = mockClient(DatabaseMigrationServiceClient);
const scheduler = mockClient(SchedulerClient);

afterAll(() => {
  for (const client of [glue, sfn, dms, scheduler]) client.restore();
});

beforeEach(() => {
  for (const client of [glue, sfn, dms, scheduler]) client.reset();
  glue.on(GetJobRunsCommand).resolves({ JobRuns: [] });
  dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
  scheduler.on(GetScheduleCommand).rejects(
    new ResourceNotFoundException({
      message: 'none',
      Message: 'none',
      $metadata: { httpStatusCode: 404 },
    }),
  );
  glue.on(GetTableCommand).callsFake(input => ({
    Table: {
      Name: input.Name,
      DatabaseName: input.DatabaseName,
      Parameters: {
        'datalake.source': 'sakila',
        'datalake.pipeline':
          input.Name === 'staff' ? 'datalake-staffing' : 'datalake-sakila',
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
    startDate: new Date('2026-03-01T10:00:00Z'),
  }));
});

function app(decide: (resourceRef: string) => AuthorizeResult) {
  const { catalog, tables, runs, aws, logger } = mockedRunServices(entities);
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(
    async requests =>
      requests.map(r => ({
        result: decide((r as { resourceRef: string }).resourceRef),
      })) as any,
  );
  const starter = new PipelineRunStarter({
    ...{ catalog, tables, permissions, runs, aws, logger },
    auth: mockServices.auth(),
  });
  const server = express()
    .use(
      createRunsRouter({
        // Signed in as user:default/mock.
        httpAuth: mockServices.httpAuth(),
        runs,
        starter,
      }),
    )
    .use(mockErrorHandler());
  return { server, permissions, logger };
}

const start = (server: express.Express, entityRef: string) =>
  request(server).post('/v1/runs/start').send({ entityRef });

describe('POST /v1/runs/start on a pipeline entity', () => {
  it("starts the pipeline found from its tables' Glue parameters when every table is allowed", async () => {
    const { server, permissions, logger } = app(() => AuthorizeResult.ALLOW);
    const res = await start(server, PIPELINE);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      entityRef: PIPELINE,
      pipeline: 'datalake-sakila',
      executionArn: expect.stringContaining(':execution:datalake-sakila:'),
    });
    // Asked once, on each table the pipeline writes: not the other source's, not the one a
    // user registered, not the one another pipeline writes.
    expect(permissions.authorize).toHaveBeenCalledTimes(1);
    expect(
      permissions.authorize.mock.calls[0][0]
        .map(r => (r as { resourceRef: string }).resourceRef)
        .sort(),
    ).toEqual([PAYMENT, RENTAL]);
    expect(permissions.authorize.mock.calls[0][0][0].permission).toBe(
      datalakePipelineRunPermission,
    );
    // The state machine is the pipeline's, not the one the component's annotation names.
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(
      sfn.commandCalls(StartExecutionCommand)[0].args[0].input.stateMachineArn,
    ).toBe(ARN);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `Pipeline datalake-sakila started by user:default/mock for ${PIPELINE}`,
      ),
      expect.objectContaining({ audit: 'datalake.pipeline.run' }),
    );
  });

  it('refuses with 403 when any table of the pipeline is denied, and starts nothing', async () => {
    const { server } = app(ref =>
      ref === PAYMENT ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    );
    const res = await start(server, PIPELINE);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      new RegExp(`pipeline datalake-sakila: it writes ${PAYMENT}`),
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 404 for a pipeline that writes no table, and for a component that is no pipeline', async () => {
    const { server, permissions } = app(() => AuthorizeResult.ALLOW);
    const empty = await start(server, 'component:default/empty-ingestion');
    expect(empty.status).toBe(404);
    expect(empty.body.error.message).toMatch(
      /No data lake table is written by pipeline datalake-empty/,
    );
    const website = await start(server, 'component:default/website');
    expect(website.status).toBe(404);
    expect(website.body.error.message).toMatch(/No data pipeline entity/);
    const missing = await start(server, 'component:default/nope-ingestion');
    expect(missing.status).toBe(404);
    expect(permissions.authorize).not.toHaveBeenCalled();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 409 while the pipeline is running', async () => {
    sfn.on(ListExecutionsCommand, { statusFilter: 'RUNNING' }).resolves({
      executions: [
        {
          executionArn: `${ARN}:nightly`,
          stateMachineArn: ARN,
          name: 'nightly',
          status: 'RUNNING',
          startDate: new Date('2026-03-01T02:00:00Z'),
        },
      ],
    });
    const { server } = app(() => AuthorizeResult.ALLOW);
    const res = await start(server, PIPELINE);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /Pipeline datalake-sakila is already running \(execution nightly/,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('GET /v1/runs on a pipeline entity', () => {
  it("answers the executions of the pipeline's state machine", async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${ARN}:nightly`,
          stateMachineArn: ARN,
          name: 'nightly',
          status: 'SUCCEEDED',
          startDate: new Date('2026-03-01T02:00:00Z'),
          stopDate: new Date('2026-03-01T02:10:00Z'),
        },
      ],
    });
    const { server } = app(() => AuthorizeResult.ALLOW);
    const res = await request(server)
      .get('/v1/runs')
      .query({ entityRef: PIPELINE });
    expect(res.status).toBe(200);
    expect(
      res.body.runs
        .filter((r: any) => r.source === 'stepFunctions')
        .map((r: any) => [r.name, r.id, r.status]),
    ).toEqual([['datalake-sakila', 'nightly', 'succeeded']]);
    expect(res.body.sources.stepFunctions).toEqual({ status: 'ok' });
    expect(scheduler.commandCalls(GetScheduleCommand)[0].args[0].input).toEqual(
      { Name: 'datalake-sakila' },
    );
  });
});
