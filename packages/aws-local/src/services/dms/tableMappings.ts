import mysql from 'mysql2/promise';
import { invalidParameter } from './common';
import { StoredEndpoint } from './endpoints';

interface SelectionRule {
  schema: string;
  table: string;
  include: boolean;
}

export interface TaskTable {
  SchemaName: string;
  TableName: string;
  rows: number;
}

/** Selection rules of a task's `TableMappings` JSON; anything unparsable is a 400. */
export function parseTableMappings(json: unknown): SelectionRule[] {
  let parsed: any;
  try {
    parsed = JSON.parse(String(json));
  } catch {
    throw invalidParameter('TableMappings is not valid JSON');
  }
  const rules = (parsed?.rules ?? []).filter(
    (rule: any) => rule?.['rule-type'] === 'selection',
  );
  if (rules.length === 0) {
    throw invalidParameter('TableMappings must contain a selection rule');
  }
  return rules.map((rule: any) => {
    const locator = rule['object-locator'] ?? {};
    if (!locator['schema-name'] || !locator['table-name']) {
      throw invalidParameter(
        'Each selection rule needs object-locator schema-name and table-name',
      );
    }
    return {
      schema: String(locator['schema-name']),
      table: String(locator['table-name']),
      include: rule['rule-action'] !== 'exclude',
    };
  });
}

const hasWildcard = (pattern: string) => /[%_]/.test(pattern);
const likeToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    'i',
  );

const MYSQL_ENGINES = new Set(['mysql', 'mariadb', 'aurora']);
const SYSTEM_SCHEMAS = [
  'information_schema',
  'mysql',
  'performance_schema',
  'sys',
];

/**
 * The tables a task migrates, with their row counts: for a MySQL-family source they are
 * read from the source itself (wildcards resolved in information_schema, rows counted), as
 * DMS does when a task starts.
 */
export async function resolveTaskTables(
  rules: SelectionRule[],
  source: StoredEndpoint,
  timeoutMs: number,
): Promise<TaskTable[]> {
  const includes = rules.filter(rule => rule.include);
  const excludes = rules.filter(rule => !rule.include);
  if (!MYSQL_ENGINES.has(source.EngineName)) {
    if (includes.some(r => hasWildcard(r.schema) || hasWildcard(r.table))) {
      throw new Error(
        `The emulator resolves wildcard selection rules only for MySQL-family sources, not ${source.EngineName}`,
      );
    }
    return includes.map(r => ({
      SchemaName: r.schema,
      TableName: r.table,
      rows: 0,
    }));
  }
  const connection = await mysql.createConnection({
    host: source.ServerName,
    port: source.Port,
    user: source.Username,
    password: source.Password ?? '',
    connectTimeout: timeoutMs,
  });
  try {
    const found = new Map<string, TaskTable>();
    for (const rule of includes) {
      const [rows] = await connection.query(
        `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES
         WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA LIKE ? AND TABLE_NAME LIKE ?
           AND TABLE_SCHEMA NOT IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME`,
        [rule.schema, rule.table, SYSTEM_SCHEMAS],
      );
      for (const { s, t } of rows as { s: string; t: string }[]) {
        const excluded = excludes.some(
          ex =>
            likeToRegExp(ex.schema).test(s) && likeToRegExp(ex.table).test(t),
        );
        if (!excluded)
          found.set(`${s}.${t}`, { SchemaName: s, TableName: t, rows: 0 });
      }
    }
    for (const table of found.values()) {
      const [rows] = await connection.query(
        `SELECT COUNT(*) AS n FROM ${mysql.escapeId(
          table.SchemaName,
        )}.${mysql.escapeId(table.TableName)}`,
      );
      table.rows = Number((rows as { n: number }[])[0].n);
    }
    return [...found.values()];
  } finally {
    await connection.end();
  }
}
