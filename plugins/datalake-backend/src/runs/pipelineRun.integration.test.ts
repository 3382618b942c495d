/*
 * "Run now" through the real route, against the seeded emulator: the caller names a table, the
 * server finds and starts its pipeline, the permission decides, and the new execution is in the
 * Runs answer at once (the cached list of executions is dropped).
 */
import {
  GetJobCommand,
  GlueClient,
  UpdateJobCommand,
} from '@aws-sdk/client-glue';
import {
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunningEmulator } from '@datalake-portal/aws-local';
import { datalakePipelineRunPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import express from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createRunsRouter } from './createRunsRouter';
import { DatalakeStatusServices } from './DatalakeStatusServices';
import {
  catalogEntities,
  SEEDED_PROVIDER_CONFIG,
  startSeededLake,
} from './__testUtils__/seededLake';

jest.setTimeout(180_000);

const SILVER_RENTAL = 'resource:default/sakila_silver.rental';
const PIPELINE = 'component:default/sakila-ingestion';

/** The pipeline entity the new-ingestion template registers (its annotations are not read). */
const PIPELINE_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'sakila-ingestion', namespace: 'default' },
  spec: {
    type: 'data-pipeline',
    lifecycle: 'production',
    owner: 'group:default/data-engineering',
    system: 'system:default/sakila',
  },
};

let running: RunningEmulator;
let entities: Entity[];
const opened: DatalakeStatusServices[] = [];

beforeAll(async () => {
  running = await startSeededLake();
  entities = await catalogEntities(running);
});

afterAll(async () => {
  await Promise.all(opened.map(s => s.close()));
  await running?.close();
});

function app(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(() => ({ result })),
  );
  const logger = mockServices.logger.mock();
  const status = DatalakeStatusServices.create({
    config: mockServices.rootConfig({
      data: {
        ...SEEDED_PROVIDER_CONFIG,
        datalake: {
          aws: { endpoint: running.url, region: 'us-east-1' },
          runs: { cacheTtlSeconds: 60 },
        },
      },
    }),
    logger,
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
      `datalake-${randomUUID()}`,
    ),
    catalog: catalogServiceMock({ entities: [...entities, PIPELINE_ENTITY] }),
    auth: mockServices.auth(),
    permissions,
  });
  opened.push(status);
  const server = express()
    .use(
      createRunsRouter({
        // Signed in as user:default/mock.
        httpAuth: mockServices.httpAuth(),
        runs: status.runs,
        starter: status.starter,
      }),
    )
    .use(mockErrorHandler());
  return { server, permissions, logger };
}

