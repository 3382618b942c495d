/*
 * How DMS encodes a MySQL column in the S3 target. The chain is MySQL type → DMS type (DMS User
 * Guide, "Source data types for MySQL", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.MySQL.html#CHAP_Source.MySQL.DataTypes)
 * → Parquet type ("Target data types for S3 Parquet", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html#CHAP_Target.S3.DataTypes).
 * The physical layout follows a genuine DMS Parquet file (decimals as FIXED_LEN_BYTE_ARRAY,
 * small integers as INT32 with an Int(bits) annotation, timestamps as INT64 with
 * isAdjustedToUTC=true). docs/type-mapping.md lists the same table for the lake.
 */
import {
  LogicalType,
  ParquetColumn,
  ParquetValue,
} from './parquet/parquetWriter';

/** A source column as information_schema.COLUMNS describes it. */
export interface SourceColumn {
  name: string;
  /** DATA_TYPE, e.g. `bigint`. */
  dataType: string;
  /** COLUMN_TYPE, e.g. `bigint(20) unsigned`, `enum('a','b')`. */
  columnType: string;
  numericPrecision?: number | null;
  numericScale?: number | null;
}

/** A source value as mysql2 (full load) or the binlog client (CDC) hands it over, with dateStrings. */
export type SourceValue =
  | string
  | number
  | bigint
  | boolean
  | Buffer
  | null
  | undefined
  | object;

export interface ColumnEncoding {
  name: string;
  /** The DMS data type, e.g. `UINT8`, `NUMERIC(38,10)`. */
  dmsType: string;
  parquet: ParquetColumn;
  toParquet(value: SourceValue): ParquetValue;
  /** The CSV field text; null for SQL NULL. */
  toCsv(value: SourceValue): string | null;
}

export interface EncodingOptions {
  /** `ParquetTimestampInMillisecond`: TIMESTAMP columns with millisecond precision. */
  timestampMillis: boolean;
}

const INTEGER_BITS: Record<string, 8 | 16 | 32 | 64> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 32,
  int: 32,
  integer: 32,
  bigint: 64,
};

/** Bytes of the smallest two's-complement integer holding `precision` decimal digits. */
export function decimalByteLength(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) <= 10n ** BigInt(precision)) bytes++;
  return bytes;
}

/** A decimal text (`-12.5`) as the big-endian two's-complement unscaled value of `bytes` bytes. */
export function decimalBytes(
  text: string,
  scale: number,
  bytes: number,
): Buffer {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`Not a decimal value: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const digits = `${whole || '0'}${fraction
    .padEnd(scale, '0')
    .slice(0, scale)}`;
  let unscaled = BigInt(digits);
  if (sign === '-') unscaled = -unscaled;
  let twos = BigInt.asUintN(8 * bytes, unscaled);
  const out = Buffer.alloc(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(twos & 0xffn);
    twos >>= 8n;
  }
  return out;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function dateText(value: SourceValue): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

function dateTimeText(value: SourceValue): string {
  if (value instanceof Date) {
    return value.toISOString().replace('T', ' ').replace('Z', '');
  }
  return String(value);
}

/** Days since 1970-01-01; null for MySQL zero dates, which DMS writes as NULL. */
export function epochDays(value: SourceValue): number | null {
  const match = DATE_PATTERN.exec(dateText(value));
  if (!match) throw new Error(`Not a DATE value: ${String(value)}`);
  const [y, m, d] = match.slice(1).map(Number);
  if (y === 0 || m === 0 || d === 0) return null;
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Microseconds since the epoch of a wall-clock datetime read as UTC; null for zero dates. */
export function epochMicros(value: SourceValue): bigint | null {
  const match = DATETIME_PATTERN.exec(dateTimeText(value));
  if (!match) throw new Error(`Not a DATETIME value: ${String(value)}`);
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number);
  if (y === 0 || mo === 0 || d === 0) return null;
  const micros = BigInt((match[7] ?? '').padEnd(6, '0'));
  return BigInt(Date.UTC(y, mo - 1, d, h, mi, s)) * 1000n + micros;
}

/** `yyyy-MM-dd HH:mm:ss.SSSSSS`; DMS writes CSV timestamps with microseconds. */
function csvDateTime(value: SourceValue): string | null {
  const match = DATETIME_PATTERN.exec(dateTimeText(value));
  if (!match) throw new Error(`Not a DATETIME value: ${String(value)}`);
  if (Number(match[1]) === 0 || Number(match[2]) === 0) return null;
  const [, y, mo, d, h, mi, s, f = ''] = match;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}.${f.padEnd(6, '0')}`;
}

function asBuffer(value: SourceValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return Buffer.from(String(value), 'binary');
}

function asText(value: SourceValue): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

const isNull = (value: SourceValue) => value === null || value === undefined;

function nullable<T>(convert: (value: SourceValue) => T) {
  return (value: SourceValue): T | null =>
    isNull(value) ? null : convert(value);
}

function parquetColumn(
  name: string,
  physical: ParquetColumn['physical'],
  logical?: LogicalType,
  typeLength?: number,
): ParquetColumn {
  return { name, physical, logical, typeLength };
}

const STRING: LogicalType = { kind: 'STRING' };

/** A string column (VARCHAR, TEXT, ENUM, SET, JSON, TIME, added header columns). */
export function stringEncoding(
  name: string,
  dmsType: string,
  required = false,
): ColumnEncoding {
  return {
    name,
    dmsType,
    parquet: { ...parquetColumn(name, 'BYTE_ARRAY', STRING), required },
    toParquet: nullable(asText),
    toCsv: nullable(asText),
  };
}

function bitWidthOf(columnType: string): number {
  return Number(/\((\d+)\)/.exec(columnType)?.[1] ?? 1);
}

