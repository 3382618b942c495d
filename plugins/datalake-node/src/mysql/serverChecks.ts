import {
  CdcPreflightCheck,
  SourceFinding,
  SourceServerInfo,
} from '@datalake-portal/backstage-plugin-datalake-common';

const DAY_SECONDS = 86_400;

/** Binlog retention in seconds; MySQL 8 and MariaDB 10.6+ count seconds, 5.7 counts days. */
export function binlogRetentionSeconds(
  variables: Map<string, string>,
): number | null {
  const seconds = Number(variables.get('binlog_expire_logs_seconds') ?? 'NaN');
  const days = Number(variables.get('expire_logs_days') ?? 'NaN');
  if (Number.isFinite(seconds) && seconds > 0) {
    return seconds;
  }
  if (Number.isFinite(days)) {
    return Math.round(days * DAY_SECONDS);
  }
  return Number.isFinite(seconds) ? seconds : null;
}

function isOn(value: string | undefined): boolean {
  return (
    value !== undefined && ['ON', '1', 'TRUE'].includes(value.toUpperCase())
  );
}

function retentionFinding(
  retention: number | null,
  ok: boolean,
  rds: boolean,
): SourceFinding | undefined {
  if (rds) {
    return {
      code: 'binlog-retention-rds',
      severity: 'warning',
      message:
        'On RDS and Aurora the binlog retention comes from mysql.rds_configuration, not from expire_logs_days; by default binlogs go as soon as possible and a paused DMS task loses its position.',
      fix: "CALL mysql.rds_set_configuration('binlog retention hours', 24);",
    };
  }
  if (ok || retention === null) {
    return undefined;
  }
  return {
    code: 'binlog-retention',
    severity: 'warning',
    message:
      retention === 0
        ? 'Binlogs are never purged automatically (expire_logs_days and binlog_expire_logs_seconds are 0): the disk fills up over time.'
        : `Binlogs are purged after ${retention} seconds: a DMS task stopped longer than that cannot resume.`,
    fix: 'Set expire_logs_days=1 or more (MySQL 8: binlog_expire_logs_seconds=86400 or more) in my.cnf.',
  };
}

type Check = {
  check: CdcPreflightCheck;
  finding?: SourceFinding;
};

/**
 * Checks the server settings DMS needs for CDC from a MySQL-compatible source. Fixes name the
 * my.cnf setting for self-managed servers and the parameter group or RDS procedure on RDS/Aurora.
 */
