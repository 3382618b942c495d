/**
 * The SQL engines the generator renders for: Spark SQL (Iceberg jobs) and DuckDB (local replay, tests).
 *
 * @public
 */
export type SqlDialect = 'spark' | 'duckdb';

/**
 * Quotes one identifier for a dialect. Any MySQL name is accepted (reserved words, spaces, dashes,
 * non-ASCII): Spark quotes with backticks and DuckDB with double quotes, doubling the quote inside.
 *
 * @public
 */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  const q = dialect === 'spark' ? '`' : '"';
  return `${q}${name.split(q).join(q + q)}${q}`;
}

/**
 * Quotes a dotted table reference (`catalog.db.table`) part by part.
 *
 * @public
 */
export function quoteTableName(parts: string[], dialect: SqlDialect): string {
  return parts.map(p => quoteIdentifier(p, dialect)).join('.');
}

/**
 * Renders a string literal. Spark treats a backslash in a literal as an escape, DuckDB does not.
 *
 * @public
 */
export function quoteString(value: string, dialect: SqlDialect): string {
  const escaped =
    dialect === 'spark'
      ? value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")
      : value.replace(/'/g, "''");
  return `'${escaped}'`;
}
