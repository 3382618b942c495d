/**
 * How bad a finding about a source column is.
 *
 * @public
 */
export type TypeMappingSeverity = 'blocker' | 'warning' | 'info';

/**
 * A finding attached to a mapped column type.
 *
 * @public
 */
export type TypeMappingNote = {
  severity: TypeMappingSeverity;
  message: string;
};

/**
 * The types one MySQL column takes along the data path: the DMS internal type, the Iceberg type of the
 * bronze table, the Spark SQL type used in casts and the DuckDB type used by the local replay.
 *
 * @public
 */
export type MysqlColumnTypeMapping = {
  icebergType: string;
  sparkType: string;
  duckdbType: string;
  dmsType: string;
  notes: TypeMappingNote[];
};

/** Iceberg's decimal precision limit; MySQL allows 65. */
const MAX_ICEBERG_DECIMAL_PRECISION = 38;

const LOB_SETTINGS_HINT =
  'it is a LOB for DMS: with SupportLobs=false it is not migrated, in limited LOB mode values longer than LobMaxSize are truncated, and full LOB mode is not supported on S3 targets';

const ZERO_DATE_NOTE: TypeMappingNote = {
  severity: 'warning',
  message:
    "zero dates ('0000-00-00') arrive as NULL from DMS, so a NOT NULL source column can hold NULL in the lake",
};