export function checkServerSettings(
  variables: Map<string, string>,
  server: SourceServerInfo,
): { checks: CdcPreflightCheck[]; findings: SourceFinding[] } {
  const rds = server.hosting === 'rds';
  const mariadb = server.flavor === 'mariadb';
  const results: Check[] = [];

  const logBin = variables.get('log_bin');
  results.push({
    check: {
      name: 'log_bin',
      actual: logBin ?? null,
      expected: 'ON',
      ok: isOn(logBin),
    },
    finding: isOn(logBin)
      ? undefined
      : {
          code: 'binlog-disabled',
          severity: 'blocker',
          message:
            'Binary logging is off: DMS reads changes from the binlog, so CDC cannot start.',
          fix: rds
            ? 'Enable automated backups on the RDS instance (backup retention period of 1 day or more); RDS turns binary logging on with them.'
            : 'Set log-bin=mysql-bin (and server-id=1) under [mysqld] in my.cnf and restart the server.',
        },
  });

  const format = variables.get('binlog_format');
  results.push({
    check: {
      name: 'binlog_format',
      actual: format ?? null,
      expected: 'ROW',
      ok: format?.toUpperCase() === 'ROW',
    },
    finding:
      format?.toUpperCase() === 'ROW'
        ? undefined
        : {
            code: 'binlog-format',
            severity: 'blocker',
            message: `binlog_format is ${
              format ?? 'unset'
            }: DMS needs row-based logging; STATEMENT or MIXED logs give inconsistent data in the lake.`,
            fix: `${
              rds
                ? 'Set binlog_format=ROW in the DB parameter group (Aurora: the cluster parameter group).'
                : "Set binlog_format=ROW in my.cnf, or at runtime SET GLOBAL binlog_format = 'ROW';"
            }${
              mariadb
                ? ' On MariaDB, restart the server (or stop and start the DMS task) afterwards: binlogs written before can still be MIXED.'
                : ''
            }`,
          },
  });

  const rowImage = variables.get('binlog_row_image');
  const rowImageOk =
    rowImage === undefined || rowImage.toUpperCase() === 'FULL';
  results.push({
    check: {
      name: 'binlog_row_image',
      actual: rowImage ?? null,
      expected: 'FULL',
      ok: rowImageOk,
    },
    finding: rowImageOk
      ? undefined
      : {
          code: 'binlog-row-image',
          severity: 'blocker',
          message: `binlog_row_image is ${rowImage}: DMS needs the full row in every change, otherwise updates arrive with columns missing.`,
          fix: rds
            ? 'Set binlog_row_image=FULL in the DB parameter group.'
            : "Set binlog_row_image=FULL in my.cnf, or SET GLOBAL binlog_row_image = 'FULL';",
        },
  });

  const checksum = variables.get('binlog_checksum');
  const checksumOk =
    checksum === undefined || checksum.toUpperCase() === 'NONE';
  results.push({
    check: {
      name: 'binlog_checksum',
      actual: checksum ?? null,
      expected: 'NONE',
      ok: checksumOk,
    },
    finding: checksumOk
      ? undefined
      : {
          code: 'binlog-checksum',
          severity: 'blocker',
          message: `binlog_checksum is ${checksum}: the DMS MySQL source expects NONE.`,
          fix: rds
            ? 'Set binlog_checksum=NONE in the DB parameter group.'
            : "Set binlog_checksum=NONE in my.cnf, or SET GLOBAL binlog_checksum = 'NONE';",
        },
  });

  const serverId = Number(variables.get('server_id') ?? '0');
  results.push({
    check: {
      name: 'server_id',
      actual: variables.get('server_id') ?? null,
      expected: '>= 1',
      ok: serverId >= 1,
    },
    finding:
      serverId >= 1
        ? undefined
        : {
            code: 'server-id',
            severity: 'blocker',
            message:
              'server_id is 0: a server without an id cannot serve a binlog reader.',
            fix: 'Set server-id=1 (any unique value of 1 or more) in my.cnf and restart.',
          },
  });

  const retention = binlogRetentionSeconds(variables);
  const retentionOk = retention !== null && retention >= DAY_SECONDS;
  results.push({
    check: {
      name: 'binlog retention (seconds)',
      actual: retention === null ? null : String(retention),
      expected: rds ? ">= 86400 (RDS: 'binlog retention hours')" : '>= 86400',
      ok: retentionOk,
    },
    finding: retentionFinding(retention, retentionOk, rds),
  });

  // MySQL 8.0.20+ and MariaDB 10.2+ can compress binlog events; DMS cannot read them.
  const compressionVariable = mariadb
    ? 'log_bin_compress'
    : 'binlog_transaction_compression';
  const compression = variables.get(compressionVariable);
  if (compression !== undefined) {
    results.push({
      check: {
        name: compressionVariable,
        actual: compression,
        expected: 'OFF',
        ok: !isOn(compression),
      },
      finding: isOn(compression)
        ? {
            code: 'binlog-compression',
            severity: 'blocker',
            message: `${compressionVariable} is ON: DMS does not support compressed binary log events.`,
            fix: `SET GLOBAL ${compressionVariable} = OFF; and remove it from my.cnf or the parameter group.`,
          }
        : undefined,
    });
  }

  const readOnly = isOn(variables.get('read_only'));
  const replicaUpdates =
    variables.get('log_replica_updates') ?? variables.get('log_slave_updates');
  if (readOnly && !isOn(replicaUpdates)) {
    results.push({
      check: {
        name: 'log_slave_updates',
        actual: replicaUpdates ?? null,
        expected: 'ON on a read replica',
        ok: false,
      },
      finding: {
        code: 'replica-log-updates',
        severity: 'warning',
        message:
          'The server is read-only, so probably a replica, and does not log replicated changes: DMS would see no changes.',
        fix: 'Set log_slave_updates=ON (MySQL 8.0.26+: log_replica_updates=ON) on the replica.',
      },
    });
  }

  return {
    checks: results.map(r => r.check),
    findings: results.flatMap(r => (r.finding ? [r.finding] : [])),
  };
}
