import { InputError } from '@backstage/errors';
import {
  isValidSourceTableName,
  MAX_INSPECTED_TABLES,
  SourceFinding,
  SourceInspectionReport,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  MysqlConnectionOptions,
  MysqlQueryListener,
  withMysqlSession,
} from './MysqlSession';
import { readSourceCatalog } from './readSourceCatalog';
import { findingsForTable, toSourceTable } from './tableFindings';

/**
 * Options of an inspection or preflight run.
 *
 * @public
 */
export type MysqlInspectionOptions = {
  /** Restrict the run to these tables; all base tables when absent or empty. */
  tables?: string[];
  /** Called for every SQL statement sent. */
  onQuery?: MysqlQueryListener;
};

/**
 * Rejects table names that are not plain MySQL identifiers before anything is sent to a server.
 *
 * @public
 */
export function assertValidTableNames(
  tables: readonly string[] | undefined,
): void {
  if (!tables) {
    return;
  }
  if (tables.length > MAX_INSPECTED_TABLES) {
    throw new InputError(
      `At most ${MAX_INSPECTED_TABLES} tables can be inspected at once, got ${tables.length}`,
    );
  }
  const invalid = tables.filter(t => !isValidSourceTableName(t));
  if (invalid.length > 0) {
    throw new InputError(
      `Invalid table name(s) ${invalid
        .map(t => JSON.stringify(t))
        .join(
          ', ',
        )}: only letters, digits, _ and $ are allowed (at most 64 characters)`,
    );
  }
}

export function missingTableFindings(
  missing: string[],
  views: string[],
): SourceFinding[] {
  const viewSet = new Set(views);
  return missing.map(name =>
    viewSet.has(name)
      ? {
          code: 'view-not-supported',
          severity: 'blocker' as const,
          table: name,
          message: `${name} is a view: DMS replicates base tables only. Pick the tables the view reads instead.`,
        }
      : {
          code: 'table-not-found',
          severity: 'blocker' as const,
          table: name,
          message: `Table ${name} does not exist in the source database, or the configured user has no privilege on it (information_schema hides such tables). Names are case-sensitive on most servers.`,
          fix: `GRANT SELECT ON <database>.${name} TO '<user>'@'%';`,
        },
  );
}

/**
 * Lists the base tables of a MySQL or MariaDB database with their columns, keys, engine, size and
 * the type each column takes in the lake. Views are listed apart and never offered. Sends the same
 * four statements whatever the number of tables.
 *
 * @public
 */
export async function inspectMysqlSource(
  connection: MysqlConnectionOptions,
  options: MysqlInspectionOptions = {},
): Promise<SourceInspectionReport> {
  assertValidTableNames(options.tables);
  return withMysqlSession(connection, options.onQuery, async session => {
    const catalog = await readSourceCatalog(
      session,
      connection.database,
      options.tables,
    );
    const tables = catalog.tables.map(toSourceTable);
    return {
      database: connection.database,
      server: catalog.server,
      inspectedAt: new Date().toISOString(),
      tables,
      excludedViews: catalog.views,
      missingTables: catalog.missingTables,
      findings: [
        ...missingTableFindings(catalog.missingTables, catalog.views),
        ...tables.flatMap(t => findingsForTable(connection.database, t)),
      ],
      queryCount: session.queryCount,
    };
  });
}
