import {
  SourceFinding,
  SourceServerInfo,
} from '@datalake-portal/backstage-plugin-datalake-common';

/** A row of the privilege query: where the privilege applies and which it is. */
export type PrivilegeRow = {
  SCOPE: 'global' | 'schema' | 'table';
  TABLE_NAME: string | null;
  PRIVILEGE_TYPE: string;
};

/**
 * MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (the old name is an alias); before
 * MySQL 5.6.6 SUPER was needed instead.
 */
const REPLICATION_CLIENT_EQUIVALENTS = [
  'REPLICATION CLIENT',
  'BINLOG MONITOR',
  'SUPER',
];

/**
 * Checks that the configured user holds REPLICATION CLIENT, REPLICATION SLAVE and SELECT on every
 * chosen table. Privileges granted through roles are not seen by information_schema and are
 * reported as missing.
 */
export function checkPrivileges(
  rows: PrivilegeRow[],
  database: string,
  tables: string[],
  server: SourceServerInfo,
): SourceFinding[] {
  const global = new Set(
    rows
      .filter(r => r.SCOPE === 'global')
      .map(r => r.PRIVILEGE_TYPE.toUpperCase()),
  );
  const schema = new Set(
    rows
      .filter(r => r.SCOPE === 'schema')
      .map(r => r.PRIVILEGE_TYPE.toUpperCase()),
  );
  const byTable = new Map<string, Set<string>>();
  for (const row of rows.filter(r => r.SCOPE === 'table' && r.TABLE_NAME)) {
    const set = byTable.get(row.TABLE_NAME!) ?? new Set<string>();
    set.add(row.PRIVILEGE_TYPE.toUpperCase());
    byTable.set(row.TABLE_NAME!, set);
  }

  const findings: SourceFinding[] = [];
  const missingGlobal: string[] = [];
  if (!REPLICATION_CLIENT_EQUIVALENTS.some(p => global.has(p))) {
    missingGlobal.push(
      server.flavor === 'mariadb'
        ? 'REPLICATION CLIENT (BINLOG MONITOR)'
        : 'REPLICATION CLIENT',
    );
  }
  if (!global.has('REPLICATION SLAVE')) {
    missingGlobal.push('REPLICATION SLAVE');
  }
  if (missingGlobal.length > 0) {
    findings.push({
      code: 'missing-replication-privileges',
      severity: 'blocker',
      message: `The configured user lacks ${missingGlobal.join(
        ' and ',
      )}: DMS needs both to read the binlog for CDC (a full load alone would work).`,
      fix: "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '<dms user>'@'%';",
    });
  }

  const canSelectAll = global.has('SELECT') || schema.has('SELECT');
  const unreadable = canSelectAll
    ? []
    : tables.filter(t => !byTable.get(t)?.has('SELECT'));
  if (unreadable.length > 0) {
    findings.push({
      code: 'missing-select-privilege',
      severity: 'blocker',
      message: `The configured user may not SELECT from ${unreadable.join(
        ', ',
      )}: the full load would fail for ${
        unreadable.length === 1 ? 'it' : 'them'
      }.`,
      fix: `GRANT SELECT ON \`${database.replace(
        /`/g,
        '``',
      )}\`.* TO '<dms user>'@'%';`,
    });
  }
  return findings;
}