describe('POST /v1/runs/start', () => {
  it('starts the pipeline of a table for an owner, and the Runs answer shows it at once', async () => {
    const { server, permissions, logger } = app(AuthorizeResult.ALLOW);
    // Read first, so that the list of executions is cached.
    const before = await request(server)
      .get('/v1/runs')
      .query({ entityRef: SILVER_RENTAL, limit: 100 });
    expect(before.status).toBe(200);

    const started = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: SILVER_RENTAL });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      entityRef: SILVER_RENTAL,
      pipeline: 'datalake-sakila',
      executionName: expect.stringMatching(/^run-now-\d{8}T\d{6}-[0-9a-f]{8}$/),
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: datalakePipelineRunPermission,
          resourceRef: SILVER_RENTAL,
        },
      ],
      expect.anything(),
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `Pipeline datalake-sakila started by user:default/mock for ${SILVER_RENTAL}`,
      ),
      expect.objectContaining({ audit: 'datalake.pipeline.run' }),
    );

    const after = await request(server)
      .get('/v1/runs')
      .query({ entityRef: SILVER_RENTAL, limit: 100 });
    expect(
      after.body.runs.filter(
        (r: any) =>
          r.source === 'stepFunctions' && r.id === started.body.executionName,
      ),
    ).toHaveLength(1);
  });

  it('refuses a caller the policy denies, and starts nothing', async () => {
    const { server } = app(AuthorizeResult.DENY);
    const before = await request(server)
      .get('/v1/runs')
      .query({ entityRef: SILVER_RENTAL, limit: 100 });
    const res = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: SILVER_RENTAL });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/for the table's owners/);
    const after = await request(app(AuthorizeResult.DENY).server)
      .get('/v1/runs')
      .query({ entityRef: SILVER_RENTAL, limit: 100 });
    const executions = (body: any) =>
      body.runs.filter((r: any) => r.source === 'stepFunctions').length;
    expect(executions(after.body)).toBe(executions(before.body));
  });

  it('answers 409 while the pipeline still runs, and starts no second execution', async () => {
    const aws = {
      endpoint: running.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const glue = new GlueClient(aws);
    const sfn = new SFNClient(aws);
    // One job of the pipeline runs for emulated hours, so the first execution stays RUNNING.
    const JobName = 'datalake-sakila-bronze-rental';
    const { Job } = await glue.send(new GetJobCommand({ JobName }));
    await glue.send(
      new UpdateJobCommand({
        JobName,
        JobUpdate: {
          Role: Job!.Role,
          Command: Job!.Command,
          DefaultArguments: {
            ...Job!.DefaultArguments,
            '--aws-local-duration-ms': String(10 * 3_600_000_000),
          },
        },
      }),
    );
    const { server } = app(AuthorizeResult.ALLOW);
    const first = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: SILVER_RENTAL });
    expect(first.status).toBe(202);
    try {
      const second = await request(server)
        .post('/v1/runs/start')
        .send({ entityRef: SILVER_RENTAL });
      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain(
        `Pipeline datalake-sakila is already running (execution ${first.body.executionName}`,
      );
      const { executions = [] } = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: first.body.executionArn.replace(
            /:execution:([^:]+):.*$/,
            ':stateMachine:$1',
          ),
          statusFilter: 'RUNNING',
        }),
      );
      expect(executions.map(e => e.name)).toEqual([first.body.executionName]);
    } finally {
      await sfn.send(
        new StopExecutionCommand({ executionArn: first.body.executionArn }),
      );
      await glue.send(
        new UpdateJobCommand({
          JobName,
          JobUpdate: {
            Role: Job!.Role,
            Command: Job!.Command,
            DefaultArguments: Job!.DefaultArguments,
          },
        }),
      );
    }
  });

  it('answers 404 for a table it does not know and 400 without an entity ref', async () => {
    const { server } = app(AuthorizeResult.ALLOW);
    const missing = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: 'resource:default/sakila_silver.nothing' });
    expect(missing.status).toBe(404);
    const bad = await request(server).post('/v1/runs/start').send({});
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'Invalid request: body.entityRef is required',
    );
    const tooLarge = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: 'x'.repeat(5_000) });
    expect(tooLarge.status).toBe(413);
  });

  it("starts a pipeline entity's pipeline, asking on every table whose Glue parameters name it", async () => {
    const { server, permissions } = app(AuthorizeResult.ALLOW);
    const started = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: PIPELINE });
    expect(started.status).toBe(202);
    try {
      expect(started.body).toMatchObject({
        entityRef: PIPELINE,
        pipeline: 'datalake-sakila',
      });
      const sakilaTables = entities
        .filter(
          e =>
            e.kind === 'Resource' &&
            e.spec?.type === 'iceberg-table' &&
            e.spec?.system === 'system:default/sakila',
        )
        .map(e => stringifyEntityRef(e))
        .sort();
      expect(sakilaTables).toContain(SILVER_RENTAL);
      expect(permissions.authorize).toHaveBeenCalledTimes(1);
      const asked = permissions.authorize.mock.calls[0][0];
      expect(
        asked.every(r => r.permission === datalakePipelineRunPermission),
      ).toBe(true);
      expect(
        asked.map(r => (r as { resourceRef: string }).resourceRef).sort(),
      ).toEqual(sakilaTables);

      const runs = await request(server)
        .get('/v1/runs')
        .query({ entityRef: PIPELINE, limit: 100 });
      expect(runs.status).toBe(200);
      expect(
        runs.body.runs.filter(
          (r: any) =>
            r.source === 'stepFunctions' && r.id === started.body.executionName,
        ),
      ).toHaveLength(1);
      expect(runs.body.schedule).toMatchObject({
        name: 'datalake-sakila',
        state: 'ENABLED',
      });
    } finally {
      await new SFNClient({
        endpoint: running.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      })
        .send(
          new StopExecutionCommand({ executionArn: started.body.executionArn }),
        )
        .catch(() => undefined);
    }
  });

  it('refuses a pipeline entity when one of its tables is denied', async () => {
    const { server, permissions } = app(AuthorizeResult.ALLOW);
    permissions.authorize.mockImplementation(
      async requests =>
        requests.map(r => ({
          result:
            (r as { resourceRef: string }).resourceRef === SILVER_RENTAL
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any,
    );
    const res = await request(server)
      .post('/v1/runs/start')
      .send({ entityRef: PIPELINE });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(SILVER_RENTAL);
  });
});
