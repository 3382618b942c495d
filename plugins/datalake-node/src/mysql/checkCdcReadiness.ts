import {
  CdcPreflightReport,
  SourceReport,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlConnectionOptions, withMysqlSession } from './MysqlSession';
import {
  assertValidTableNames,
  missingTableFindings,
  MysqlInspectionOptions,
} from './inspectMysqlSource';
import { PrivilegeRow, checkPrivileges } from './privilegeChecks';
import { readSourceCatalog } from './readSourceCatalog';
import { checkServerSettings } from './serverChecks';
import { SELECT_CURRENT_USER_PRIVILEGES } from './sourceCatalogQueries';
import { findingsForTable, toSourceTable } from './tableFindings';

/**
 * Inspects a MySQL or MariaDB database and checks whether it is ready for a DMS full load with CDC,
 * over one connection: binlog settings, retention, privileges of the configured user, and the
 * chosen tables (keys, engines, generated columns, column types). `ready` is true when no finding
 * is a blocker. Sends five statements whatever the number of tables.
 *
 * @public
 */
export async function inspectAndCheckMysqlSource(
  connection: MysqlConnectionOptions,
  options: MysqlInspectionOptions = {},
): Promise<{ report: SourceReport; preflight: CdcPreflightReport }> {
  assertValidTableNames(options.tables);
  return withMysqlSession(connection, options.onQuery, async session => {
    const catalog = await readSourceCatalog(
      session,
      connection.database,
      options.tables,
    );
    const privileges = await session.select<PrivilegeRow>(
      'the privilege views of information_schema',
      SELECT_CURRENT_USER_PRIVILEGES,
      [connection.database, connection.database],
    );
    const tables = catalog.tables.map(toSourceTable);
    const server = checkServerSettings(catalog.variables, catalog.server);
    const findings = [
      ...server.findings,
      ...checkPrivileges(
        privileges,
        connection.database,
        tables.map(t => t.name),
        catalog.server,
      ),
      ...missingTableFindings(catalog.missingTables, catalog.views),
      ...tables.flatMap(t => findingsForTable(connection.database, t)),
    ];
    const now = new Date().toISOString();
    const ready = !findings.some(f => f.severity === 'blocker');
    return {
      report: {
        database: connection.database,
        server: catalog.server,
        inspectedAt: now,
        ready,
        checks: server.checks,
        tables,
        excludedViews: catalog.views,
        missingTables: catalog.missingTables,
        findings,
        queryCount: session.queryCount,
      },
      preflight: {
        database: connection.database,
        server: catalog.server,
        checkedAt: now,
        ready,
        tables: tables.map(t => t.name),
        checks: server.checks,
        findings,
        queryCount: session.queryCount,
      },
    };
  });
}

/**
 * Tells whether a MySQL or MariaDB database is ready for a DMS full load with CDC; see
 * {@link inspectAndCheckMysqlSource}.
 *
 * @public
 */
export async function checkCdcReadiness(
  connection: MysqlConnectionOptions,
  options: MysqlInspectionOptions = {},
): Promise<CdcPreflightReport> {
  return (await inspectAndCheckMysqlSource(connection, options)).preflight;
}
