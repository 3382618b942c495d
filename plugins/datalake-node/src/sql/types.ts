import { InputError } from '@backstage/errors';

/**
 * Translates a Spark SQL type (as the spec stores casts) to the DuckDB type with the same values.
 *
 * @public
 */
export function sparkTypeToDuckdb(sparkType: string): string {
  const t = sparkType.trim().toLowerCase();
  const decimal = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const simple: Record<string, string> = {
    boolean: 'BOOLEAN',
    tinyint: 'TINYINT',
    smallint: 'SMALLINT',
    int: 'INTEGER',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    string: 'VARCHAR',
    binary: 'BLOB',
    date: 'DATE',
    timestamp: 'TIMESTAMPTZ',
    timestamp_ntz: 'TIMESTAMP',
  };
  const mapped = simple[t];
  if (!mapped) {
    throw new InputError(`unsupported Spark type '${sparkType}'`);
  }
  return mapped;
}
