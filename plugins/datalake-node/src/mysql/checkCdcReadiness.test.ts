import { checkCdcReadiness } from './checkCdcReadiness';
import { MysqlConnectionOptions } from './MysqlSession';
import {
  loadSakila,
  rootConnection,
  startCdcReadyMariadb,
  ThrowawayMariadb,
} from './__testUtils__/mariadbFixtures';

jest.setTimeout(60_000);

describe('checkCdcReadiness against a MariaDB with binlog ROW/FULL/NONE', () => {
  let server: ThrowawayMariadb;
  let source: MysqlConnectionOptions;

  beforeAll(async () => {
    server = await startCdcReadyMariadb();
    await loadSakila(server, 'sakila', { withData: false });
    const root = await rootConnection(server);
    await root.query(`
      CREATE USER 'dms'@'%' IDENTIFIED BY 'dms-password';
      GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'dms'@'%';
      GRANT SELECT ON sakila.* TO 'dms'@'%';
      CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-password';
      GRANT SELECT ON sakila.actor TO 'reader'@'%';
      GRANT INSERT ON sakila.film TO 'reader'@'%';`);
    await root.end();
    source = {
      host: server.host,
      port: server.port,
      user: 'dms',
      password: 'dms-password',
      database: 'sakila',
      connectTimeoutMs: 2000,
    };
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('reports the server ready for CDC', async () => {
    const report = await checkCdcReadiness(source);

    expect(report.findings.filter(f => f.severity === 'blocker')).toEqual([]);
    expect(report.ready).toBe(true);
    expect(report.checks).toEqual(
      expect.arrayContaining([
        { name: 'log_bin', actual: 'ON', expected: 'ON', ok: true },
        { name: 'binlog_format', actual: 'ROW', expected: 'ROW', ok: true },
        {
          name: 'binlog_row_image',
          actual: 'FULL',
          expected: 'FULL',
          ok: true,
        },
        { name: 'binlog_checksum', actual: 'NONE', expected: 'NONE', ok: true },
        { name: 'server_id', actual: '1', expected: '>= 1', ok: true },
        {
          name: 'binlog retention (seconds)',
          actual: '86400',
          expected: '>= 86400',
          ok: true,
        },
      ]),
    );
    expect(report.checks.every(c => c.ok)).toBe(true);
    expect(report.tables).toHaveLength(16);
    expect(report.queryCount).toBe(5);
  });

  it('still lists the type warnings of a ready server', async () => {
    const report = await checkCdcReadiness(source, { tables: ['address'] });
    expect(report.ready).toBe(true);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: 'column-type',
        severity: 'warning',
        table: 'address',
        column: 'location',
      }),
    );
  });

  it('blocks a user without replication privileges and without SELECT on every table', async () => {
    const report = await checkCdcReadiness(
      { ...source, user: 'reader', password: 'reader-password' },
      { tables: ['actor', 'film', 'rental'] },
    );
    expect(report.ready).toBe(false);
    const blockers = report.findings.filter(f => f.severity === 'blocker');
    expect(blockers.map(f => f.code)).toEqual([
      'missing-replication-privileges',
      'missing-select-privilege',
      'table-not-found',
    ]);
    expect(blockers[0].message).toMatch(
      /lacks REPLICATION CLIENT \(BINLOG MONITOR\) and REPLICATION SLAVE/,
    );
    // film is visible (INSERT only) but not readable; rental is invisible to this user.
    expect(blockers[1].message).toMatch(/may not SELECT from film:/);
    expect(blockers[2]).toMatchObject({ table: 'rental' });
    expect(blockers[2].message).toMatch(/no privilege on it/);
  });
});
