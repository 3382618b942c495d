import net from 'node:net';
import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { datalakePlugin } from './plugin';
import { decideSourcePermission } from './sources';
import { recordingAuditor } from './access/__testUtils__/accessTestBackend';

jest.setTimeout(30_000);

// Real MariaDB on 127.0.0.1:3307 (root, no password): the server scripts/services.sh starts with
// binary logging off, so that the preflight has blockers to report.
const MARIADB_PORT = 3307;
const database = `dl_backend_test_${process.pid}`;
const user = `dl_backend_${process.pid}`;
const password = 'backend-test-password';
let silentServer: net.Server;
let silentPort: number;
const silentSockets: net.Socket[] = [];

function source(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: `Source ${id}`,
    owner: 'group:default/data-platform',
    host: '127.0.0.1',
    port: MARIADB_PORT,
    database,
    user,
    password,
    connectTimeoutMs: 500,
    dms: {
      replicationInstanceArn: 'arn:aws:dms:eu-west-1:000000000000:rep:demo',
    },
    ...overrides,
  };
}

/** Who belongs where, and who is an admin, as the portal's policy would see them. */
const DIRECTORY: Record<string, string[]> = {
  'user:default/ana': ['group:default/analysts'],
  'user:default/olga': ['group:default/data-platform'],
  'user:default/pat': ['group:default/admins'],
};

/**
 * A permission service that makes the portal's decisions (`decideSourcePermission`) for the users
 * of {@link DIRECTORY}, as the permission backend would with the portal's policy.
 */
const portalPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => {
    const decide = (
      permission: Permission,
      credentials: BackstageCredentials,
    ) => {
      const principal =
        credentials.principal as Partial<BackstageUserPrincipal>;
      const groups = principal.userEntityRef
        ? DIRECTORY[principal.userEntityRef]
        : undefined;
      const caller = groups
        ? {
            userEntityRef: principal.userEntityRef!,
            ownershipEntityRefs: [principal.userEntityRef!, ...groups],
          }
        : undefined;
      return (
        decideSourcePermission(permission, caller, {
          isAdmin: groups?.includes('group:default/admins') ?? false,
        }) ?? { result: AuthorizeResult.DENY }
      );
    };
    return {
      async authorize(requests, { credentials }) {
        return requests.map(r => decide(r.permission, credentials) as any);
      },
      async authorizeConditional(requests, { credentials }) {
        return requests.map(r => decide(r.permission, credentials) as any);
      },
    };
  },
});

async function startBackend(
  result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY | 'portal-policy',
  auditor?: AuditorService,
) {
  const { server } = await startTestBackend({
    features: [
      datalakePlugin,
      mockServices.rootConfig.factory({
        data: {
          datalake: {
            sources: [
              source('shop'),
              source('wrong-password', {
                user: 'nobody_here',
                password: 'nope',
              }),
              source('black-hole', { port: silentPort }),
              source('no-password', {
                password: undefined,
                secretArn:
                  'arn:aws:secretsmanager:eu-west-1:000000000000:secret:x',
              }),
            ],
          },
        },
      }),
      ...(result === 'portal-policy' ? [portalPermissions] : []),
      ...(result && result !== 'portal-policy'
        ? [mockServices.permissions.factory({ result })]
        : []),
      ...(auditor
        ? [
            createServiceFactory({
              service: coreServices.auditor,
              deps: {},
              factory: () => auditor,
            }),
          ]
        : []),
    ],
  });
  return server;
}

beforeAll(async () => {
  const root = await mysql.createConnection({
    host: '127.0.0.1',
    port: MARIADB_PORT,
    user: 'root',
    multipleStatements: true,
  });
  await root.query(`CREATE DATABASE \`${database}\`;
    CREATE TABLE \`${database}\`.orders (id BIGINT UNSIGNED PRIMARY KEY, status ENUM('new','paid'));
    CREATE TABLE \`${database}\`.order_line (order_id BIGINT UNSIGNED NOT NULL, line INT NOT NULL, PRIMARY KEY (order_id, line));
    CREATE VIEW \`${database}\`.paid_orders AS SELECT id FROM \`${database}\`.orders WHERE status = 'paid';`);
  await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await root.query(`GRANT SELECT ON \`${database}\`.* TO ?@'%'`, [user]);
  await root.end();
  silentServer = net.createServer(s => silentSockets.push(s));
  await new Promise<void>(r => silentServer.listen(0, '127.0.0.1', () => r()));
  silentPort = (silentServer.address() as net.AddressInfo).port;
});

