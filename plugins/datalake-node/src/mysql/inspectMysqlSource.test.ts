import net from 'node:net';
import { InputError } from '@backstage/errors';
import { checkCdcReadiness } from './checkCdcReadiness';
import { inspectMysqlSource } from './inspectMysqlSource';
import { MysqlConnectionOptions } from './MysqlSession';
import {
  loadSakila,
  NOT_CDC_READY_MARIADB,
  rootConnection,
} from './__testUtils__/mariadbFixtures';

jest.setTimeout(60_000);

const database = `sakila_test_${process.pid}`;
const limitedUser = `dl_norepl_${process.pid}`;
const limitedPassword = 'not-a-replicator';

const asRoot: MysqlConnectionOptions = {
  host: NOT_CDC_READY_MARIADB.host,
  port: NOT_CDC_READY_MARIADB.port,
  user: 'root',
  password: '',
  database,
  connectTimeoutMs: 2000,
};

// The server with binary logging off, so that the preflight has blockers to report.
describe('inspectMysqlSource against MariaDB on 127.0.0.1:3307 (not CDC-ready) with Sakila', () => {
  beforeAll(async () => {
    await loadSakila(NOT_CDC_READY_MARIADB, database, { withData: true });
    const root = await rootConnection(NOT_CDC_READY_MARIADB);
    await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [
      limitedUser,
      limitedPassword,
    ]);
    await root.query(`GRANT SELECT ON \`${database}\`.* TO ?@'%'`, [
      limitedUser,
    ]);
    await root.end();
  });

  afterAll(async () => {
    const root = await rootConnection(NOT_CDC_READY_MARIADB);
    await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root.query(`DROP USER IF EXISTS ?@'%'`, [limitedUser]);
    await root.end();
  });

  it('finds the 16 base tables, leaves the 7 views out, in four statements', async () => {
    const statements: string[] = [];
    const report = await inspectMysqlSource(asRoot, {
      onQuery: sql => statements.push(sql),
    });

    expect(report.tables.map(t => t.name)).toEqual([
      'actor',
      'address',
      'category',
      'city',
      'country',
      'customer',
      'film',
      'film_actor',
      'film_category',
      'film_text',
      'inventory',
      'language',
      'payment',
      'rental',
      'staff',
      'store',
    ]);
    expect(report.excludedViews.sort()).toEqual([
      'actor_info',
      'customer_list',
      'film_list',
      'nicer_but_slower_film_list',
      'sales_by_film_category',
      'sales_by_store',
      'staff_list',
    ]);
    expect(report.server.flavor).toBe('mariadb');
    expect(report.queryCount).toBe(4);
    expect(statements).toHaveLength(4);
    const rental = report.tables.find(t => t.name === 'rental')!;
    expect(rental.approximateRows).toBeGreaterThan(10_000);
    expect(rental.sizeBytes).toBeGreaterThan(0);
    expect(rental.engine).toBe('InnoDB');
  });

  it('reports the composite keys of film_actor and film_category as merge keys', async () => {
    const report = await inspectMysqlSource(asRoot, {
      tables: ['film_actor', 'film_category'],
    });
    const byName = Object.fromEntries(report.tables.map(t => [t.name, t]));
    expect(byName.film_actor.primaryKey).toEqual({
      name: 'PRIMARY',
      columns: ['actor_id', 'film_id'],
    });
    expect(byName.film_actor.mergeKey).toEqual({
      name: 'PRIMARY',
      columns: ['actor_id', 'film_id'],
      origin: 'primary-key',
    });
    expect(byName.film_category.primaryKey?.columns).toEqual([
      'film_id',
      'category_id',
    ]);
    expect(byName.film_category.mergeKey?.origin).toBe('primary-key');
  });

  it('maps ENUM, SET, YEAR, GEOMETRY and BLOB columns as documented', async () => {
    const report = await inspectMysqlSource(asRoot, {
      tables: ['film', 'address', 'staff'],
    });
    const column = (table: string, name: string) =>
      report.tables
        .find(t => t.name === table)!
        .columns.find(c => c.name === name)!;

    const rating = column('film', 'rating');
    expect(rating.mysqlType).toBe("enum('G','PG','PG-13','R','NC-17')");
    expect(rating.defaultValue).toBe('G');
    expect(rating.mapping).toMatchObject({
      icebergType: 'string',
      dmsType: 'WSTRING(5)',
    });

    const features = column('film', 'special_features');
    expect(features.mysqlType).toMatch(/^set\(/);
    expect(features.mapping).toMatchObject({
      icebergType: 'string',
      sparkType: 'string',
    });
    expect(features.mapping.dmsType).toMatch(/^WSTRING\(\d+\)$/);

    const year = column('film', 'release_year');
    expect(year.mysqlType).toBe('year(4)');
    expect(year.mapping).toMatchObject({ icebergType: 'int', dmsType: 'INT2' });

    const location = column('address', 'location');
    expect(location.mysqlType).toBe('geometry');
    expect(location.mapping).toMatchObject({
      icebergType: 'binary',
      dmsType: 'BLOB',
    });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: 'column-type',
        severity: 'warning',
        table: 'address',
        column: 'location',
      }),
    );

    const picture = column('staff', 'picture');
    expect(picture.mysqlType).toBe('blob');
    expect(picture.nullable).toBe(true);
    expect(picture.mapping).toMatchObject({
      icebergType: 'binary',
      dmsType: 'BYTES(65535)',
    });

    const filmId = column('film', 'film_id');
    expect(filmId.mysqlType).toBe('smallint(5) unsigned');
    expect(filmId.mapping.icebergType).toBe('int');
  });

  it('flags tables without a usable key, non-InnoDB engines and generated columns', async () => {
    const root = await rootConnection(NOT_CDC_READY_MARIADB);
    await root.query(`
      CREATE TABLE \`${database}\`.audit_log (message TEXT) ENGINE=MyISAM;
      CREATE TABLE \`${database}\`.device (
        serial VARCHAR(32) NOT NULL,
        alias VARCHAR(32) NULL,
        label VARCHAR(64) AS (UPPER(serial)) VIRTUAL,
        UNIQUE KEY uq_alias (alias),
        UNIQUE KEY uq_serial (serial)
      ) ENGINE=InnoDB;`);
    await root.end();

    const report = await inspectMysqlSource(asRoot, {
      tables: ['audit_log', 'device'],
    });
    const device = report.tables.find(t => t.name === 'device')!;
    // uq_alias comes first but allows NULL, so it cannot identify a row.
    expect(device.mergeKey).toEqual({
      name: 'uq_serial',
      columns: ['serial'],
      origin: 'unique-key',
    });
    expect(device.columns.find(c => c.name === 'label')?.generated).toBe(
      'virtual',
    );
    const codes = report.findings.map(
      f => `${f.code}:${f.table}${f.column ? `.${f.column}` : ''}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'table-without-key:audit_log',
        'non-innodb-table:audit_log',
        'merge-key-from-unique-key:device',
        'generated-column:device.label',
      ]),
    );
    expect(
      report.findings.find(f => f.code === 'table-without-key'),
    ).toMatchObject({
      severity: 'blocker',
      fix: `ALTER TABLE \`${database}\`.\`audit_log\` ADD PRIMARY KEY (<columns that identify a row>);`,
    });
  });

  it('reports requested views and unknown tables instead of inspecting them', async () => {
    const statements: string[] = [];
    const report = await inspectMysqlSource(asRoot, {
      tables: ['film_actor', 'actor_info', 'no_such_table'],
      onQuery: sql => statements.push(sql),
    });
    expect(report.tables.map(t => t.name)).toEqual(['film_actor']);
    expect(report.excludedViews).toEqual(['actor_info']);
    expect(report.missingTables).toEqual(['actor_info', 'no_such_table']);
    expect(report.findings.filter(f => f.severity === 'blocker')).toEqual([
      expect.objectContaining({
        code: 'view-not-supported',
        table: 'actor_info',
      }),
      expect.objectContaining({
        code: 'table-not-found',
        table: 'no_such_table',
      }),
    ]);
    // The names travel as bound parameters, never inside the statement text.
    expect(statements.join('\n')).not.toMatch(
      /film_actor|actor_info|no_such_table/,
    );
  });

  it.each([
    ["film'; DROP TABLE actor; --"],
    ['actor`; DROP TABLE actor; --'],
    ['actor"'],
    ['actor;'],
    ['actor name'],
  ])('rejects the table name %j before connecting', async name => {
    await expect(
      inspectMysqlSource(asRoot, { tables: [name] }),
    ).rejects.toThrow(InputError);
    await expect(checkCdcReadiness(asRoot, { tables: [name] })).rejects.toThrow(
      /Invalid table name/,
    );
    const report = await inspectMysqlSource(asRoot, { tables: ['actor'] });
    expect(report.tables).toHaveLength(1);
  });

  it('answers a wrong password with an InputError', async () => {
    const attempt = inspectMysqlSource({
      ...asRoot,
      user: limitedUser,
      password: 'wrong password',
    });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(
      inspectMysqlSource({
        ...asRoot,
        user: limitedUser,
        password: 'wrong password',
      }),
    ).rejects.toThrow(
      /rejected the user name or password \(ER_ACCESS_DENIED_ERROR\)/,
    );
  });

  it('answers an unknown database with an InputError', async () => {
    await expect(
      inspectMysqlSource({ ...asRoot, database: `${database}_missing` }),
    ).rejects.toThrow(/database does not exist/);
  });

  it('answers a closed port with an InputError', async () => {
    const probe = net.createServer();
    await new Promise<void>(r => probe.listen(0, '127.0.0.1', () => r()));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise(r => probe.close(r));
    await expect(inspectMysqlSource({ ...asRoot, port })).rejects.toThrow(
      /refused the connection .*\(ECONNREFUSED\)/,
    );
  });

  it('gives up on a host that never answers within the connect timeout', async () => {
    // Accepts TCP connections but never sends the MySQL greeting, like a black-holed endpoint.
    const sockets: net.Socket[] = [];
    const silent = net.createServer(socket => sockets.push(socket));
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      await expect(
        inspectMysqlSource({ ...asRoot, port, connectTimeoutMs: 500 }),
      ).rejects.toThrow(
        /no answer from 127\.0\.0\.1:\d+ within the connect timeout/,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise(r => silent.close(r));
    }
  });

  it('reports the binlog blockers of this server (binary logging is off)', async () => {
    const report = await checkCdcReadiness(asRoot);
    expect(report.ready).toBe(false);
    const blockers = report.findings
      .filter(f => f.severity === 'blocker')
      .map(f => f.code);
    expect(blockers).toEqual(
      expect.arrayContaining([
        'binlog-disabled',
        'binlog-format',
        'binlog-checksum',
      ]),
    );
    expect(blockers).not.toContain('missing-replication-privileges');
    expect(report.checks.find(c => c.name === 'log_bin')).toEqual({
      name: 'log_bin',
      actual: 'OFF',
      expected: 'ON',
      ok: false,
    });
    expect(report.queryCount).toBe(5);
    expect(report.tables).toEqual(
      expect.arrayContaining(['film_actor', 'film_category']),
    );
  });

  it('gives a user without replication privileges the privilege blocker', async () => {
    const report = await checkCdcReadiness({
      ...asRoot,
      user: limitedUser,
      password: limitedPassword,
    });
    expect(report.ready).toBe(false);
    const privilege = report.findings.find(
      f => f.code === 'missing-replication-privileges',
    );
    expect(privilege).toMatchObject({ severity: 'blocker' });
    expect(privilege?.message).toMatch(/REPLICATION CLIENT.*REPLICATION SLAVE/);
    expect(privilege?.fix).toMatch(
      /^GRANT REPLICATION CLIENT, REPLICATION SLAVE ON \*\.\*/,
    );
    // SELECT on the schema is enough for every table.
    expect(report.findings.map(f => f.code)).not.toContain(
      'missing-select-privilege',
    );
  });
});