/**
 * The encoding of one source column. Types DMS does not migrate from MySQL to S3 throw, so that
 * the task fails the table as DMS would rather than writing a guess.
 */
export function encodingFor(
  column: SourceColumn,
  options: EncodingOptions,
): ColumnEncoding {
  const { name } = column;
  const type = column.dataType.toLowerCase();
  const unsigned = /\bunsigned\b/i.test(column.columnType);
  const bits = INTEGER_BITS[type];
  if (bits) {
    const dmsBits = { 8: 1, 16: 2, 32: 4, 64: 8 }[bits];
    const dmsType = `${unsigned ? 'UINT' : 'INT'}${dmsBits}`;
    // MEDIUMINT is INT4 in DMS, so it gets a 32-bit annotation.
    const logical: LogicalType = {
      kind: 'INTEGER',
      bitWidth: bits,
      signed: !unsigned,
    };
    if (bits === 64) {
      return {
        name,
        dmsType,
        parquet: parquetColumn(name, 'INT64', logical),
        toParquet: nullable(v => BigInt(String(v))),
        toCsv: nullable(v => String(v)),
      };
    }
    return {
      name,
      dmsType,
      parquet: parquetColumn(name, 'INT32', logical),
      // UINT4 values above 2^31 keep their bit pattern in INT32, as Parquet's UINT_32 prescribes.
      toParquet: nullable(v => Number(BigInt.asIntN(32, BigInt(String(v))))),
      toCsv: nullable(v => String(v)),
    };
  }
  switch (type) {
    case 'decimal':
    case 'numeric': {
      const precision = Number(column.numericPrecision ?? 10);
      const scale = Number(column.numericScale ?? 0);
      if (precision > 38) {
        throw new Error(
          `Column ${name} is DECIMAL(${precision},${scale}); the emulator, like Parquet's DECIMAL in the lake, takes at most 38 digits (map it to a string with a change-data-type rule)`,
        );
      }
      const bytes = decimalByteLength(precision);
      return {
        name,
        dmsType: `NUMERIC(${precision},${scale})`,
        parquet: parquetColumn(
          name,
          'FIXED_LEN_BYTE_ARRAY',
          { kind: 'DECIMAL', precision, scale },
          bytes,
        ),
        toParquet: nullable(v => decimalBytes(String(v), scale, bytes)),
        toCsv: nullable(v => String(v)),
      };
    }
    case 'float':
    case 'double':
    case 'real':
      return {
        name,
        dmsType: type === 'float' ? 'REAL4' : 'REAL8',
        parquet: parquetColumn(name, 'DOUBLE'),
        toParquet: nullable(v => Number(v)),
        toCsv: nullable(v => String(Number(v))),
      };
    case 'bit': {
      if (bitWidthOf(column.columnType) === 1) {
        const truth = (v: SourceValue) =>
          Buffer.isBuffer(v) ? v.some(b => b !== 0) : Boolean(Number(v));
        return {
          name,
          dmsType: 'BOOLEAN',
          parquet: parquetColumn(name, 'BOOLEAN'),
          toParquet: nullable(truth),
          toCsv: nullable(v => (truth(v) ? '1' : '0')),
        };
      }
      return bytesEncoding(
        name,
        `BYTES(${Math.ceil(bitWidthOf(column.columnType) / 8)})`,
      );
    }
    case 'year':
      return {
        name,
        dmsType: 'INT2',
        parquet: parquetColumn(name, 'INT32', {
          kind: 'INTEGER',
          bitWidth: 16,
          signed: true,
        }),
        toParquet: nullable(v => Number(v)),
        toCsv: nullable(v => String(v)),
      };
    case 'date':
      return {
        name,
        dmsType: 'DATE',
        parquet: parquetColumn(name, 'INT32', { kind: 'DATE' }),
        toParquet: epochDaysOrNull,
        toCsv: v => (isNull(v) || epochDays(v) === null ? null : dateText(v)),
      };
    case 'datetime':
    case 'timestamp': {
      const unit = options.timestampMillis ? 'MILLIS' : 'MICROS';
      return {
        name,
        dmsType: 'DATETIME',
        parquet: parquetColumn(name, 'INT64', {
          kind: 'TIMESTAMP',
          unit,
          utc: true,
        }),
        toParquet: v => {
          const micros = isNull(v) ? null : epochMicros(v);
          if (micros === null) return null;
          return unit === 'MILLIS' ? micros / 1000n : micros;
        },
        toCsv: v => (isNull(v) ? null : csvDateTime(v)),
      };
    }
    case 'time':
      return stringEncoding(name, 'STRING');
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
      return stringEncoding(name, 'WSTRING');
    case 'mediumtext':
    case 'longtext':
      return stringEncoding(name, 'NCLOB');
    case 'json':
      return stringEncoding(name, 'CLOB');
    case 'enum':
    case 'set':
      return stringEncoding(name, 'WSTRING');
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
      return bytesEncoding(name, 'BYTES');
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'geometrycollection':
      return bytesEncoding(name, 'BLOB');
    default:
      throw new Error(
        `Column ${name} has MySQL type ${column.columnType}, which the emulator does not map to a DMS type`,
      );
  }
}

function epochDaysOrNull(value: SourceValue) {
  return isNull(value) ? null : epochDays(value);
}

function bytesEncoding(name: string, dmsType: string): ColumnEncoding {
  return {
    name,
    dmsType,
    parquet: parquetColumn(name, 'BYTE_ARRAY'),
    toParquet: nullable(asBuffer),
    // Binary values in a CSV file are written as hexadecimal text.
    toCsv: nullable(v => asBuffer(v).toString('hex').toUpperCase()),
  };
}
