/*
 * Who may run the data lake's scaffolder actions, tried through the scaffolder's HTTP API the way
 * an analyst, a data engineer of the source's owner group and an admin would: the real scaffolder,
 * catalog, permission and data lake backends with the portal's policy, and a MariaDB source. The
 * templates are what anyone may register in the catalog, so they are written here as an attacker
 * would write them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import datalakePlugin from '@datalake-portal/backstage-plugin-datalake-backend';
import scaffolderModuleDatalake from '@datalake-portal/backstage-plugin-scaffolder-backend-module-datalake';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { stringify } from 'yaml';
import permissionPolicyModule from '../permissions';

jest.setTimeout(120_000);

// The MariaDB without binary logging that scripts/services.sh starts (root, no password).
const MARIADB_PORT = 3307;
const DATABASE = `authz_${process.pid}`;
const DB_USER = `authz_${process.pid}`;
const SOURCE = 'authz';
const SOURCE_OWNER = 'group:default/data-engineering';

/** Who belongs where, as the sign-in resolver would put it into the users' tokens. */
const DIRECTORY: Record<string, string[]> = {
  'user:default/ana': ['group:default/analysts'],
  'user:default/dana': [SOURCE_OWNER],
  'user:default/pat': ['group:default/data-platform'],
};
const directoryUserInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: (): UserInfoService => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(DIRECTORY[ref] ?? [])],
      };
    },
  }),
});

/**
 * The mock HTTP auth, with one thing the mock tokens lack: a token a plugin gets on behalf of a
 * user carries that plugin as the actor, as real on-behalf-of tokens do. Without it the permission
 * backend takes the catalog's and scaffolder's conditional requests for direct user requests and
 * refuses them.
 */
const onBehalfOfHttpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    const SERVICE_PREFIX = 'mock-service-token:';
    return {
      async credentials(req: any, options?: any) {
        const credentials: BackstageCredentials = await inner.credentials(
          req,
          options,
        );
        const token = String(req.headers.authorization ?? '').replace(
          /^Bearer /,
          '',
        );
        const principal = credentials.principal as { userEntityRef?: string };
        if (token.startsWith(SERVICE_PREFIX) && principal.userEntityRef) {
          const { sub } = JSON.parse(token.slice(SERVICE_PREFIX.length));
          return mockCredentials.user(principal.userEntityRef, {
            actor: { subject: String(sub) },
          }) as any;
        }
        return credentials as any;
      },
      issueUserCookie: (res, options) => inner.issueUserCookie(res, options),
    } as HttpAuthService;
  },
});

const as = (user: string) => mockCredentials.user.header(user);

function template(
  name: string,
  steps: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name },
    spec: {
      owner: 'group:default/data-platform',
      type: 'service',
      parameters: [
        {
          properties: {
            sourceId: { type: 'string' },
            owner: { type: 'string' },
          },
        },
      ],
      steps,
      ...extra,
    },
  };
}

const inspectStep = {
  id: 'inspect',
  action: 'datalake:mysql:source:inspect',
  input: {
    sourceId: '${{ parameters.sourceId }}',
    tables: ['orders'],
    requireReady: false,
  },
};
const planStep = (inspection: unknown) => ({
  id: 'plan',
  action: 'datalake:pipeline:ingestion:plan',
  input: {
    sourceId: '${{ parameters.sourceId }}',
    inspection,
    tables: ['orders'],
    owner: '${{ parameters.owner }}',
  },
});

/** A plan over the inspect step's report: what the new-ingestion template does first. */
const PROBE = template('authz-probe', [
  inspectStep,
  planStep('${{ steps.inspect.output.report }}'),
]);
/** A plan over a report the template wrote itself: a table the source may not even have. */
const FORGED = template('authz-forged', [
  planStep({
    database: DATABASE,
    tables: [
      {
        name: 'orders',
        columns: [
          {
            name: 'id',
            mysqlType: 'bigint',
            nullable: false,
            icebergType: 'long',
          },
          {
            name: 'card_number',
            mysqlType: 'varchar(19)',
            nullable: true,
            icebergType: 'string',
          },
        ],
        primaryKey: ['id'],
      },
    ],
    findings: [],
    ready: true,
  }),
]);
/** Registers an entity that is not one of the source's pipeline entities. */
const SMUGGLE = template('authz-smuggle', [
  { id: 'render', action: 'fetch:template', input: { url: './skeleton' } },
  {
    id: 'register',
    action: 'datalake:catalog:pipeline:register',
    input: { sourceId: '${{ parameters.sourceId }}', owner: SOURCE_OWNER },
  },
]);

