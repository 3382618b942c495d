/*
 * Raw job errors and log tails of a really failed Glue job run, through the real plugin and
 * routes: the emulator executes the job's script on the local Spark runtime (`.tools/spark`), which
 * writes the run's stderr to CloudWatch Logs as Glue does, and the run status shows its tail to
 * those who may read the table only: its owners, admins and users holding a grant on it.
 */
import {
  CreateJobCommand,
  GetJobRunCommand,
  GlueClient,
  JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  CreateBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  RUN_LOG_TAIL_LINES,
  RunEntry,
  RunsResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { decideAccessRequestPermission } from '../access';
import {
  ACCOUNT,
  createGlueTables,
  CUSTOMER_COLUMNS,
} from '../access/__testUtils__/accessTestBackend';
import { datalakePlugin } from '../plugin';
import { decideRunErrorPermission } from './runErrorPermission';
import { emulatorCalls, setFaults } from './__testUtils__/seededLake';

jest.setTimeout(300_000);

const TABLE_REF = 'resource:default/sakila_silver.customer';
/** The job that writes the table, by the pipeline conventions (system sakila, silver layer). */
const JOB = 'datalake-sakila-silver-customer';
const OWNER_GROUP = 'group:default/data-engineering';
const ADMIN_GROUP = 'group:default/data-platform';
const DIRECTORY: Record<string, string[]> = {
  'user:default/ana': ['group:default/analysts'],
  'user:default/dana': [OWNER_GROUP],
  'user:default/pat': [ADMIN_GROUP],
};
const ana = mockCredentials.user.header('user:default/ana');
const dana = mockCredentials.user.header('user:default/dana');
const pat = mockCredentials.user.header('user:default/pat');

/** A job that fails on a row value, after more stderr than the tail shows. */
const FAILING_SCRIPT = `
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for i in range(60):
    sys.stderr.write("casting row {}\\n".format(i))
raise ValueError("Cannot cast 'N/A' to INT: customer_id=42 email=ana@example.com")
`;

const customer: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'sakila_silver.customer',
    namespace: 'default',
    annotations: {
      // As the Glue provider `lake` (configured below) emits it.
      'backstage.io/managed-by-location': 'datalake:lake',
      'backstage.io/managed-by-origin-location': 'datalake:lake',
      'datalake-portal.io/glue-database': 'sakila_silver',
      'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:${ACCOUNT}:table/sakila_silver/customer`,
      'datalake-portal.io/layer': 'silver',
    },
  },
  spec: {
    type: 'iceberg-table',
    owner: 'data-engineering',
    system: 'sakila',
    columns: CUSTOMER_COLUMNS.map(name => ({
      name,
      type: 'string',
      nullable: true,
      partition: false,
    })),
  },
};

const userOf = (credentials: BackstageCredentials) =>
  (credentials.principal as BackstageUserPrincipal).userEntityRef;

/** The portal's decisions for the small directory above, as the permission backend makes them. */
function decide(
  permission: any,
  credentials: BackstageCredentials,
): PolicyDecision {
  const userEntityRef = userOf(credentials);
  const groups = DIRECTORY[userEntityRef];
  const user = groups
    ? { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] }
    : undefined;
  const isAdmin = groups?.includes(ADMIN_GROUP) ?? false;
  return (
    decideAccessRequestPermission(permission, user, { isAdmin }) ??
    decideRunErrorPermission(permission, user, { isAdmin }) ?? {
      result: AuthorizeResult.ALLOW,
    }
  );
}

async function failedRun(emulator: RunningEmulator): Promise<JobRun> {
  const client = {
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const glue = new GlueClient(client);
  const s3 = new S3Client({ ...client, forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'scripts' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'scripts',
        Key: `jobs/${JOB}.py`,
        Body: FAILING_SCRIPT,
      }),
    );
    await glue.send(
      new CreateJobCommand({
        Name: JOB,
        Role: `arn:aws:iam::${ACCOUNT}:role/glue`,
        GlueVersion: '5.0',
        Command: {
          Name: 'glueetl',
          ScriptLocation: `s3://scripts/jobs/${JOB}.py`,
          PythonVersion: '3',
        },
      }),
    );
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({ JobName: JOB }),
    );
    const deadline = Date.now() + 240_000;
    for (;;) {
      const { JobRun: run } = await glue.send(
        new GetJobRunCommand({ JobName: JOB, RunId: JobRunId }),
      );
      if (
        !['STARTING', 'RUNNING', 'STOPPING', 'WAITING'].includes(
          run!.JobRunState!,
        )
      ) {
        return run!;
      }
      if (Date.now() > deadline) throw new Error(`${JobRunId} did not end`);
      await new Promise(r => setTimeout(r, 250));
    }
  } finally {
    glue.destroy();
    s3.destroy();
  }
}

