/*
 * The former gold column preview, built on regular expressions that are quadratic on some inputs:
 * kept only as the oracle of the differential test of the linear scanner that replaced it
 * (goldSqlPreview.test.ts). Not part of the package.
 */
import { SILVER_COLUMN_NAME_PATTERN } from '../ingestionValidation';
import { splitTopLevel, topLevelFrom } from '../sqlTopLevel';
import type { GoldSqlPreview, SilverColumnSchema } from '../goldSqlPreview';

const CLAUSE_KEYWORDS = new Set(
  'on using where group order having limit left right inner outer full cross join natural union lateral window qualify as'.split(
    ' ',
  ),
);

function unquote(identifier: string): string {
  return identifier.replace(/^[`"]|[`"]$/g, '');
}

/** The type of one select expression, or undefined when it cannot be told. */
function typeOf(
  expression: string,
  columnType: (
    qualifier: string | undefined,
    column: string,
  ) => string | undefined,
): string | undefined {
  const e = expression.trim();
  const cast =
    /^(?:try_)?cast\s*\(([\s\S]+)\s+as\s+([a-z][a-z0-9_]*(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?)\s*\)$/i.exec(
      e,
    );
  if (cast) return cast[2].replace(/\s+/g, '').toLowerCase();
  const column = /^(?:([A-Za-z_][\w]*)\.)?([A-Za-z_][\w]*)$/.exec(e);
  if (column) return columnType(column[1], column[2]);
  if (/^count\s*\(/i.test(e)) return 'bigint';
  if (/^-?\d+$/.test(e)) return 'int';
  if (/^-?\d+\.\d+$/.test(e)) return 'double';
  if (/^'.*'$/.test(e)) return 'string';
  if (/^(true|false)$/i.test(e)) return 'boolean';
  if (/^(current_timestamp|now)\s*(\(\s*\))?$/i.test(e)) return 'timestamp';
  if (/^current_date\s*(\(\s*\))?$/i.test(e)) return 'date';
  if (/^date_trunc\s*\(/i.test(e)) return 'timestamp';
  if (/^(to_date|date)\s*\(/i.test(e)) return 'date';
  if (/^avg\s*\(/i.test(e)) return 'double';
  const aggregate = /^(sum|min|max)\s*\(\s*(?:distinct\s+)?([\s\S]+)\)$/i.exec(
    e,
  );
  if (aggregate) {
    const inner = typeOf(aggregate[2], columnType);
    if (!inner) return undefined;
    if (aggregate[1].toLowerCase() !== 'sum') return inner;
    if (/^(tinyint|smallint|int|bigint)$/.test(inner)) return 'bigint';
    const decimal = /^decimal\((\d+),(\d+)\)$/.exec(inner);
    if (decimal) return `decimal(38,${decimal[2]})`;
    return /^(float|double)$/.test(inner) ? 'double' : undefined;
  }
  return undefined;
}

/**
 * Previews the columns of a gold SELECT over silver tables whose schemas are given by table name.
 *
 * @public
 */
export function previewGoldColumnsByRegex(
  sql: string,
  silverTables: Record<string, SilverColumnSchema[]>,
): GoldSqlPreview {
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .replace(/;\s*$/, '');
  const problems: string[] = [];
  const select = /^select\s+(?:distinct\s+)?/i.exec(text);
  if (!select) {
    return {
      columns: [],
      tables: [],
      problems: ['The SQL must be one SELECT statement.'],
    };
  }
  const from = topLevelFrom(text);
  if (from < 0) {
    return {
      columns: [],
      tables: [],
      problems: ['The SELECT has no FROM: name the silver tables it reads.'],
    };
  }
  const selectList = text.slice(select[0].length, from);
  const rest = text.slice(from);

  const aliases = new Map<string, string>();
  const tables: string[] = [];
  for (const m of rest.matchAll(
    /\b(?:from|join)\s+([`"\w.]+)(?:\s+(?:as\s+)?([A-Za-z_]\w*))?/gi,
  )) {
    const name = unquote(m[1].split('.').pop()!);
    if (!silverTables[name]) {
      problems.push(
        `The SQL reads '${
          m[1]
        }', which is not one of the chosen silver tables (${Object.keys(
          silverTables,
        ).join(', ')}).`,
      );
      continue;
    }
    if (!tables.includes(name)) tables.push(name);
    aliases.set(name, name);
    if (m[2] && !CLAUSE_KEYWORDS.has(m[2].toLowerCase())) {
      aliases.set(m[2], name);
    }
  }
  const columnType = (qualifier: string | undefined, column: string) => {
    const candidates = qualifier
      ? [aliases.get(qualifier)].filter((t): t is string => !!t)
      : tables;
    for (const table of candidates) {
      const found = silverTables[table].find(c => c.name === column);
      if (found) return found.type;
    }
    return undefined;
  };

  const columns: GoldSqlPreview['columns'] = [];
  for (const item of splitTopLevel(selectList)) {
    const star = /^(?:([A-Za-z_]\w*)\.)?\*$/.exec(item);
    if (star) {
      const starTables = star[1]
        ? [aliases.get(star[1])].filter((t): t is string => !!t)
        : tables;
      for (const table of starTables) {
        for (const c of silverTables[table]) {
          columns.push({
            name: c.name,
            type: c.type,
            expression: `${table}.${c.name}`,
          });
        }
      }
      continue;
    }
    const aliased =
      /^([\s\S]*?)\s+(?:as\s+)?([A-Za-z_]\w*|`[^`]+`|"[^"]+")$/i.exec(item);
    const bare = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)$/.exec(item);
    let name: string;
    let expression: string;
    if (bare) {
      name = bare[1];
      expression = item;
    } else if (aliased && !/[.(]$/.test(aliased[1].trim())) {
      name = unquote(aliased[2]);
      expression = aliased[1].trim();
    } else {
      problems.push(`Give the expression '${item}' a column name with AS.`);
      continue;
    }
    if (!SILVER_COLUMN_NAME_PATTERN.test(name)) {
      problems.push(
        `Gold column name '${name}' is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore.`,
      );
      continue;
    }
    const type = typeOf(expression, columnType);
    if (!type) {
      problems.push(
        `The type of column '${name}' (${expression}) cannot be told: wrap it in CAST(… AS type).`,
      );
      continue;
    }
    if (columns.some(c => c.name === name)) {
      problems.push(`Gold column name '${name}' is used twice.`);
      continue;
    }
    columns.push({ name, type, expression });
  }
  if (columns.length === 0 && problems.length === 0) {
    problems.push('The SELECT returns no column.');
  }
  return { columns, tables, problems };
}