describe('the data lake scaffolder actions through the scaffolder API', () => {
  let dir: string;
  let server: any;

  beforeAll(async () => {
    const root = await mysql.createConnection({
      host: '127.0.0.1',
      port: MARIADB_PORT,
      user: 'root',
      multipleStatements: true,
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\`;
      CREATE DATABASE \`${DATABASE}\`;
      CREATE TABLE \`${DATABASE}\`.orders (id BIGINT UNSIGNED PRIMARY KEY, status VARCHAR(10));`);
    await root.query(`CREATE OR REPLACE USER ?@'%' IDENTIFIED BY 'authz'`, [
      DB_USER,
    ]);
    await root.query(`GRANT SELECT ON \`${DATABASE}\`.* TO ?@'%'`, [DB_USER]);
    await root.end();

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authz-'));
    for (const t of [PROBE, FORGED, SMUGGLE]) {
      fs.writeFileSync(path.join(dir, `${t.metadata.name}.yaml`), stringify(t));
    }
    fs.mkdirSync(path.join(dir, 'skeleton'));
    fs.writeFileSync(
      path.join(dir, 'skeleton', 'catalog-info.yaml'),
      stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'data-platform-backdoor' },
        spec: { type: 'team', children: [], members: ['ana'] },
      }),
    );

    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleDatalake,
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        datalakePlugin,
        permissionPlugin,
        permissionPolicyModule,
        directoryUserInfo,
        onBehalfOfHttpAuth,
        mockServices.rootConfig.factory({
          data: {
            permission: {
              enabled: true,
              datalake: { admins: ['group:default/data-platform'] },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Template', 'Location'] }],
              locations: [{ type: 'file', target: path.join(dir, '*.yaml') }],
            },
            datalake: {
              aws: { region: 'us-east-1' },
              sources: [
                {
                  id: SOURCE,
                  title: 'Authorization test source',
                  owner: SOURCE_OWNER,
                  host: '127.0.0.1',
                  port: MARIADB_PORT,
                  database: DATABASE,
                  user: DB_USER,
                  password: 'authz',
                  dms: {
                    replicationInstanceArn:
                      'arn:aws:dms:us-east-1:000000000000:rep:authz',
                  },
                },
              ],
              dms: {
                landing: {
                  bucketName: 'datalake-landing',
                  bucketFolder: 'landing',
                  serviceAccessRoleArn:
                    'arn:aws:iam::000000000000:role/datalake-dms-s3',
                },
              },
              pipeline: {
                glue: {
                  roleArn: 'arn:aws:iam::000000000000:role/datalake-glue',
                },
                stepFunctions: {
                  roleArn: 'arn:aws:iam::000000000000:role/datalake-pipeline',
                },
              },
              catalog: { pipelinesDirectory: path.join(dir, 'pipelines') },
            },
          },
        }),
      ],
    });
    server = backend.server;

    // The templates reach the catalog through its file location.
    const deadline = Date.now() + 60_000;
    for (const name of ['authz-probe', 'authz-forged', 'authz-smuggle']) {
      for (;;) {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/template/default/${name}`)
          .set('Authorization', as('user:default/pat'));
        if (res.status === 200) break;
        if (Date.now() > deadline) {
          const all = await request(server)
            .get('/api/catalog/entities')
            .set('Authorization', as('user:default/pat'));
          throw new Error(
            `${name} never arrived: ${res.status} ${JSON.stringify(
              res.body,
            )}; the catalog holds ${JSON.stringify(all.body).slice(0, 2000)}`,
          );
        }
        await new Promise(r => setTimeout(r, 250));
      }
    }
  });

  afterAll(async () => {
    const root = await mysql.createConnection({
      host: '127.0.0.1',
      port: MARIADB_PORT,
      user: 'root',
    });
    await root.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await root.query(`DROP USER IF EXISTS ?@'%'`, [DB_USER]);
    await root.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a registered template as a user; resolves with the task's status, steps and error. */
  async function run(
    user: string,
    name: string,
    values: Record<string, unknown>,
  ) {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', as(user))
      .send({ templateRef: `template:default/${name}`, values });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const task = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set('Authorization', as(user));
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = await request(server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
          .set('Authorization', as(user));
        const steps: Record<string, string> = {};
        for (const e of events.body) {
          if (e.body?.stepId && e.body?.status) {
            steps[e.body.stepId] = e.body.status;
          }
        }
        const completion = events.body.find(
          (e: any) => e.type === 'completion',
        );
        return {
          id: created.body.id as string,
          status: task.body.status as string,
          steps,
          error: (completion?.body?.error?.message ?? '') as string,
        };
      }
      if (Date.now() > deadline) throw new Error(`task ${name} never ended`);
      await new Promise(r => setTimeout(r, 200));
    }
  }

  it('refuses an analyst outside the source’s owner group at the first action', async () => {
    const task = await run('user:default/ana', 'authz-probe', {
      sourceId: SOURCE,
      owner: 'group:default/analysts',
    });
    expect(task).toMatchObject({
      status: 'failed',
      steps: { inspect: 'failed' },
    });
    expect(task.error).toBe(
      "Not allowed: datalake.pipeline.create on source 'authz' (members of its owner group and admins only)",
    );
  });

  it('lets a member of the owner group plan the pipeline for their group, and only for it', async () => {
    const own = await run('user:default/dana', 'authz-probe', {
      sourceId: SOURCE,
      owner: SOURCE_OWNER,
    });
    expect(own).toMatchObject({
      status: 'completed',
      steps: { inspect: 'completed', plan: 'completed' },
    });

    const foreign = await run('user:default/dana', 'authz-probe', {
      sourceId: SOURCE,
      owner: 'group:default/analysts',
    });
    expect(foreign).toMatchObject({
      status: 'failed',
      steps: { inspect: 'completed', plan: 'failed' },
    });
    expect(foreign.error).toMatch(
      /^Not allowed: owner 'group:default\/analysts' is neither you nor one of your groups/,
    );
  });

  it('lets an admin give the pipeline to any group, but not build one for an unconfigured source', async () => {
    const task = await run('user:default/pat', 'authz-probe', {
      sourceId: SOURCE,
      owner: 'group:default/analysts',
    });
    expect(task.status).toBe('completed');

    const unknown = await run('user:default/pat', 'authz-probe', {
      sourceId: 'payroll',
      owner: 'group:default/analysts',
    });
    expect(unknown.status).toBe('failed');
    expect(unknown.error).toBe(
      "source 'payroll' is not configured in datalake.sources (configured: authz)",
    );
  });

  it('refuses an inspection report that the template wrote itself, for admins too', async () => {
    for (const user of ['user:default/dana', 'user:default/pat']) {
      const task = await run(user, 'authz-forged', {
        sourceId: SOURCE,
        owner: SOURCE_OWNER,
      });
      expect(task).toMatchObject({
        status: 'failed',
        steps: { plan: 'failed' },
      });
      expect(task.error).toMatch(
        /^inspection is not a report that datalake:mysql:source:inspect made for source 'authz'/,
      );
    }
  });

  it('registers no entity but the source’s pipeline entities', async () => {
    const task = await run('user:default/dana', 'authz-smuggle', {
      sourceId: SOURCE,
    });
    expect(task).toMatchObject({
      status: 'failed',
      steps: { render: 'completed', register: 'failed' },
    });
    expect(task.error).toMatch(
      /^group:default\/data-platform-backdoor is not an entity of the authz pipeline/,
    );
    expect(fs.existsSync(path.join(dir, 'pipelines'))).toBe(false);
  });

  it('shows and cancels a task only for the user who started it, and admins', async () => {
    const task = await run('user:default/dana', 'authz-probe', {
      sourceId: SOURCE,
      owner: SOURCE_OWNER,
    });
    const read = (user: string) =>
      request(server)
        .get(`/api/scaffolder/v2/tasks/${task.id}`)
        .set('Authorization', as(user));
    expect((await read('user:default/ana')).status).toBe(403);
    expect((await read('user:default/dana')).status).toBe(200);
    expect((await read('user:default/pat')).status).toBe(200);
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${task.id}/events`)
      .set('Authorization', as('user:default/ana'));
    expect(events.status).toBe(403);
    const cancel = await request(server)
      .post(`/api/scaffolder/v2/tasks/${task.id}/cancel`)
      .set('Authorization', as('user:default/ana'));
    expect(cancel.status).toBe(403);
    const list = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set('Authorization', as('user:default/ana'));
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t: { id: string }) => t.id)).not.toContain(
      task.id,
    );
  });

  it('keeps dry runs of inline templates for admins', async () => {
    const dryRun = (user: string) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', as(user))
        .send({
          template: PROBE,
          values: { sourceId: SOURCE, owner: SOURCE_OWNER },
          directoryContents: [],
        });
    expect((await dryRun('user:default/ana')).status).toBe(403);
    expect((await dryRun('user:default/dana')).status).toBe(403);
    const admin = await dryRun('user:default/pat');
    expect(admin.status).toBe(200);
    expect(admin.body.steps.map((s: { id: string }) => s.id)).toEqual([
      'inspect',
      'plan',
    ]);
  });
});
