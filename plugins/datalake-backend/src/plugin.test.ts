import net from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { datalakePlugin } from './plugin';

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

async function startBackend(
  result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
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
      ...(result ? [mockServices.permissions.factory({ result })] : []),
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
  it('lists the configured sources without credentials', async () => {
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
      host: '127.0.0.1',
      port: MARIADB_PORT,
      database,
      dmsMode: 'replication-instance',
    });
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual([
        'database',
        'dmsMode',
        'host',
        'id',
        'owner',
        'port',
        'title',
      ]);
    }
    expect(JSON.stringify(res.body)).not.toContain(password);
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
      message: 'Not allowed: datalake.source.inspect',
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
