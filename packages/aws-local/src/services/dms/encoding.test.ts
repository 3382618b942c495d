import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { RunningEmulator } from '../../core/emulator';
import { startTestEmulator } from '../../testing/testEmulator';
import {
  createTask,
  dmsSetup,
  download,
  duckdb,
  listKeys,
  rootConnection,
  sqlString,
  startTask,
  waitForTask,
} from './__testUtils__/dmsFixtures';
import { decimalBytes } from './encoding';

const database = `dms_types_${process.pid}`;
const BUCKET = 'types';

/**
 * Every MySQL type of docs/type-mapping.md, the Parquet physical type and annotation DMS gives it
 * (DMS User Guide, "Source data types for MySQL" and "Target data types for S3 Parquet"), as
 * DuckDB's parquet_schema() reads them from a file the emulator wrote.
 */
const TYPES: [
  column: string,
  mysqlType: string,
  physical: string,
  converted: string | null,
  logical: string | null,
][] = [
  ['c_tinyint', 'TINYINT', 'INT32', 'INT_8', 'IntType(signed)'],
  ['c_boolean', 'BOOLEAN', 'INT32', 'INT_8', 'IntType(signed)'],
  ['c_smallint', 'SMALLINT', 'INT32', 'INT_16', 'IntType(signed)'],
  ['c_mediumint', 'MEDIUMINT', 'INT32', 'INT_32', 'IntType(signed)'],
  ['c_int', 'INT', 'INT32', 'INT_32', 'IntType(signed)'],
  ['c_bigint', 'BIGINT', 'INT64', 'INT_64', 'IntType(signed)'],
  ['c_utinyint', 'TINYINT UNSIGNED', 'INT32', 'UINT_8', 'IntType(unsigned)'],
  ['c_usmallint', 'SMALLINT UNSIGNED', 'INT32', 'UINT_16', 'IntType(unsigned)'],
  [
    'c_umediumint',
    'MEDIUMINT UNSIGNED',
    'INT32',
    'UINT_32',
    'IntType(unsigned)',
  ],
  ['c_uint', 'INT UNSIGNED', 'INT32', 'UINT_32', 'IntType(unsigned)'],
  ['c_ubigint', 'BIGINT UNSIGNED', 'INT64', 'UINT_64', 'IntType(unsigned)'],
  ['c_serial', 'SERIAL', 'INT64', 'UINT_64', 'IntType(unsigned)'],
  [
    'c_decimal',
    'DECIMAL(38,10)',
    'FIXED_LEN_BYTE_ARRAY',
    'DECIMAL',
    'DecimalType(scale=10, precision=38)',
  ],
  [
    'c_decimal_default',
    'DECIMAL',
    'FIXED_LEN_BYTE_ARRAY',
    'DECIMAL',
    'DecimalType(scale=0, precision=10)',
  ],
  ['c_float', 'FLOAT', 'DOUBLE', null, null],
  ['c_double', 'DOUBLE', 'DOUBLE', null, null],
  ['c_real', 'REAL', 'DOUBLE', null, null],
  ['c_bit1', 'BIT(1)', 'BOOLEAN', null, null],
  ['c_bit12', 'BIT(12)', 'BYTE_ARRAY', null, null],
  ['c_year', 'YEAR', 'INT32', 'INT_16', 'IntType(signed)'],
  ['c_date', 'DATE', 'INT32', 'DATE', 'DateType()'],
  ['c_time', 'TIME', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  [
    'c_datetime',
    'DATETIME(3)',
    'INT64',
    'TIMESTAMP_MICROS',
    'TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))',
  ],
  [
    'c_timestamp',
    'TIMESTAMP(6) NULL',
    'INT64',
    'TIMESTAMP_MICROS',
    'TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))',
  ],
  ['c_char', 'CHAR(3)', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_varchar', 'VARCHAR(10)', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_tinytext', 'TINYTEXT', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_text', 'TEXT', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_mediumtext', 'MEDIUMTEXT', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_longtext', 'LONGTEXT', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_json', 'JSON', 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_enum', "ENUM('a','bb')", 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_set', "SET('x','y')", 'BYTE_ARRAY', 'UTF8', 'StringType()'],
  ['c_binary', 'BINARY(4)', 'BYTE_ARRAY', null, null],
  ['c_varbinary', 'VARBINARY(8)', 'BYTE_ARRAY', null, null],
  ['c_tinyblob', 'TINYBLOB', 'BYTE_ARRAY', null, null],
  ['c_blob', 'BLOB', 'BYTE_ARRAY', null, null],
  ['c_mediumblob', 'MEDIUMBLOB', 'BYTE_ARRAY', null, null],
  ['c_longblob', 'LONGBLOB', 'BYTE_ARRAY', null, null],
  ['c_geometry', 'GEOMETRY', 'BYTE_ARRAY', null, null],
  ['c_point', 'POINT', 'BYTE_ARRAY', null, null],
  ['c_linestring', 'LINESTRING', 'BYTE_ARRAY', null, null],
  ['c_polygon', 'POLYGON', 'BYTE_ARRAY', null, null],
  ['c_multipoint', 'MULTIPOINT', 'BYTE_ARRAY', null, null],
  ['c_multilinestring', 'MULTILINESTRING', 'BYTE_ARRAY', null, null],
  ['c_multipolygon', 'MULTIPOLYGON', 'BYTE_ARRAY', null, null],
  ['c_geometrycollection', 'GEOMETRYCOLLECTION', 'BYTE_ARRAY', null, null],
];

const DECIMAL_BYTES: Record<string, string> = {
  c_decimal: '16',
  c_decimal_default: '5',
};

describe('DMS Parquet encoding of each MySQL type', () => {
  let running: RunningEmulator;
  let root: mysql.Connection;
  let schema: Record<string, Record<string, any>>;
  let values: Record<string, any>;
  let millisSchema: Record<string, Record<string, any>>;

  const loadTypes = async (s3Settings: Record<string, unknown>) => {
    const setup = await dmsSetup(running, BUCKET);
    const arn = await createTask(setup, {
      migrationType: 'full-load',
      s3Settings: { BucketName: BUCKET, DataFormat: 'parquet', ...s3Settings },
      tableMappings: {
        rules: [
          {
            'rule-type': 'selection',
            'rule-id': '1',
            'rule-name': '1',
            'object-locator': {
              'schema-name': database,
              'table-name': 'types',
            },
            'rule-action': 'include',
          },
        ],
      },
    });
    await startTask(setup, arn);
    await waitForTask(setup, arn, t => t.Status === 'stopped');
    const keys = await listKeys(setup, BUCKET);
    const dir = await download(setup, BUCKET, keys);
    const file = sqlString(path.join(dir, keys[0]));
    const rows = await duckdb(`SELECT * FROM parquet_schema(${file})`);
    const data = await duckdb(
      `SELECT c_ubigint::VARCHAR AS c_ubigint, c_decimal::VARCHAR AS c_decimal, c_bit1, hex(c_bit12) AS c_bit12,
              c_year, c_date::VARCHAR AS c_date, c_time, strftime(c_datetime, '%Y-%m-%d %H:%M:%S.%f') AS c_datetime,
              c_uint, c_json, c_set, hex(c_point) AS c_point FROM read_parquet(${file})`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    await running.close();
    running = await startTestEmulator({
      settings: { dmsConnectTimeoutMs: 3_000 },
    });
    return {
      schema: Object.fromEntries(rows.map(r => [r.name, r])),
      data: data[0],
    };
  };

  beforeAll(async () => {
    root = await rootConnection();
    await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root.query(`CREATE DATABASE \`${database}\``);
    await root.query(
      `CREATE TABLE \`${database}\`.types (id INT PRIMARY KEY, ${TYPES.map(
        ([c, t]) => `${c} ${t}`,
      ).join(', ')})`,
    );
    await root.query(
      `INSERT INTO \`${database}\`.types (id, c_ubigint, c_decimal, c_bit1, c_bit12, c_year, c_date, c_time,
         c_datetime, c_uint, c_json, c_set, c_point)
       VALUES (1, 18446744073709551615, -12345678901234567890123456.0000000001, b'1', b'101010101010', 2024,
         '2024-02-29', '-838:59:59', '2024-01-02 03:04:05.678', 4294967295, '{"k": 1}', 'y,x', ST_GeomFromText('POINT(1 2)'))`,
    );
    running = await startTestEmulator({
      settings: { dmsConnectTimeoutMs: 3_000 },
    });
    ({ schema, data: values } = await loadTypes({}));
    ({ schema: millisSchema } = await loadTypes({
      ParquetTimestampInMillisecond: true,
    }));
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await root?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root?.end();
  });

  it.each(TYPES)(
    '%s %s → %s %s',
    (column, _type, physical, converted, logical) => {
      const element = schema[column];
      // DuckDB prints an IntType's 8-bit bitWidth as a character; the converted type carries the width.
      const intType = /^IntType\(.*isSigned=([01])\)$/.exec(
        element.logical_type ?? '',
      );
      const signedness = intType?.[1] === '1' ? 'signed' : 'unsigned';
      expect({
        physical: element.type,
        converted: element.converted_type,
        logical: intType ? `IntType(${signedness})` : element.logical_type,
        typeLength: element.type_length,
      }).toEqual({
        physical,
        converted,
        logical,
        // The smallest two's-complement width for the precision: 16 bytes for 38 digits, 5 for 10.
        typeLength: DECIMAL_BYTES[column] ?? null,
      });
    },
  );

  it('writes values that read back as MySQL holds them', () => {
    expect(values).toEqual({
      c_ubigint: '18446744073709551615',
      c_decimal: '-12345678901234567890123456.0000000001',
      c_bit1: true,
      c_bit12: '0AAA',
      c_year: 2024,
      c_date: '2024-02-29',
      c_time: '-838:59:59',
      c_datetime: '2024-01-02 03:04:05.678000',
      c_uint: 4294967295,
      c_json: '{"k": 1}',
      c_set: 'x,y',
      // MySQL's internal geometry: a 4-byte SRID, then WKB.
      c_point: '000000000101000000000000000000F03F0000000000000040',
    });
  });

  it('writes TIMESTAMP columns in milliseconds with ParquetTimestampInMillisecond', () => {
    for (const column of ['c_datetime', 'c_timestamp']) {
      expect(millisSchema[column].converted_type).toBe('TIMESTAMP_MILLIS');
      expect(millisSchema[column].logical_type).toContain(
        'MILLIS=MilliSeconds()',
      );
    }
  });

  it('encodes decimals as big-endian two’s complement of the unscaled value', () => {
    expect(decimalBytes('-0.01', 2, 2).toString('hex')).toBe('ffff');
    expect(decimalBytes('1.5', 2, 2).toString('hex')).toBe('0096');
  });
});
