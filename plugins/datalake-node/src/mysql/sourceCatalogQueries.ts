/*
 * The statements the inspection sends. Each reads one information_schema view (or the server
 * variables, or the privilege views) for the whole database in one go, so the number of statements
 * does not grow with the number of tables. Values are always bound to `?` placeholders; the only
 * variable part of the text is the number of placeholders in an optional `IN (...)` list.
 */

/** `AND <column> IN (?, ?, …)` for a table filter, or nothing when all tables are wanted. */
export function tableFilter(
  column: string,
  tables: readonly string[] | undefined,
): string {
  if (!tables || tables.length === 0) {
    return '';
  }
  return ` AND ${column} IN (${tables.map(() => '?').join(', ')})`;
}

export function selectTables(tables?: readonly string[]): string {
  return `SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH
    FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = ?${tableFilter('TABLE_NAME', tables)}
    ORDER BY TABLE_NAME`;
}

export function selectColumns(tables?: readonly string[]): string {
  return `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE,
           COLUMN_TYPE, EXTRA
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = ?${tableFilter('TABLE_NAME', tables)}
    ORDER BY TABLE_NAME, ORDINAL_POSITION`;
}

export function selectUniqueIndexColumns(tables?: readonly string[]): string {
  return `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME
    FROM information_schema.STATISTICS
    WHERE TABLE_SCHEMA = ? AND NON_UNIQUE = 0${tableFilter(
      'TABLE_NAME',
      tables,
    )}
    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;
}

/**
 * The server variables the report and the CDC preflight read. Names a server does not have are
 * simply absent from the answer, which is how MySQL 5.7, 8.x and MariaDB differences show up.
 */
export const SERVER_VARIABLE_NAMES = [
  'version',
  'version_comment',
  'basedir',
  'aurora_version',
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_checksum',
  'server_id',
  'expire_logs_days',
  'binlog_expire_logs_seconds',
  'binlog_transaction_compression',
  'log_bin_compress',
  'log_slave_updates',
  'log_replica_updates',
  'read_only',
] as const;

export const SELECT_SERVER_VARIABLES = `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${SERVER_VARIABLE_NAMES.map(
  name => `'${name}'`,
).join(', ')})`;

/**
 * The privileges of the connected account: global ones, the ones on the inspected schema and the
 * ones on its tables. information_schema shows other accounts too when the user may read the
 * grant tables, so the rows are narrowed to the account CURRENT_USER() names.
 */
export const SELECT_CURRENT_USER_PRIVILEGES = `SELECT 'global' AS SCOPE, NULL AS TABLE_NAME, PRIVILEGE_TYPE
    FROM information_schema.USER_PRIVILEGES
    WHERE GRANTEE = (SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))
  UNION ALL
  SELECT 'schema', NULL, PRIVILEGE_TYPE
    FROM information_schema.SCHEMA_PRIVILEGES
    WHERE GRANTEE = (SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))
      AND TABLE_SCHEMA = ?
  UNION ALL
  SELECT 'table', TABLE_NAME, PRIVILEGE_TYPE
    FROM information_schema.TABLE_PRIVILEGES
    WHERE GRANTEE = (SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))
      AND TABLE_SCHEMA = ?`;