afterAll(async () => {
  const root = await mysql.createConnection({
    host: '127.0.0.1',
    port: MARIADB_PORT,
    user: 'root',
  });
  await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await root.query(`DROP USER IF EXISTS ?@'%'`, [user]);
  await root.end();
  silentSockets.forEach(s => s.destroy());
  await new Promise(r => silentServer.close(r));
});

describe('datalake backend /v1/sources', () => {
  it('lists the configured sources without credentials, host or port', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/datalake/v1/sources');
    expect(res.status).toBe(200);
    expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([
      'shop',
      'wrong-password',
      'black-hole',
      'no-password',
    ]);
    expect(res.body.items[0]).toEqual({
      id: 'shop',
      title: 'Source shop',
      owner: 'group:default/data-platform',
      database,
      dmsMode: 'replication-instance',
    });
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual([
        'database',
        'dmsMode',
        'id',
        'owner',
        'title',
      ]);
    }
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    const one = await request(server).get('/api/datalake/v1/sources/shop');
    expect(one.body).not.toHaveProperty('host');
    expect(one.body).not.toHaveProperty('port');
  });

  it('answers an unknown source with 404 and a malformed id with 400', async () => {
    const server = await startBackend();
    const unknown = await request(server).get('/api/datalake/v1/sources/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      name: 'NotFoundError',
      message: "No data lake source with id 'nope' is configured",
    });
    const inspectUnknown = await request(server)
      .post('/api/datalake/v1/sources/nope/inspect')
      .send({});
    expect(inspectUnknown.status).toBe(404);
    const malformed = await request(server).get(
      "/api/datalake/v1/sources/a';DROP",
    );
    expect(malformed.status).toBe(400);
  });

  it('inspects base tables and leaves views out', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .send({});
    expect(res.status).toBe(200);
    expect(res.body.tables.map((t: { name: string }) => t.name)).toEqual([
      'order_line',
      'orders',
    ]);
    expect(res.body.excludedViews).toEqual(['paid_orders']);
    const orders = res.body.tables[1];
    expect(orders.columns[0].mapping).toMatchObject({
      icebergType: 'decimal(20,0)',
      dmsType: 'UINT8',
    });
    expect(res.body.tables[0].mergeKey.columns).toEqual(['order_id', 'line']);
  });

  it('restricts the inspection to the requested tables', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .send({ tables: ['orders'] });
    expect(res.status).toBe(200);
    expect(res.body.tables.map((t: { name: string }) => t.name)).toEqual([
      'orders',
    ]);
  });

  it.each([
    ["orders'; DROP TABLE orders; --"],
    ['orders`'],
    ['orders"'],
    ['orders;'],
  ])('rejects the table name %j with 400', async name => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .send({ tables: [name] });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /body\.tables\.0: a table name holds only/,
    );
    expect(res.body.error.stack).toBeUndefined();
  });

  it('rejects unknown body fields and non-array tables with 400', async () => {
    const server = await startBackend();
    const extra = await request(server)
      .post('/api/datalake/v1/sources/shop/preflight')
      .send({ tables: ['orders'], host: 'evil.example' });
    expect(extra.status).toBe(400);
    const notArray = await request(server)
      .post('/api/datalake/v1/sources/shop/preflight')
      .send({ tables: 'orders' });
    expect(notArray.status).toBe(400);
  });

  it('runs the CDC preflight and reports the binlog blockers of this server', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/preflight')
      .send({ tables: ['orders', 'order_line'] });
    expect(res.status).toBe(200);
    expect(res.body.ready).toBe(false);
    expect(res.body.tables).toEqual(['order_line', 'orders']);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining([
        'binlog-disabled',
        'binlog-format',
        'missing-replication-privileges',
      ]),
    );
  });

  it('answers a wrong password with 400', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/wrong-password/inspect')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /rejected the user name or password/,
    );
  });

  it('answers an unreachable host with 400 within the configured connect timeout', async () => {
    const server = await startBackend();
    const started = Date.now();
    const res = await request(server)
      .post('/api/datalake/v1/sources/black-hole/preflight')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/within the connect timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers a source without a local password with 400', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/no-password/inspect')
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/has no password in config/);
  });

  it('answers 403 when the permission policy denies', async () => {
    const server = await startBackend(AuthorizeResult.DENY);
    const list = await request(server).get('/api/datalake/v1/sources');
    expect(list.status).toBe(403);
    const inspect = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .send({});
    expect(inspect.status).toBe(403);
    expect(inspect.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        "Not allowed: datalake.source.inspect on source 'shop' (owners of group:default/data-platform and admins only)",
    });
  });

  it('answers a body over the limit with 413 and a JSON error that says so', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .send({ tables: ['x'.repeat(200_000)] });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toEqual({
      name: 'PayloadTooLargeError',
      message: 'The request body is larger than the 100 kB this route accepts',
    });
    const malformed = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .set('content-type', 'application/json')
      .send('{"tables": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toEqual({
      name: 'InputError',
      message: 'The request body is not valid JSON',
    });
  });

  it('answers 401 without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/datalake/v1/sources')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});

