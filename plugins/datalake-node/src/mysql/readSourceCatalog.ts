import {
  SourceKey,
  SourceServerInfo,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlSession } from './MysqlSession';
import {
  SELECT_SERVER_VARIABLES,
  selectColumns,
  selectTables,
  selectUniqueIndexColumns,
} from './sourceCatalogQueries';

/** A column as information_schema describes it, before type mapping. */
export type CatalogColumn = {
  name: string;
  position: number;
  mysqlType: string;
  nullable: boolean;
  defaultValue: string | null;
  generated: 'virtual' | 'stored' | null;
};

/** A base table as information_schema describes it. */
export type CatalogTable = {
  name: string;
  engine: string | null;
  approximateRows: number | null;
  sizeBytes: number | null;
  columns: CatalogColumn[];
  primaryKey: SourceKey | null;
  uniqueKeys: SourceKey[];
};

/** Everything one inspection reads from the server. */
export type SourceCatalog = {
  server: SourceServerInfo;
  variables: Map<string, string>;
  tables: CatalogTable[];
  views: string[];
  missingTables: string[];
};

type TableRow = {
  TABLE_NAME: string;
  TABLE_TYPE: string;
  ENGINE: string | null;
  TABLE_ROWS: string | number | null;
  DATA_LENGTH: string | number | null;
  INDEX_LENGTH: string | number | null;
};

type ColumnRow = {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  ORDINAL_POSITION: string | number;
  COLUMN_DEFAULT: string | null;
  IS_NULLABLE: string;
  COLUMN_TYPE: string;
  EXTRA: string | null;
};

type IndexRow = {
  TABLE_NAME: string;
  INDEX_NAME: string;
  SEQ_IN_INDEX: string | number;
  COLUMN_NAME: string | null;
};

type VariableRow = { Variable_name: string; Value: string };

/** MariaDB's system-versioned tables are base tables with history; sequences are not tables. */
const BASE_TABLE_TYPES = new Set(['BASE TABLE', 'SYSTEM VERSIONED']);

function toNumber(value: string | number | null): number | null {
  if (value === null || value === undefined) {
    return null;
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * MariaDB (10.2.7+) quotes literal defaults and spells "no default" on a nullable column as the
 * string `NULL`; MySQL returns the bare literal and SQL NULL. Normalise to MySQL's form.
 */
function normaliseDefault(
  value: string | null,
  mariadb: boolean,
): string | null {
  if (value === null || !mariadb) {
    return value;
  }
  if (value === 'NULL') {
    return null;
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replace(/''/g, "'").replace(/\\\\/g, '\\');
  }
  return value;
}

/** MySQL says `VIRTUAL GENERATED`/`STORED GENERATED`, MariaDB also `PERSISTENT GENERATED`. */
function generatedKind(extra: string | null): CatalogColumn['generated'] {
  const match = /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.exec(extra ?? '');
  if (!match) {
    return null;
  }
  return match[1].toUpperCase() === 'VIRTUAL' ? 'virtual' : 'stored';
}

export function describeServer(
  variables: Map<string, string>,
): SourceServerInfo {
  const version = variables.get('version') ?? 'unknown';
  const comment = variables.get('version_comment') ?? '';
  const basedir = variables.get('basedir') ?? '';
  return {
    version,
    flavor: /mariadb/i.test(`${version} ${comment}`) ? 'mariadb' : 'mysql',
    hosting:
      basedir.startsWith('/rdsdbbin') || variables.has('aurora_version')
        ? 'rds'
        : 'self-managed',
  };
}

/** Groups the unique-index rows of one table into its primary key and unique keys. */
function keysOf(rows: IndexRow[]): {
  primaryKey: SourceKey | null;
  uniqueKeys: SourceKey[];
} {
  const byIndex = new Map<string, Array<string | null>>();
  for (const row of rows) {
    const columns = byIndex.get(row.INDEX_NAME) ?? [];
    columns.push(row.COLUMN_NAME);
    byIndex.set(row.INDEX_NAME, columns);
  }
  let primaryKey: SourceKey | null = null;
  const uniqueKeys: SourceKey[] = [];
  for (const [name, columns] of byIndex) {
    // MySQL 8 functional key parts have no column name; such a key cannot be named in DMS.
    if (columns.some(c => c === null)) {
      continue;
    }
    const key = { name, columns: columns as string[] };
    if (name === 'PRIMARY') {
      primaryKey = key;
    } else {
      uniqueKeys.push(key);
    }
  }
  return { primaryKey, uniqueKeys };
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function groupBy<T extends { TABLE_NAME: string }>(
  rows: T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.TABLE_NAME);
    if (list) {
      list.push(row);
    } else {
      out.set(row.TABLE_NAME, [row]);
    }
  }
  return out;
}

/**
 * Reads the server variables, tables, columns and unique indexes of `database` in four statements,
 * whatever the number of tables.
 */
export async function readSourceCatalog(
  session: MysqlSession,
  database: string,
  requestedTables?: readonly string[],
): Promise<SourceCatalog> {
  const tables = requestedTables?.length
    ? [...new Set(requestedTables)]
    : undefined;
  const params = [database, ...(tables ?? [])];

  const variableRows = await session.select<VariableRow>(
    'the server variables',
    SELECT_SERVER_VARIABLES,
  );
  const variables = new Map(variableRows.map(r => [r.Variable_name, r.Value]));
  const server = describeServer(variables);
  const mariadb = server.flavor === 'mariadb';

  const tableRows = await session.select<TableRow>(
    'information_schema.TABLES',
    selectTables(tables),
    params,
  );
  const columnRows = await session.select<ColumnRow>(
    'information_schema.COLUMNS',
    selectColumns(tables),
    params,
  );
  const indexRows = await session.select<IndexRow>(
    'information_schema.STATISTICS',
    selectUniqueIndexColumns(tables),
    params,
  );

  const columnsByTable = groupBy(columnRows);
  const indexesByTable = groupBy(indexRows);
  const views: string[] = [];
  const baseTables: CatalogTable[] = [];
  for (const row of tableRows) {
    if (row.TABLE_TYPE === 'VIEW') {
      views.push(row.TABLE_NAME);
      continue;
    }
    if (!BASE_TABLE_TYPES.has(row.TABLE_TYPE)) {
      continue;
    }
    const data = toNumber(row.DATA_LENGTH);
    const index = toNumber(row.INDEX_LENGTH);
    baseTables.push({
      name: row.TABLE_NAME,
      engine: row.ENGINE,
      approximateRows: toNumber(row.TABLE_ROWS),
      sizeBytes:
        data === null && index === null ? null : (data ?? 0) + (index ?? 0),
      columns: (columnsByTable.get(row.TABLE_NAME) ?? []).map(c => ({
        name: c.COLUMN_NAME,
        position: Number(c.ORDINAL_POSITION),
        mysqlType: c.COLUMN_TYPE,
        nullable: c.IS_NULLABLE === 'YES',
        defaultValue: normaliseDefault(c.COLUMN_DEFAULT, mariadb),
        generated: generatedKind(c.EXTRA),
      })),
      ...keysOf(indexesByTable.get(row.TABLE_NAME) ?? []),
    });
  }

  // information_schema sorts by its collation, which differs between servers; use code points.
  baseTables.sort((a, b) => compareCodePoints(a.name, b.name));
  views.sort();
  const found = new Set(baseTables.map(t => t.name));
  const missingTables = (tables ?? []).filter(t => !found.has(t));
  return { server, variables, tables: baseTables, views, missingTables };
}