describe('run errors of a really failed Glue job run', () => {
  let stateDir: string;
  let emulator: RunningEmulator;
  let server: http.Server;
  let stop: () => Promise<void>;
  let run: JobRun;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-errors-emulator-'));
    emulator = await startEmulator({ port: 0, stateDir });
    await createGlueTables(emulator);
    run = await failedRun(emulator);
    const scheduler: SchedulerService = {
      async scheduleTask() {},
      createScheduledTaskRunner: () => ({ run: async () => {} }),
      async triggerTask() {},
      async getScheduledTasks() {
        return [];
      },
      async cancelTask() {},
    };
    const backend = await startTestBackend({
      features: [
        datalakePlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            catalog: {
              providers: {
                datalake: {
                  lake: { accountId: ACCOUNT, region: 'us-east-1' },
                },
              },
            },
            datalake: {
              aws: {
                region: 'us-east-1',
                endpoint: emulator.url,
                maxAttempts: 1,
              },
              // Short, so that the Logs outage below is not answered from the cache.
              runs: { cacheTtlSeconds: 1 },
              access: {
                maxDurationDays: 30,
                grantLeaseSeconds: 0,
                principals: [
                  {
                    entityRef: 'group:default/analysts',
                    principal: `arn:aws:iam::${ACCOUNT}:role/analysts`,
                  },
                ],
                defaultPrincipal: `arn:aws:iam::${ACCOUNT}:role/datalake-{name}`,
              },
            },
          },
        }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalogServiceMock({ entities: [customer] }),
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: BackstageCredentials) {
              const userEntityRef = userOf(credentials);
              return {
                userEntityRef,
                ownershipEntityRefs: [
                  userEntityRef,
                  ...(DIRECTORY[userEntityRef] ?? []),
                ],
              };
            },
          }),
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => ({
            // Only basic permissions come through authorize(); their decisions are definitive.
            async authorize(requests: any[], opts: any) {
              return requests.map(
                r =>
                  decide(
                    r.permission,
                    opts.credentials,
                  ) as DefinitivePolicyDecision,
              );
            },
            async authorizeConditional(requests: any[], opts: any) {
              return requests.map(r => decide(r.permission, opts.credentials));
            },
          }),
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ async send() {} }),
        }),
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await emulator?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function runsAs(authorization: string): Promise<RunsResponse> {
    const res = await request(server)
      .get('/api/datalake/v1/runs')
      .query({ entityRef: TABLE_REF })
      .set('Authorization', authorization);
    expect(res.status).toBe(200);
    return res.body;
  }

  const glueRun = (body: RunsResponse): RunEntry | undefined =>
    body.runs.find(r => r.source === 'glue' && r.id === run.Id);

  function expectTail(entry: RunEntry | undefined) {
    expect(entry).toMatchObject({
      status: 'failed',
      awsStatus: 'FAILED',
      error: run.ErrorMessage,
      logTail: {
        logGroup: '/aws-glue/jobs/error',
        logStream: run.Id,
        status: 'ok',
        truncated: true,
      },
    });
    expect(entry!.errorHidden).toBeUndefined();
    const lines = entry!.logTail!.lines;
    expect(lines).toHaveLength(RUN_LOG_TAIL_LINES);
    expect(lines.join('\n')).toMatch(/ValueError: Cannot cast 'N\/A'/);
    expect(lines).not.toContain('casting row 0');
  }

  it('failed for real, with the row values in its error', () => {
    expect(run.JobRunState).toBe('FAILED');
    expect(run.ErrorMessage).toMatch(/customer_id=42/);
  });

  it('shows an analyst without a grant that the run failed, not its error, and reads no log for them', async () => {
    await emulatorCalls(emulator, true);
    const body = await runsAs(ana);
    expect(glueRun(body)).toMatchObject({
      status: 'failed',
      error: null,
      errorHidden: true,
    });
    expect(glueRun(body)!.logTail).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/customer_id=42|casting row/);
    expect(body.sources).toMatchObject({
      glue: { status: 'ok' },
      logs: { status: 'ok' },
    });
    expect((await emulatorCalls(emulator))['logs.GetLogEvents']).toBe(
      undefined,
    );
  });

  it('shows the owner the error and the tail of the error log', async () => {
    const entry = glueRun(await runsAs(dana));
    expect(entry?.error).toMatch(/customer_id=42/);
    expectTail(entry);
  });

  it('shows an admin the error and the tail of the error log', async () => {
    const entry = glueRun(await runsAs(pat));
    expect(entry?.error).toMatch(/customer_id=42/);
    expectTail(entry);
  });

  it('shows the analyst the error once their access request is granted', async () => {
    const created = await request(server)
      .post('/api/datalake/v1/access-requests')
      .set('Authorization', ana)
      .send({
        entityRef: TABLE_REF,
        permissions: ['SELECT'],
        justification: 'debugging the customer load',
        durationDays: 7,
      });
    expect(created.status).toBe(201);
    const approved = await request(server)
      .post(`/api/datalake/v1/access-requests/${created.body.id}/approve`)
      .set('Authorization', dana)
      .send({});
    expect(approved.body.status).toBe('granted');
    expectTail(glueRun(await runsAs(ana)));
  });

  it('names CloudWatch Logs when it fails, and still answers with the run and its error', async () => {
    // Past the cached tail of the tests above.
    await new Promise(r => setTimeout(r, 1_100));
    await setFaults(emulator, { 'logs.*': { errorRate: 1 } });
    try {
      const body = await runsAs(dana);
      expect(body.sources.glue).toEqual({ status: 'ok' });
      expect(body.sources.logs.status).toBe('error');
      expect(body.sources.logs.error).toMatch(
        new RegExp(`^CloudWatch Logs: ${JOB} run ${run.Id}: `),
      );
      expect(glueRun(body)).toMatchObject({ error: run.ErrorMessage });
      expect(glueRun(body)!.logTail).toBeUndefined();
    } finally {
      await setFaults(emulator, {});
    }
  });
});
