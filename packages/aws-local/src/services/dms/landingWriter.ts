/*
 * Landing files as DMS names, lays out and encodes them in an S3 target
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html): full-load files
 * `[BucketFolder/]schema/table/LOAD00000001.<ext>` with a hexadecimal counter, CDC files named
 * by time (`20240101-100000123.<ext>`), optionally under commit-date folders. Objects are written
 * through the emulated S3's store, so ListObjectsV2/GetObject see them.
 */
import zlib from 'node:zlib';
import { ServiceContext } from '../../core/types';
import { requireBucket, writeObject } from '../s3/store';
import { ColumnEncoding, SourceValue } from './encoding';
import { ParquetValue, writeParquet } from './parquet/parquetWriter';
import { LandingSettings } from './s3Settings';

/** One record, converted for the file format, with its size for MaxFileSize / CdcMinFileSize. */
export interface EncodedRecord {
  values: (ParquetValue | string)[];
  bytes: number;
}

export function tableFolder(
  settings: LandingSettings,
  schema: string,
  table: string,
) {
  return `${[settings.bucketFolder, schema, table].filter(Boolean).join('/')}/`;
}

function extension(settings: LandingSettings) {
  if (settings.dataFormat === 'parquet') return 'parquet';
  return settings.compression === 'gzip' ? 'csv.gz' : 'csv';
}

/** `LOAD00000001.csv` … `LOAD0000000A.csv`: an 8-digit upper-case hexadecimal counter. */
export function loadFileName(settings: LandingSettings, counter: number) {
  return `LOAD${counter
    .toString(16)
    .toUpperCase()
    .padStart(8, '0')}.${extension(settings)}`;
}

/** Calendar fields of `date` in `timeZone` (UTC when unset). */
function zonedParts(date: Date, timeZone = 'UTC') {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map(p => [p.type, p.value]),
  );
  return {
    yyyy: parts.year,
    MM: parts.month,
    dd: parts.day,
    HH: parts.hour,
    mm: parts.minute,
    ss: parts.second,
    SSS: String(date.getUTCMilliseconds()).padStart(3, '0'),
  };
}

/**
 * A CDC file name, `yyyyMMdd-HHmmssSSS.<ext>`, in `DatePartitionTimezone` when set (DMS applies
 * the zone to "the date folder and the CDC file name").
 */
export function cdcFileName(settings: LandingSettings, date: Date) {
  const p = zonedParts(date, settings.datePartitionTimezone);
  return `${p.yyyy}${p.MM}${p.dd}-${p.HH}${p.mm}${p.ss}${p.SSS}.${extension(
    settings,
  )}`;
}

const DELIMITERS = { SLASH: '/', UNDERSCORE: '_', DASH: '-', NONE: '' };

/** The date folder of a CDC file (`2024/01/31/` for YYYYMMDD and SLASH), or '' when disabled. */
export function datePartitionFolder(settings: LandingSettings, commit: Date) {
  if (!settings.datePartitionEnabled) return '';
  const p = zonedParts(commit, settings.datePartitionTimezone);
  const fields = {
    YYYYMMDD: [p.yyyy, p.MM, p.dd],
    YYYYMMDDHH: [p.yyyy, p.MM, p.dd, p.HH],
    YYYYMM: [p.yyyy, p.MM],
    MMYYYYDD: [p.MM, p.yyyy, p.dd],
    DDMMYYYY: [p.dd, p.MM, p.yyyy],
  }[settings.datePartitionSequence];
  return `${fields.join(DELIMITERS[settings.datePartitionDelimiter])}/`;
}

function csvField(settings: LandingSettings, text: string | null): string {
  if (text === null) return settings.csvNullValue ?? '';
  if (!settings.rfc4180) return text;
  // RFC 4180: quote a field holding the delimiter, a quote or a line break; an empty string is
  // quoted too, so that it stays distinct from NULL.
  const special =
    text === '' ||
    text.includes(settings.csvDelimiter) ||
    /["\r\n]/.test(text) ||
    text.includes(settings.csvRowDelimiter);
  return special ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Converts a record for the file format. */
export function encodeRecord(
  settings: LandingSettings,
  columns: ColumnEncoding[],
  record: SourceValue[],
): EncodedRecord {
  if (settings.dataFormat === 'csv') {
    const line =
      columns
        .map((c, i) => csvField(settings, c.toCsv(record[i])))
        .join(settings.csvDelimiter) + settings.csvRowDelimiter;
    return { values: [line], bytes: Buffer.byteLength(line) };
  }
  const values = columns.map((c, i) => c.toParquet(record[i]));
  let bytes = 0;
  for (const v of values) {
    if (v === null) bytes += 0;
    else if (Buffer.isBuffer(v)) bytes += v.length + 4;
    else if (typeof v === 'string') bytes += Buffer.byteLength(v) + 4;
    else bytes += 8;
  }
  return { values, bytes };
}

/** The body of a landing file holding `records`. */
export function fileBody(
  settings: LandingSettings,
  columns: ColumnEncoding[],
  records: EncodedRecord[],
): { body: Buffer; contentType: string } {
  if (settings.dataFormat === 'parquet') {
    return {
      body: writeParquet(
        columns.map(c => c.parquet),
        records.map(r => r.values as ParquetValue[]),
        {
          rowGroupLength: settings.rowGroupLength,
          compression: settings.compression,
          formatVersion: settings.parquetVersion,
        },
      ),
      contentType: 'application/octet-stream',
    };
  }
  const header = settings.addColumnName
    ? columns.map(c => csvField(settings, c.name)).join(settings.csvDelimiter) +
      settings.csvRowDelimiter
    : '';
  const text = Buffer.from(
    header + records.map(r => r.values[0]).join(''),
    'utf8',
  );
  return settings.compression === 'gzip'
    ? { body: zlib.gzipSync(text), contentType: 'application/x-gzip' }
    : { body: text, contentType: 'text/csv' };
}

/** Writes one landing object into the emulated S3; a missing bucket fails like a denied PutObject. */
export async function putLandingFile(
  ctx: ServiceContext,
  settings: LandingSettings,
  key: string,
  file: { body: Buffer; contentType: string },
) {
  requireBucket(ctx, settings.bucketName);
  await writeObject(
    ctx,
    settings.bucketName,
    key,
    file.body,
    file.contentType,
    {},
  );
}
