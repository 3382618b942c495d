/*
 * A small Parquet file writer: flat schemas, PLAIN values, RLE definition levels, one v1 data
 * page per column chunk, optional GZIP. That is the physical shape of a genuine DMS-written
 * Parquet file (created_by "AWS", uncompressed, PLAIN/RLE; see shared/reference/aws-data-path.md
 * §1.2), and it gives exact control over each column's physical and logical type, which a
 * general-purpose writer would choose for us. Format: https://github.com/apache/parquet-format
 * (parquet.thrift for the structs, Encodings.md for PLAIN and the RLE/bit-packed hybrid).
 */
import zlib from 'node:zlib';
import {
  bool,
  encodeStruct,
  i32,
  i64,
  i8,
  list,
  str,
  struct,
  ThriftStruct,
  ThriftValue,
} from './thriftCompact';

export type PhysicalType =
  | 'BOOLEAN'
  | 'INT32'
  | 'INT64'
  | 'DOUBLE'
  | 'BYTE_ARRAY'
  | 'FIXED_LEN_BYTE_ARRAY';

const PHYSICAL: Record<PhysicalType, number> = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
  FIXED_LEN_BYTE_ARRAY: 7,
};

/** Logical (and the matching legacy converted) annotations this writer emits. */
export type LogicalType =
  | { kind: 'STRING' }
  | { kind: 'DATE' }
  | { kind: 'DECIMAL'; precision: number; scale: number }
  | { kind: 'TIMESTAMP'; unit: 'MILLIS' | 'MICROS'; utc: boolean }
  | { kind: 'INTEGER'; bitWidth: 8 | 16 | 32 | 64; signed: boolean };

export interface ParquetColumn {
  name: string;
  physical: PhysicalType;
  /** Bytes of a FIXED_LEN_BYTE_ARRAY value. */
  typeLength?: number;
  required?: boolean;
  logical?: LogicalType;
}

/** A value as the writer takes it; null for a missing value of an optional column. */
export type ParquetValue = boolean | number | bigint | string | Buffer | null;

export interface ParquetWriteOptions {
  /** Rows per row group (DMS `RowGroupLength`, default 10,000). */
  rowGroupLength?: number;
  compression?: 'none' | 'gzip';
  /** FileMetaData.version: 1 for `parquet-1-0`, 2 for `parquet-2-0`. */
  formatVersion?: 1 | 2;
  createdBy?: string;
}

const CONVERTED = {
  UTF8: 0,
  DECIMAL: 5,
  DATE: 6,
  TIMESTAMP_MILLIS: 9,
  TIMESTAMP_MICROS: 10,
} as const;

function convertedType(logical: LogicalType): number {
  switch (logical.kind) {
    case 'STRING':
      return CONVERTED.UTF8;
    case 'DATE':
      return CONVERTED.DATE;
    case 'DECIMAL':
      return CONVERTED.DECIMAL;
    case 'TIMESTAMP':
      return logical.unit === 'MILLIS'
        ? CONVERTED.TIMESTAMP_MILLIS
        : CONVERTED.TIMESTAMP_MICROS;
    default: {
      // UINT_8..UINT_64 are 11..14, INT_8..INT_64 are 15..18.
      const step = Math.log2(logical.bitWidth) - 3;
      return (logical.signed ? 15 : 11) + step;
    }
  }
}

function logicalStruct(logical: LogicalType): ThriftValue {
  switch (logical.kind) {
    case 'STRING':
      return struct({ 1: struct({}) });
    case 'DATE':
      return struct({ 6: struct({}) });
    case 'DECIMAL':
      return struct({
        5: struct({ 1: i32(logical.scale), 2: i32(logical.precision) }),
      });
    case 'TIMESTAMP':
      return struct({
        8: struct({
          1: bool(logical.utc),
          2: struct({ [logical.unit === 'MILLIS' ? 1 : 2]: struct({}) }),
        }),
      });
    default:
      return struct({
        10: struct({ 1: i8(logical.bitWidth), 2: bool(logical.signed) }),
      });
  }
}

function schemaElement(column: ParquetColumn): ThriftValue {
  const fields: ThriftStruct = {
    1: i32(PHYSICAL[column.physical]),
    2: column.typeLength !== undefined ? i32(column.typeLength) : undefined,
    3: i32(column.required ? 0 : 1),
    4: str(column.name),
  };
  if (column.logical) {
    fields[6] = i32(convertedType(column.logical));
    if (column.logical.kind === 'DECIMAL') {
      fields[7] = i32(column.logical.scale);
      fields[8] = i32(column.logical.precision);
    }
    fields[10] = logicalStruct(column.logical);
  }
  return struct(fields);
}

/** RLE runs of definition levels (bit width 1), with the 4-byte length prefix of a v1 page. */
function definitionLevels(values: ParquetValue[]): Buffer {
  const parts: number[] = [];
  let i = 0;
  while (i < values.length) {
    const level = values[i] === null ? 0 : 1;
    let run = 1;
    while (
      i + run < values.length &&
      (values[i + run] === null ? 0 : 1) === level
    ) {
      run++;
    }
    let header = run << 1;
    while (header >= 0x80) {
      parts.push((header & 0x7f) | 0x80);
      header >>>= 7;
    }
    parts.push(header, level);
    i += run;
  }
  const body = Buffer.from(parts);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(body.length);
  return Buffer.concat([prefix, body]);
}

