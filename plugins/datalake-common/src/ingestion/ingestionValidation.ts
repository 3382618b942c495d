/*
 * The checks of the "new ingestion" form. The form's field validators and the scaffolder action
 * `datalake:pipeline:ingestion:plan` call the same functions, so a request that bypasses the form
 * is refused with the message the form would have shown.
 */
import type { SourceFinding } from '../sources';

/**
 * Glue and Iceberg column names the lake accepts: lower-case letters, digits and underscores,
 * starting with a letter or underscore, at most 255 characters (Glue lower-cases names; Athena and
 * Spark need no quoting for these).
 *
 * @public
 */
export const SILVER_COLUMN_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,254}$/;

/**
 * The blocking findings of each table of a source report: a table with one cannot be ingested.
 *
 * @public
 */
export function tableBlockers(report: {
  findings: SourceFinding[];
}): Record<string, string[]> {
  const blockers: Record<string, string[]> = {};
  for (const finding of report.findings) {
    if (finding.severity === 'blocker' && finding.table) {
      (blockers[finding.table] ??= []).push(finding.message);
    }
  }
  return blockers;
}

/**
 * Checks the chosen tables against the report's tables and table blockers. Returns one message per
 * problem, empty when the selection is valid.
 *
 * @public
 */
export function validateTableSelection(
  tables: readonly string[] | undefined,
  report?: { tables: Array<{ name: string }>; findings: SourceFinding[] },
): string[] {
  if (!tables || tables.length === 0) {
    return ['Choose at least one table to ingest.'];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const blockers = report ? tableBlockers(report) : {};
  for (const table of tables) {
    if (seen.has(table)) {
      problems.push(`Table '${table}' is chosen twice.`);
      continue;
    }
    seen.add(table);
    if (report && !report.tables.some(t => t.name === table)) {
      problems.push(`Table '${table}' is not a base table of the source.`);
    } else if (blockers[table]) {
      problems.push(
        `Table '${table}' cannot be ingested: ${blockers[table].join(' ')}`,
      );
    }
  }
  return problems;
}

/**
 * Checks one silver column name; returns the message to show, or `undefined` when it is valid.
 *
 * @public
 */
export function validateSilverColumnName(
  table: string,
  column: string,
  name: string,
): string | undefined {
  if (!SILVER_COLUMN_NAME_PATTERN.test(name)) {
    return `Silver column name '${name}' for ${table}.${column} is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore (at most 255 characters).`;
  }
  return undefined;
}

/**
 * Checks the silver column names of one table (bronze column → silver name): every name valid
 * and no name used twice. Returns one message per problem.
 *
 * @public
 */
export function validateSilverColumns(
  table: string,
  names: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const usedBy = new Map<string, string>();
  for (const [column, name] of Object.entries(names)) {
    const invalid = validateSilverColumnName(table, column, name);
    if (invalid) {
      problems.push(invalid);
      continue;
    }
    const first = usedBy.get(name);
    if (first !== undefined) {
      problems.push(
        `Silver column name '${name}' is used twice in table ${table} (for ${first} and ${column}).`,
      );
    } else {
      usedBy.set(name, column);
    }
  }
  return problems;
}
