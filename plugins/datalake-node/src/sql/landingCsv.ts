import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * The CSV settings of the S3 landing endpoint (`datalake:dms:endpoint:create` with format `csv`) and,
 * from the same object, how the bronze job and the DuckDB replay read the files: one definition, so the
 * writer and the readers cannot drift apart.
 *
 * DMS User Guide, "Using Amazon S3 as a target for AWS Database Migration Service"
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html) and the `S3Settings` API
 * reference: no header row unless `AddColumnName`; fields separated by `CsvDelimiter`, records by
 * `CsvRowDelimiter`; with `Rfc4180` a field holding the delimiter, a quote or a line break is quoted
 * with `"` and quotes inside are doubled; `CsvNullValue` is the text written for SQL NULL, "to
 * differentiate between the empty string value and the null value" (the default is the word `NULL`,
 * which a string column can hold). An empty unquoted field is therefore NULL and `""` the empty string.
 *
 * @public
 */
export const LANDING_CSV_SETTINGS = {
  CsvDelimiter: ',',
  CsvRowDelimiter: '\n',
  CsvNullValue: '',
  Rfc4180: true,
  AddColumnName: false,
} as const;

/**
 * Whether the CSV endpoint adds `Op` to full-load records (`IncludeOpForFullLoad`). Off, as in DMS's
 * default: full-load files then start with the timestamp column and CDC files with `Op` (the matrix in
 * the DMS User Guide, "Indicating source DB operations in migrated S3 data"). A CSV file has no names
 * to tell the layouts apart, so the endpoint and the readers take it from here. (The Parquet endpoint
 * adds `Op` everywhere; Parquet columns are read by name.)
 *
 * @public
 */
export const LANDING_CSV_INCLUDE_OP_FOR_FULL_LOAD = false;

/**
 * The columns of a landing CSV file in the order DMS writes them: `Op` first (in full-load files only
 * with `IncludeOpForFullLoad`, which the CSV endpoint leaves off), then the `TimestampColumnName` column, the source table's columns in
 * table order, and the columns added by transformation rules (the change sequence) last (DMS User
 * Guide, "Indicating source DB operations in migrated S3 data").
 *
 * @public
 */
export function landingCsvColumns(
  spec: PipelineSpec,
  phase: 'full-load' | 'cdc',
): string[] {
  const { timestampColumn, sequenceColumn } = spec.cdc;
  return [
    ...(phase === 'cdc' || LANDING_CSV_INCLUDE_OP_FOR_FULL_LOAD ? ['Op'] : []),
    ...(timestampColumn ? [timestampColumn] : []),
    ...spec.columns.map(c => c.sourceName),
    ...(sequenceColumn ? [sequenceColumn] : []),
  ];
}

/**
 * Source columns whose CSV text is not the value itself: DMS writes binary values as hexadecimal text
 * in CSV (`docs/type-mapping.md`), so the readers decode them before the bronze cast.
 *
 * @public
 */
export function hexEncodedCsvColumns(spec: PipelineSpec): string[] {
  return spec.columns
    .filter(c => c.sparkType === 'binary')
    .map(c => c.sourceName);
}
