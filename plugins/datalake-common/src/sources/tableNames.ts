/**
 * The shape of a source id (a key of `datalake.sources`): lower-case letters, digits and `-`,
 * starting with a letter, at most 40 characters, so that it fits AWS resource names.
 *
 * @public
 */
export const SOURCE_ID_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The shape a table name must have to be accepted from a user or template: letters, digits, `_` and
 * `$` (MySQL's unquoted identifier characters), at most 64 characters. Rejecting quotes, backticks,
 * semicolons and spaces up front keeps odd input out of logs and DMS table mappings, even though the
 * queries never embed it.
 *
 * @public
 */
export const SOURCE_TABLE_NAME_PATTERN = /^[A-Za-z0-9_$]{1,64}$/;

/**
 * The largest number of tables one inspection request may name.
 *
 * @public
 */
export const MAX_INSPECTED_TABLES = 1000;

/**
 * Whether a string is acceptable as a source table name.
 *
 * @public
 */
export function isValidSourceTableName(name: string): boolean {
  return SOURCE_TABLE_NAME_PATTERN.test(name);
}
