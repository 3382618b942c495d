/*
 * The S3 target settings that shape the landing files, with DMS's documented defaults
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html#CHAP_Target.S3.Configuring,
 * and the `S3Settings` shape of the DMS API reference).
 */

export interface LandingSettings {
  bucketName: string;
  /** Without leading or trailing slashes; '' when unset. */
  bucketFolder: string;
  dataFormat: 'csv' | 'parquet';
  parquetVersion: 1 | 2;
  compression: 'none' | 'gzip';
  rowGroupLength: number;
  includeOpForFullLoad: boolean;
  cdcInsertsOnly: boolean;
  cdcInsertsAndUpdates: boolean;
  timestampColumnName?: string;
  parquetTimestampInMillisecond: boolean;
  addColumnName: boolean;
  csvDelimiter: string;
  csvRowDelimiter: string;
  /** undefined: NULL is an empty unquoted field. */
  csvNullValue?: string;
  rfc4180: boolean;
  datePartitionEnabled: boolean;
  datePartitionSequence:
    | 'YYYYMMDD'
    | 'YYYYMMDDHH'
    | 'YYYYMM'
    | 'MMYYYYDD'
    | 'DDMMYYYY';
  datePartitionDelimiter: 'SLASH' | 'UNDERSCORE' | 'DASH' | 'NONE';
  datePartitionTimezone?: string;
  /** Seconds. */
  cdcMaxBatchInterval: number;
  /** Bytes (the setting is in KB). */
  cdcMinFileSize: number;
  /** Bytes (the setting is in KB). */
  maxFileSize: number;
}

const bool = (value: unknown, fallback: boolean) =>
  value === undefined || value === null
    ? fallback
    : value === true || String(value).toLowerCase() === 'true';

const positive = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Reads an S3 endpoint's `S3Settings`; an invalid combination throws with DMS's reason. */
export function landingSettings(
  raw: Record<string, unknown> | undefined,
): LandingSettings {
  const s = raw ?? {};
  const dataFormat = String(s.DataFormat ?? 'csv').toLowerCase();
  if (dataFormat !== 'csv' && dataFormat !== 'parquet') {
    throw new Error(
      `S3Settings.DataFormat ${s.DataFormat} is not csv or parquet`,
    );
  }
  const compression = String(s.CompressionType ?? 'none').toLowerCase();
  if (compression !== 'none' && compression !== 'gzip') {
    throw new Error(
      `S3Settings.CompressionType ${s.CompressionType} is not none or gzip`,
    );
  }
  const cdcInsertsOnly = bool(s.CdcInsertsOnly, false);
  const cdcInsertsAndUpdates = bool(s.CdcInsertsAndUpdates, false);
  if (cdcInsertsOnly && cdcInsertsAndUpdates) {
    // "You can't set both CdcInsertsOnly and CdcInsertsAndUpdates to true for the same endpoint."
    throw new Error(
      'CdcInsertsOnly and CdcInsertsAndUpdates cannot both be true',
    );
  }
  const sequence = String(s.DatePartitionSequence ?? 'YYYYMMDD').toUpperCase();
  if (
    !['YYYYMMDD', 'YYYYMMDDHH', 'YYYYMM', 'MMYYYYDD', 'DDMMYYYY'].includes(
      sequence,
    )
  ) {
    throw new Error(
      `S3Settings.DatePartitionSequence ${s.DatePartitionSequence} is not supported`,
    );
  }
  const delimiter = String(s.DatePartitionDelimiter ?? 'SLASH').toUpperCase();
  if (!['SLASH', 'UNDERSCORE', 'DASH', 'NONE'].includes(delimiter)) {
    throw new Error(
      `S3Settings.DatePartitionDelimiter ${s.DatePartitionDelimiter} is not supported`,
    );
  }
  const timezone = s.DatePartitionTimezone
    ? String(s.DatePartitionTimezone)
    : undefined;
  if (timezone) {
    // Throws a RangeError for a zone that is not Area/Location.
    Intl.DateTimeFormat('en-US', { timeZone: timezone }).format(0);
  }
  return {
    bucketName: String(s.BucketName ?? ''),
    bucketFolder: String(s.BucketFolder ?? '').replace(/^\/+|\/+$/g, ''),
    dataFormat,
    parquetVersion:
      String(s.ParquetVersion ?? '')
        .toLowerCase()
        .replace('_', '-') === 'parquet-2-0'
        ? 2
        : 1,
    compression,
    rowGroupLength: positive(s.RowGroupLength, 10_000),
    includeOpForFullLoad: bool(s.IncludeOpForFullLoad, false),
    cdcInsertsOnly,
    cdcInsertsAndUpdates,
    timestampColumnName: s.TimestampColumnName
      ? String(s.TimestampColumnName)
      : undefined,
    parquetTimestampInMillisecond: bool(s.ParquetTimestampInMillisecond, false),
    addColumnName: bool(s.AddColumnName, false),
    csvDelimiter: s.CsvDelimiter !== undefined ? String(s.CsvDelimiter) : ',',
    csvRowDelimiter:
      s.CsvRowDelimiter !== undefined ? String(s.CsvRowDelimiter) : '\n',
    csvNullValue:
      s.CsvNullValue !== undefined ? String(s.CsvNullValue) : undefined,
    rfc4180: bool(s.Rfc4180, true),
    datePartitionEnabled: bool(s.DatePartitionEnabled, false),
    datePartitionSequence: sequence as LandingSettings['datePartitionSequence'],
    datePartitionDelimiter:
      delimiter as LandingSettings['datePartitionDelimiter'],
    datePartitionTimezone: timezone,
    cdcMaxBatchInterval: positive(s.CdcMaxBatchInterval, 60),
    cdcMinFileSize: positive(s.CdcMinFileSize, 32_000) * 1024,
    maxFileSize: Math.min(positive(s.MaxFileSize, 1_048_576), 1_048_576) * 1024,
  };
}

/**
 * Whether records carry the `Op` column: the matrix of "Indicating source DB operations in
 * migrated S3 data" (CHAP_Target.S3.html#CHAP_Target.S3.Configuring.InsertOps).
 */
export function opColumn(
  settings: LandingSettings,
  phase: 'full-load' | 'cdc',
): boolean {
  if (phase === 'full-load') return settings.includeOpForFullLoad;
  const restricted = settings.cdcInsertsOnly || settings.cdcInsertsAndUpdates;
  return restricted ? settings.includeOpForFullLoad : true;
}