function plainValues(column: ParquetColumn, values: ParquetValue[]): Buffer {
  const present = values.filter(v => v !== null) as Exclude<
    ParquetValue,
    null
  >[];
  switch (column.physical) {
    case 'BOOLEAN': {
      const out = Buffer.alloc(Math.ceil(present.length / 8));
      present.forEach((v, i) => {
        if (v) out[i >> 3] |= 1 << (i & 7);
      });
      return out;
    }
    case 'INT32': {
      const out = Buffer.alloc(present.length * 4);
      present.forEach((v, i) => out.writeInt32LE(Number(v), i * 4));
      return out;
    }
    case 'INT64': {
      const out = Buffer.alloc(present.length * 8);
      // Unsigned 64-bit values are stored as their two's-complement bit pattern.
      present.forEach((v, i) =>
        out.writeBigInt64LE(BigInt.asIntN(64, BigInt(v as bigint)), i * 8),
      );
      return out;
    }
    case 'DOUBLE': {
      const out = Buffer.alloc(present.length * 8);
      present.forEach((v, i) => out.writeDoubleLE(Number(v), i * 8));
      return out;
    }
    case 'FIXED_LEN_BYTE_ARRAY':
      return Buffer.concat(present as Buffer[]);
    default: {
      const parts: Buffer[] = [];
      for (const value of present) {
        const v = Buffer.isBuffer(value)
          ? value
          : Buffer.from(String(value), 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(v.length);
        parts.push(length, v);
      }
      return Buffer.concat(parts);
    }
  }
}

interface ChunkResult {
  bytes: Buffer;
  meta: ThriftStruct;
  uncompressed: number;
}

function columnChunk(
  column: ParquetColumn,
  values: ParquetValue[],
  offset: number,
  compression: 'none' | 'gzip',
): ChunkResult {
  const body = Buffer.concat([
    column.required ? Buffer.alloc(0) : definitionLevels(values),
    plainValues(column, values),
  ]);
  const compressed = compression === 'gzip' ? zlib.gzipSync(body) : body;
  const header = encodeStruct({
    1: i32(0), // DATA_PAGE
    2: i32(body.length),
    3: i32(compressed.length),
    5: struct({
      1: i32(values.length),
      2: i32(0), // PLAIN
      3: i32(3), // RLE
      4: i32(3), // RLE
    }),
  });
  const nulls = values.filter(v => v === null).length;
  const meta: ThriftStruct = {
    1: i32(PHYSICAL[column.physical]),
    2: list('i32', [i32(0), i32(3)]),
    3: list('binary', [str(column.name)]),
    4: i32(compression === 'gzip' ? 2 : 0),
    5: i64(values.length),
    6: i64(header.length + body.length),
    7: i64(header.length + compressed.length),
    9: i64(offset),
    12: struct({ 3: i64(nulls) }),
  };
  return {
    bytes: Buffer.concat([header, compressed]),
    meta,
    uncompressed: header.length + body.length,
  };
}

/** A complete Parquet file holding `rows` (each an array in column order). */
export function writeParquet(
  columns: ParquetColumn[],
  rows: ParquetValue[][],
  options: ParquetWriteOptions = {},
): Buffer {
  const groupLength = Math.max(1, options.rowGroupLength ?? 10_000);
  const compression = options.compression ?? 'none';
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const rowGroups: ThriftValue[] = [];
  for (let start = 0; start < rows.length; start += groupLength) {
    const group = rows.slice(start, start + groupLength);
    const chunks: ThriftValue[] = [];
    let total = 0;
    let compressedTotal = 0;
    const groupOffset = offset;
    for (let c = 0; c < columns.length; c++) {
      const chunk = columnChunk(
        columns[c],
        group.map(row => row[c]),
        offset,
        compression,
      );
      chunks.push(struct({ 2: i64(offset), 3: struct(chunk.meta) }));
      parts.push(chunk.bytes);
      offset += chunk.bytes.length;
      total += chunk.uncompressed;
      compressedTotal += chunk.bytes.length;
    }
    rowGroups.push(
      struct({
        1: list('struct', chunks),
        2: i64(total),
        3: i64(group.length),
        5: i64(groupOffset),
        6: i64(compressedTotal),
        7: { t: 'i16', v: rowGroups.length },
      }),
    );
  }
  const footer = encodeStruct({
    1: i32(options.formatVersion ?? 1),
    2: list('struct', [
      struct({ 4: str('schema'), 5: i32(columns.length) }),
      ...columns.map(schemaElement),
    ]),
    3: i64(rows.length),
    4: list('struct', rowGroups),
    6: str(options.createdBy ?? 'AWS'),
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  parts.push(footer, length, Buffer.from('PAR1'));
  return Buffer.concat(parts);
}