type Logical =
  | { kind: 'boolean' }
  | { kind: 'int' }
  | { kind: 'long' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'double' }
  | { kind: 'string' }
  | { kind: 'binary' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamptz' };

function render(
  logical: Logical,
  dmsType: string,
  notes: TypeMappingNote[],
): MysqlColumnTypeMapping {
  switch (logical.kind) {
    case 'decimal': {
      const args = `(${logical.precision},${logical.scale})`;
      return {
        icebergType: `decimal${args}`,
        sparkType: `decimal${args}`,
        duckdbType: `DECIMAL${args}`,
        dmsType,
        notes,
      };
    }
    case 'boolean':
      return simple('boolean', 'boolean', 'BOOLEAN');
    case 'int':
      return simple('int', 'int', 'INTEGER');
    case 'long':
      return simple('long', 'bigint', 'BIGINT');
    case 'double':
      return simple('double', 'double', 'DOUBLE');
    case 'string':
      return simple('string', 'string', 'VARCHAR');
    case 'binary':
      return simple('binary', 'binary', 'BLOB');
    case 'date':
      return simple('date', 'date', 'DATE');
    case 'timestamp':
      return simple('timestamp', 'timestamp_ntz', 'TIMESTAMP');
    case 'timestamptz':
      return simple('timestamptz', 'timestamp', 'TIMESTAMPTZ');
    default:
      throw new Error(`unhandled logical type ${JSON.stringify(logical)}`);
  }

  function simple(iceberg: string, spark: string, duckdb: string) {
    return {
      icebergType: iceberg,
      sparkType: spark,
      duckdbType: duckdb,
      dmsType,
      notes,
    };
  }
}

type ParsedColumnType = {
  base: string;
  args: string[];
  unsigned: boolean;
};

/** Splits `decimal(10,2) unsigned zerofill` or `enum('a','b,c')` into its parts. */
function parseColumnType(columnType: string): ParsedColumnType | undefined {
  const text = columnType.trim();
  const match =
    /^([a-zA-Z][a-zA-Z ]*?)\s*(\((.*)\))?\s*((?:unsigned|signed|zerofill|\s)*)$/is.exec(
      text,
    );
  if (!match) {
    return undefined;
  }
  const base = match[1].toLowerCase().replace(/\s+/g, ' ');
  const args = match[3] !== undefined ? splitArgs(match[3]) : [];
  const modifiers = (match[4] ?? '').toLowerCase();
  return { base, args, unsigned: /\bunsigned\b/.test(modifiers) };
}

/** Splits a comma list in which items may be single-quoted strings with '' or \' escapes. */
function splitArgs(inner: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (quoted) {
      if (ch === '\\' && i + 1 < inner.length) {
        current += inner[++i];
      } else if (ch === "'" && inner[i + 1] === "'") {
        current += "'";
        i++;
      } else if (ch === "'") {
        quoted = false;
      } else {
        current += ch;
      }
    } else if (ch === "'") {
      quoted = true;
    } else if (ch === ',') {
      out.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(quoted ? current : current.trim());
  return out;
}

function intArg(args: string[], index: number): number | undefined {
  const value = args[index];
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    return undefined;
  }
  return Number(value);
}

function blocker(message: string): MysqlColumnTypeMapping {
  return {
    ...render({ kind: 'string' }, 'STRING', []),
    notes: [{ severity: 'blocker', message }],
  };
}

/**
 * Maps a MySQL column type, as `information_schema.COLUMNS.COLUMN_TYPE` spells it (for example
 * `bigint(20) unsigned`, `enum('a','b')`, `decimal(65,2)`), to the types it takes through DMS, the
 * S3 landing files and the Iceberg tables. Never widens silently into overflow: unsigned integers go to
 * the next wider type, and anything that cannot be carried exactly is reported in `notes`.
 *
 * @public
 */
export function mapMysqlColumnType(columnType: string): MysqlColumnTypeMapping {
  const parsed = parseColumnType(columnType ?? '');
  if (!parsed) {
    return blocker(`cannot parse the MySQL column type '${columnType}'`);
  }
  const { base, args, unsigned } = parsed;
  const notes: TypeMappingNote[] = [];

  switch (base) {
    case 'bool':
    case 'boolean':
      return render({ kind: 'int' }, 'INT1', [
        {
          severity: 'info',
          message:
            'BOOLEAN is TINYINT(1) in MySQL and DMS writes it as an integer; the bronze column is an int, cast to boolean in silver',
        },
      ]);
    case 'tinyint': {
      if (!unsigned && intArg(args, 0) === 1) {
        notes.push({
          severity: 'info',
          message:
            'TINYINT(1) is usually a BOOLEAN, but it can hold -128..127; the bronze column is an int, cast to boolean in silver if the values are 0/1',
        });
      }
      return render({ kind: 'int' }, unsigned ? 'UINT1' : 'INT1', notes);
    }
    case 'smallint':
      return render({ kind: 'int' }, unsigned ? 'UINT2' : 'INT2', notes);
    case 'mediumint':
      return render({ kind: 'int' }, unsigned ? 'UINT4' : 'INT4', notes);
    case 'int':
    case 'integer':
      // INT UNSIGNED reaches 4,294,967,295, beyond a 32-bit int.
      return unsigned
        ? render({ kind: 'long' }, 'UINT4', notes)
        : render({ kind: 'int' }, 'INT4', notes);
    case 'bigint':
      if (unsigned) {
        // BIGINT UNSIGNED reaches 18,446,744,073,709,551,615 (20 digits), beyond a signed long.
        return render({ kind: 'decimal', precision: 20, scale: 0 }, 'UINT8', [
          {
            severity: 'info',
            message:
              'BIGINT UNSIGNED does not fit a signed 64-bit long; stored as decimal(20,0) (Spark 3.2+ reads Parquet UINT64 as decimal(20,0))',
          },
        ]);
      }
      return render({ kind: 'long' }, 'INT8', notes);
    case 'serial':
      return render({ kind: 'decimal', precision: 20, scale: 0 }, 'UINT8', [
        {
          severity: 'info',
          message: 'SERIAL is BIGINT UNSIGNED; stored as decimal(20,0)',
        },
      ]);
    case 'decimal':
    case 'dec':
    case 'numeric':
    case 'fixed': {
      const precision = intArg(args, 0) ?? 10;
      const scale = intArg(args, 1) ?? 0;
      if (precision > MAX_ICEBERG_DECIMAL_PRECISION) {
        return {
          ...render({ kind: 'string' }, `NUMERIC(${precision},${scale})`, []),
          notes: [
            {
              severity: 'blocker',
              message: `DECIMAL(${precision},${scale}) exceeds the Iceberg maximum precision of ${MAX_ICEBERG_DECIMAL_PRECISION} and DMS behaviour above 38 digits is not documented; reduce the precision at the source or convert it to a string with a DMS change-data-type rule (the proposed target is string)`,
            },
          ],
        };
      }
      return render(
        { kind: 'decimal', precision, scale },
        `NUMERIC(${precision},${scale})`,
        notes,
      );
    }
    case 'float':
    case 'double':
    case 'double precision':
    case 'real':
      // DMS hands FLOAT over as REAL(DOUBLE), so the Parquet column is DOUBLE either way.
      return render({ kind: 'double' }, base === 'float' ? 'REAL4' : 'REAL8', [
        ...(base === 'float'
          ? [
              {
                severity: 'info' as const,
                message:
                  'FLOAT is written as DOUBLE by DMS; values outside ±2.23E-308..±1.79E+308 (other than 0) need a DMS transformation to string',
              },
            ]
          : []),
      ]);
    case 'bit': {
      const width = intArg(args, 0) ?? 1;
      if (width === 1) {
        return render({ kind: 'boolean' }, 'BOOLEAN', notes);
      }
      return render({ kind: 'binary' }, `BYTES(${Math.ceil(width / 8)})`, [
        {
          severity: 'warning',
          message: `BIT(${width}) arrives as ${Math.ceil(
            width / 8,
          )} big-endian bytes; convert it to a number or flags in silver`,
        },
      ]);
    }
    case 'year':
      return render({ kind: 'int' }, 'INT2', [
        {
          severity: 'info',
          message: 'YEAR is carried as a 16-bit integer (0000 stays 0)',
        },
      ]);
    case 'date':
      return render({ kind: 'date' }, 'DATE', [ZERO_DATE_NOTE]);
    case 'time':
      return render({ kind: 'string' }, 'STRING', [
        {
          severity: 'warning',
          message:
            'TIME is written as a string by DMS (Spark has no TIME type and MySQL TIME spans -838:59:59..838:59:59); parse it to an interval or seconds in silver if needed',
        },
      ]);
    case 'datetime':
      return render({ kind: 'timestamp' }, 'DATETIME', [
        ZERO_DATE_NOTE,
        {
          severity: 'info',
          message:
            'DATETIME has no time zone and DMS does not convert it; stored as an Iceberg timestamp without zone (Spark TIMESTAMP_NTZ)',
        },
      ]);
    case 'timestamp':
      return render({ kind: 'timestamptz' }, 'DATETIME', [
        ZERO_DATE_NOTE,
        {
          severity: 'info',
          message:
            'TIMESTAMP is converted to UTC by DMS; stored as an Iceberg timestamptz',
        },
      ]);
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
    case 'national char':
    case 'national varchar':
    case 'character':
    case 'character varying': {
      const length = intArg(args, 0);
      return render(
        { kind: 'string' },
        length !== undefined ? `WSTRING(${length})` : 'WSTRING',
        notes,
      );
    }
    case 'tinytext':
    case 'text':
      return render({ kind: 'string' }, 'WSTRING', [
        {
          severity: 'info',
          message: `${base.toUpperCase()} is migrated even with SupportLobs=false; check LobMaxSize in limited LOB mode for long values`,
        },
      ]);
    case 'mediumtext':
    case 'longtext':
      return render({ kind: 'string' }, 'NCLOB', [
        {
          severity: 'warning',
          message: `${base.toUpperCase()}: ${LOB_SETTINGS_HINT}`,
        },
      ]);
    case 'json':
      return render({ kind: 'string' }, 'CLOB', [
        {
          severity: 'warning',
          message: `JSON is stored as a string (parse it in silver); ${LOB_SETTINGS_HINT}`,
        },
      ]);
    case 'enum': {
      const longest = args.reduce((max, v) => Math.max(max, v.length), 0);
      return render({ kind: 'string' }, `WSTRING(${longest})`, [
        {
          severity: 'info',
          message: 'ENUM is written as its value string, not its ordinal',
        },
      ]);
    }
    case 'set': {
      const total =
        args.reduce((sum, v) => sum + v.length, 0) +
        Math.max(args.length - 1, 0);
      return render({ kind: 'string' }, `WSTRING(${total})`, [
        {
          severity: 'info',
          message:
            'SET is written as the comma-separated list of its members; split it in silver if needed',
        },
      ]);
    }
    case 'binary':
    case 'varbinary': {
      const length = intArg(args, 0) ?? 1;
      return render({ kind: 'binary' }, `BYTES(${length})`, notes);
    }
    case 'tinyblob':
      return render({ kind: 'binary' }, 'BYTES(255)', notes);
    case 'blob':
      return render({ kind: 'binary' }, 'BYTES(65535)', [
        {
          severity: 'info',
          message:
            'BLOB is migrated even with SupportLobs=false; check LobMaxSize in limited LOB mode for long values',
        },
      ]);
    case 'mediumblob':
    case 'longblob':
      return render({ kind: 'binary' }, 'BLOB', [
        {
          severity: 'warning',
          message: `${base.toUpperCase()}: ${LOB_SETTINGS_HINT}`,
        },
      ]);
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'geometrycollection':
    case 'geomcollection':
      return render({ kind: 'binary' }, 'BLOB', [
        {
          severity: 'warning',
          message: `${base.toUpperCase()} is a spatial type: DMS writes it as a binary LOB whose byte layout (WKB or MySQL's SRID-prefixed WKB) is not documented; verify it on a sample, or convert it at the source with ST_AsText into a string column (${LOB_SETTINGS_HINT})`,
        },
      ]);
    default:
      return blocker(
        `the MySQL column type '${columnType}' is not supported by the pipeline; map it explicitly`,
      );
  }
}
