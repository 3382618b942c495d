/*
 * Reads the Sakila fixture: the `CREATE TABLE` statements of the schema file and a sample of the
 * rows of the data file's `INSERT INTO … VALUES (…),(…)` statements, for the landing files.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MysqlDdlTable,
  parseMysqlDdl,
} from '@datalake-portal/backstage-plugin-datalake-node';

/** The repository root: the nearest folder at or above the working directory holding yarn.lock. */
function repositoryRoot(): string {
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, 'yarn.lock'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** The fixture folder beside the repository (/work/shared next to /work/main). */
export const DEFAULT_SAKILA_DIR = path.resolve(
  repositoryRoot(),
  '../shared/fixtures/mysql/sakila',
);

/** MySQL string escapes that are not the escaped character itself. */
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  '0': '\0',
  t: '\t',
};

/** Values of one row; `null` for SQL NULL. */
export type Row = (string | null)[];

export type SakilaFixture = {
  tables: MysqlDdlTable[];
  /** Up to `sampleSize` rows per table, in file order. */
  samples: Map<string, Row[]>;
  /** How many rows the data file inserts per table. */
  rowCounts: Map<string, number>;
};

/** Splits the tuples of a `VALUES (…),(…)` list into rows of raw values. */
export function parseValueTuples(values: string): Row[] {
  const rows: Row[] = [];
  let row: Row = [];
  let i = 0;
  const n = values.length;
  while (i < n) {
    const ch = values[i];
    if (ch === '(') {
      row = [];
      i++;
      for (;;) {
        while (values[i] === ' ') i++;
        if (values.startsWith('/*!', i)) {
          // MySQL-versioned value (Sakila's GEOMETRY column); its own comma ends the value.
          const end = values.indexOf('*/', i);
          const inner = values.slice(i + 3, end).replace(/^\d+\s*/, '');
          row.push(inner.replace(/,\s*$/, '').trim());
          i = end + 2;
          if (inner.trimEnd().endsWith(',')) continue;
        } else if (values[i] === "'") {
          let text = '';
          i++;
          while (i < n && values[i] !== "'") {
            if (values[i] === '\\' && i + 1 < n) {
              const next = values[i + 1];
              text += ESCAPES[next] ?? next;
              i += 2;
            } else {
              text += values[i++];
            }
            if (values[i] === "'" && values[i + 1] === "'") {
              text += "'";
              i += 2;
            }
          }
          i++;
          row.push(text);
        } else {
          const start = i;
          let depth = 0;
          while (
            i < n &&
            (depth > 0 || (values[i] !== ',' && values[i] !== ')'))
          ) {
            if (values[i] === '(') depth++;
            if (values[i] === ')') depth--;
            i++;
          }
          const raw = values.slice(start, i).trim();
          row.push(/^NULL$/i.test(raw) ? null : raw);
        }
        while (values[i] === ' ') i++;
        if (values[i] === ',') {
          i++;
          continue;
        }
        i++; // the closing parenthesis
        break;
      }
      rows.push(row);
    } else {
      i++;
    }
  }
  return rows;
}

/** Reads the fixture; `sampleSize` bounds the rows kept per table. */
export function readSakilaFixture(
  dir: string,
  sampleSize: number,
): SakilaFixture {
  const tables = parseMysqlDdl(
    fs.readFileSync(path.join(dir, 'sakila-schema.sql'), 'utf8'),
  );
  const samples = new Map<string, Row[]>();
  const rowCounts = new Map<string, number>();
  const data = fs.readFileSync(path.join(dir, 'sakila-data.sql'), 'utf8');
  const insert = /^INSERT INTO `?(\w+)`? VALUES ([\s\S]*?\));\s*$/gm;
  for (let match = insert.exec(data); match; match = insert.exec(data)) {
    const [, table, values] = match;
    const rows = parseValueTuples(values);
    rowCounts.set(table, (rowCounts.get(table) ?? 0) + rows.length);
    const kept = samples.get(table) ?? [];
    if (kept.length < sampleSize) {
      samples.set(table, [...kept, ...rows.slice(0, sampleSize - kept.length)]);
    }
  }
  return { tables, samples, rowCounts };
}