describe('datalake backend /v1/sources under the portal policy', () => {
  const as = (name: string) =>
    mockCredentials.user.header(`user:default/${name}`);

  it.each(['inspect', 'preflight'])(
    'refuses the %s of a source to an analyst outside its owner group with 403',
    async route => {
      const server = await startBackend('portal-policy');
      const res = await request(server)
        .post(`/api/datalake/v1/sources/shop/${route}`)
        .set('Authorization', as('ana'))
        .send({ tables: ['orders'] });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          "Not allowed: datalake.source.inspect on source 'shop' (owners of group:default/data-platform and admins only)",
      });
      // Listing stays open to everyone, without host or port.
      const list = await request(server)
        .get('/api/datalake/v1/sources')
        .set('Authorization', as('ana'));
      expect(list.status).toBe(200);
      expect(list.body.items[0]).not.toHaveProperty('host');
    },
  );

  it.each([
    ['an owner', 'olga'],
    ['an admin', 'pat'],
  ])('lets %s inspect and preflight the source', async (_who, name) => {
    const server = await startBackend('portal-policy');
    const inspect = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .set('Authorization', as(name))
      .send({ tables: ['orders'] });
    expect(inspect.status).toBe(200);
    expect(inspect.body.tables.map((t: { name: string }) => t.name)).toEqual([
      'orders',
    ]);
    const preflight = await request(server)
      .post('/api/datalake/v1/sources/shop/preflight')
      .set('Authorization', as(name))
      .send({ tables: ['orders'] });
    expect(preflight.status).toBe(200);
    expect(preflight.body.tables).toEqual(['orders']);
  });

  it('records each inspection and preflight in the auditor, allowed or refused', async () => {
    const { auditor, events } = recordingAuditor();
    const server = await startBackend('portal-policy', auditor);
    await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .set('Authorization', as('olga'))
      .send({ tables: ['orders'] });
    await request(server)
      .post('/api/datalake/v1/sources/shop/preflight')
      .set('Authorization', as('ana'))
      .send({ tables: ['orders'] });
    expect(events).toEqual([
      {
        eventId: 'source-inspect',
        severityLevel: 'medium',
        meta: {
          actor: 'user:default/olga',
          sourceId: 'shop',
          check: 'inspect',
        },
        outcome: 'success',
        result: { tables: 1 },
      },
      {
        eventId: 'source-inspect',
        severityLevel: 'medium',
        meta: {
          actor: 'user:default/ana',
          sourceId: 'shop',
          check: 'preflight',
        },
        outcome: 'failure',
        error:
          "Not allowed: datalake.source.inspect on source 'shop' (owners of group:default/data-platform and admins only)",
      },
    ]);
  });

  it('refuses inspection to service callers, whom the policy gives no owner group', async () => {
    const server = await startBackend('portal-policy');
    const res = await request(server)
      .post('/api/datalake/v1/sources/shop/inspect')
      .set('Authorization', mockCredentials.service.header())
      .send({});
    expect(res.status).toBe(403);
  });
});
