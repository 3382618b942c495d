import { describeServer } from './readSourceCatalog';
import { binlogRetentionSeconds, checkServerSettings } from './serverChecks';

function run(variables: Record<string, string>) {
  const map = new Map(Object.entries(variables));
  return checkServerSettings(map, describeServer(map));
}

const mysql8Ready = {
  version: '8.0.36',
  version_comment: 'MySQL Community Server - GPL',
  basedir: '/usr/',
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  binlog_checksum: 'NONE',
  server_id: '1',
  expire_logs_days: '0',
  binlog_expire_logs_seconds: '2592000',
  binlog_transaction_compression: 'OFF',
  read_only: 'OFF',
};

describe('checkServerSettings', () => {
  it('accepts a MySQL 8 server set up for DMS, reading retention in seconds', () => {
    const result = run(mysql8Ready);
    expect(result.findings).toEqual([]);
    expect(
      result.checks.find(c => c.name === 'binlog retention (seconds)')?.actual,
    ).toBe('2592000');
  });

  it('reads MySQL 5.7 retention from expire_logs_days', () => {
    expect(binlogRetentionSeconds(new Map([['expire_logs_days', '3']]))).toBe(
      3 * 86400,
    );
    const { binlog_expire_logs_seconds: _dropped, ...mysql57 } = mysql8Ready;
    const result = run({
      ...mysql57,
      version: '5.7.44-log',
      expire_logs_days: '0',
    });
    expect(result.findings.map(f => f.code)).toEqual(['binlog-retention']);
    expect(result.findings[0].message).toMatch(/never purged/);
  });

  it('blocks compressed binlogs and gives RDS fixes on RDS', () => {
    const result = run({
      ...mysql8Ready,
      basedir: '/rdsdbbin/mysql-8.0.36.R2/',
      log_bin: 'OFF',
      binlog_format: 'MIXED',
      binlog_transaction_compression: 'ON',
    });
    const byCode = Object.fromEntries(result.findings.map(f => [f.code, f]));
    expect(Object.keys(byCode).sort()).toEqual([
      'binlog-compression',
      'binlog-disabled',
      'binlog-format',
      'binlog-retention-rds',
    ]);
    expect(byCode['binlog-disabled'].fix).toMatch(/automated backups/);
    expect(byCode['binlog-format'].fix).toMatch(/parameter group/);
    expect(byCode['binlog-retention-rds'].fix).toBe(
      "CALL mysql.rds_set_configuration('binlog retention hours', 24);",
    );
  });

  it('warns about a read-only replica that does not log replicated changes', () => {
    const result = run({
      ...mysql8Ready,
      read_only: 'ON',
      log_replica_updates: 'OFF',
    });
    expect(result.findings.map(f => f.code)).toEqual(['replica-log-updates']);
  });

  it('names the MariaDB restart caveat and its compression variable', () => {
    const result = run({
      ...mysql8Ready,
      version: '10.11.6-MariaDB',
      binlog_transaction_compression: undefined as unknown as string,
      log_bin_compress: 'ON',
      binlog_format: 'STATEMENT',
    });
    const codes = result.findings.map(f => f.code);
    expect(codes).toEqual(['binlog-format', 'binlog-compression']);
    expect(result.findings[0].fix).toMatch(/MariaDB, restart/);
    expect(result.findings[1].message).toMatch(/^log_bin_compress is ON/);
  });
});
