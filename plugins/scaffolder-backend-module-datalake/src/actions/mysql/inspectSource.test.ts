import { InputError } from '@backstage/errors';
import mysql from 'mysql2/promise';
import { parse } from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { MysqlSourceConfig } from '@datalake-portal/backstage-plugin-datalake-node';
import { createMysqlSourceInspectAction } from './inspectSource';
import { examples } from './inspectSource.examples';

jest.setTimeout(30_000);

// Real MariaDB on 127.0.0.1:3307, the server scripts/services.sh starts with binary logging off,
// so the source is never ready.
const MARIADB_PORT = 3307;
const database = `dl_action_test_${process.pid}`;
const user = `dl_action_${process.pid}`;
const password = 'action-test-password';
const sakila: MysqlSourceConfig = {
  id: 'sakila',
  title: 'Sakila',
  owner: 'group:default/data-platform',
  host: '127.0.0.1',
  port: MARIADB_PORT,
  database,
  user,
  password,
  connectTimeoutMs: 1000,
};

async function root() {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: MARIADB_PORT,
    user: 'root',
    multipleStatements: true,
  });
}

beforeAll(async () => {
  const conn = await root();
  await conn.query(`CREATE DATABASE \`${database}\`;
    CREATE TABLE \`${database}\`.film_actor (actor_id SMALLINT UNSIGNED NOT NULL, film_id SMALLINT UNSIGNED NOT NULL, PRIMARY KEY (actor_id, film_id));
    CREATE TABLE \`${database}\`.film_category (film_id SMALLINT UNSIGNED NOT NULL, category_id TINYINT UNSIGNED NOT NULL, PRIMARY KEY (film_id, category_id));`);
  await conn.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await conn.query(`GRANT SELECT ON \`${database}\`.* TO ?@'%'`, [user]);
  await conn.end();
});

afterAll(async () => {
  const conn = await root();
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`DROP USER IF EXISTS ?@'%'`, [user]);
  await conn.end();
});

function inputOf(example: string) {
  return parse(example).steps[0].input;
}

describe('datalake:mysql:source:inspect', () => {
  const action = createMysqlSourceInspectAction({ sources: [sakila] });

  it('runs the example that tolerates blockers and outputs the report', async () => {
    const ctx = createMockActionContext({
      input: inputOf(examples[0].example),
    });
    await action.handler(ctx as any);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.tables).toEqual(['film_actor', 'film_category']);
    expect(outputs.ready).toBe(false);
    expect(outputs.report.tables[0].mergeKey.columns).toEqual([
      'actor_id',
      'film_id',
    ]);
    expect(outputs.blockers.join('\n')).toMatch(/Binary logging is off/);
    expect(outputs.blockers.join('\n')).toMatch(/lacks REPLICATION CLIENT/);
  });

  it('runs the example that requires readiness and fails with the blockers', async () => {
    const ctx = createMockActionContext({
      input: inputOf(examples[1].example),
    });
    const run = action.handler(ctx as any);
    await expect(run).rejects.toThrow(InputError);
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /Source 'sakila' is not ready for CDC:\n- Binary logging is off/,
    );
  });

  it('answers an unknown source with NotFoundError', async () => {
    const ctx = createMockActionContext({ input: { sourceId: 'other' } });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      "No data lake source with id 'other' is configured",
    );
  });
});
