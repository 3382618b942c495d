/*
 * The columns a gold table's SELECT produces, derived from its select list and the silver tables'
 * schemas: the form previews them as the SQL is typed, and `datalake:pipeline:gold:plan` derives
 * the gold table's columns with the same function, so preview and table agree. It reads only the
 * select list and the FROM/JOIN tables; an expression whose type it cannot tell must be wrapped in
 * CAST(… AS type), which keeps the declared Iceberg schema honest.
 */
import { SILVER_COLUMN_NAME_PATTERN } from './ingestionValidation';
import { splitTopLevel, topLevelFrom } from './sqlTopLevel';

/**
 * A column of a silver table (name and Spark SQL type).
 *
 * @public
 */
export type SilverColumnSchema = { name: string; type: string };

/**
 * A column of the gold table as the SQL produces it.
 *
 * @public
 */
export type GoldColumnPreview = {
  name: string;
  type: string;
  expression: string;
};

/**
 * The preview of a gold SELECT: its columns, the silver tables it reads and what is wrong with it.
 *
 * @public
 */
export type GoldSqlPreview = {
  columns: GoldColumnPreview[];
  /** The silver tables (by table name) the FROM and JOIN clauses name. */
  tables: string[];
  problems: string[];
};

const CLAUSE_KEYWORDS = new Set(
  'on using where group order having limit left right inner outer full cross join natural union lateral window qualify as'.split(
    ' ',
  ),
);

function unquote(identifier: string): string {
  return identifier.replace(/^[`"]|[`"]$/g, '');
}

/*
 * The preview runs on every keystroke and in the gold-table action, on text of any size: it reads
 * the SQL with the small scanners below, each a single pass, instead of regular expressions
 * whose overlapping quantifiers (`[\s\S]+\s+as`, `\(\s*[\s\S]+\)`, `[\s\S]*?\s+`) made
 * it quadratic in the length of a run of spaces or of an unterminated comment.
 */

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
const isDigit = (ch: string | undefined) =>
  ch !== undefined && ch >= '0' && ch <= '9';
const isWordChar = (ch: string | undefined) =>
  ch !== undefined && /\w/.test(ch);

/** Replaces `--` line comments, then block comments, with a space (unterminated: left as is). */
function stripComments(sql: string): string {
  const lines: string[] = [];
  let i = 0;
  for (;;) {
    const at = sql.indexOf('--', i);
    if (at < 0) break;
    lines.push(sql.slice(i, at), ' ');
    const newline = sql.indexOf('\n', at + 2);
    i = newline < 0 ? sql.length : newline;
  }
  lines.push(sql.slice(i));
  const text = lines.join('');
  const parts: string[] = [];
  i = 0;
  for (;;) {
    const at = text.indexOf('/*', i);
    // Without a closing `*/` after this opening, no later opening has one either.
    const close = at < 0 ? -1 : text.indexOf('*/', at + 2);
    if (close < 0) break;
    parts.push(text.slice(i, at), ' ');
    i = close + 2;
  }
  parts.push(text.slice(i));
  return parts.join('');
}

/**
 * Splits a select item into its expression and a trailing alias: `<expr> [AS] <name>`, the name
 * an identifier or a back-quoted or double-quoted name, separated from the expression by
 * whitespace. The expression is the shortest such prefix.
 */
function splitAlias(
  item: string,
): { expression: string; alias: string } | undefined {
  const end = item.length;
  const last = item[end - 1];
  let nameStart: number;
  if (last === '`' || last === '"') {
    nameStart = item.lastIndexOf(last, end - 2);
    if (nameStart < 0 || nameStart === end - 2) return undefined;
  } else {
    nameStart = end;
    while (nameStart > 0 && isWordChar(item[nameStart - 1])) nameStart--;
    if (nameStart === end || !/[A-Za-z_]/.test(item[nameStart])) {
      return undefined;
    }
  }
  let split = nameStart;
  while (split > 0 && isSpace(item[split - 1])) split--;
  if (split === nameStart) return undefined;
  if (item.slice(split - 2, split).toLowerCase() === 'as' && split >= 2) {
    let beforeAs = split - 2;
    while (beforeAs > 0 && isSpace(item[beforeAs - 1])) beforeAs--;
    if (beforeAs < split - 2) split = beforeAs;
  }
  return { expression: item.slice(0, split), alias: item.slice(nameStart) };
}

/** The target type of `[TRY_]CAST(<expr> AS <type>[(p[, s])])`, lower case without spaces. */
function castType(e: string): string | undefined {
  const head = e.slice(0, 8).toLowerCase();
  let i;
  if (head.startsWith('try_cast')) i = 8;
  else if (head.startsWith('cast')) i = 4;
  else return undefined;
  while (isSpace(e[i])) i++;
  if (e[i] !== '(') return undefined;
  const open = i;
  let j = e.length - 1;
  if (j <= open || e[j] !== ')') return undefined;
  j--;
  while (j > open && isSpace(e[j])) j--;
  const typeEnd = j + 1;
  if (e[j] === ')') {
    // The precision (and scale), read backwards: `( p [, s] )`.
    j--;
    while (isSpace(e[j])) j--;
    let digits = j;
    while (isDigit(e[j])) j--;
    if (j === digits) return undefined;
    while (isSpace(e[j])) j--;
    if (e[j] === ',') {
      j--;
      while (isSpace(e[j])) j--;
      digits = j;
      while (isDigit(e[j])) j--;
      if (j === digits) return undefined;
      while (isSpace(e[j])) j--;
    }
    if (e[j] !== '(') return undefined;
    j--;
    while (isSpace(e[j])) j--;
  }
  const nameEnd = j + 1;
  while (j > open && /[A-Za-z0-9_]/.test(e[j])) j--;
  const nameStart = j + 1;
  if (nameStart === nameEnd || !/[A-Za-z]/.test(e[nameStart])) {
    return undefined;
  }
  let k = nameStart;
  if (!isSpace(e[k - 1])) return undefined;
  while (k > open && isSpace(e[k - 1])) k--;
  if (e.slice(k - 2, k).toLowerCase() !== 'as') return undefined;
  k -= 2;
  // `AS` needs whitespace before it, after at least one character of the cast expression.
  if (!isSpace(e[k - 1]) || k - 1 < open + 2) return undefined;
  return e.slice(nameStart, typeEnd).replace(/\s+/g, '').toLowerCase();
}

/** `SUM|MIN|MAX( [DISTINCT] <inner> )`: the function and where its argument starts. */
function aggregateOf(e: string): { fn: string; start: number } | undefined {
  const fn = e.slice(0, 3).toLowerCase();
  if (fn !== 'sum' && fn !== 'min' && fn !== 'max') return undefined;
  let i = 3;
  while (isSpace(e[i])) i++;
  if (e[i] !== '(' || e[e.length - 1] !== ')') return undefined;
  const afterParen = i + 1;
  const last = e.length - 2; // the argument must keep at least one character
  let j = afterParen;
  while (isSpace(e[j])) j++;
  if (e.slice(j, j + 8).toLowerCase() === 'distinct' && isSpace(e[j + 8])) {
    let k = j + 8;
    while (isSpace(e[k])) k++;
    const start = Math.min(k, last);
    if (start >= j + 9) return { fn, start };
  }
  const start = Math.min(j, last);
  return start >= afterParen ? { fn, start } : undefined;
}

/** The type of one select expression, short of aggregates, or undefined when it cannot be told. */
function simpleTypeOf(
  e: string,
  columnType: (
    qualifier: string | undefined,
    column: string,
  ) => string | undefined,
): string | undefined {
  const cast = castType(e);
  if (cast) return cast;
  const column = /^(?:([A-Za-z_][\w]*)\.)?([A-Za-z_][\w]*)$/.exec(e);
  if (column) return columnType(column[1], column[2]);
  if (/^count\s*\(/i.test(e)) return 'bigint';
  if (/^-?\d+$/.test(e)) return 'int';
  if (/^-?\d+\.\d+$/.test(e)) return 'double';
  if (e.length >= 2 && e.startsWith("'") && e.endsWith("'")) {
    // `'.*'`: a dot stops at line breaks.
    return /[\n\r\u2028\u2029]/.test(e) ? undefined : 'string';
  }
  if (/^(true|false)$/i.test(e)) return 'boolean';
  if (/^(current_timestamp|now)\s*(\(\s*\))?$/i.test(e)) return 'timestamp';
  if (/^current_date\s*(\(\s*\))?$/i.test(e)) return 'date';
  if (/^date_trunc\s*\(/i.test(e)) return 'timestamp';
  if (/^(to_date|date)\s*\(/i.test(e)) return 'date';
  if (/^avg\s*\(/i.test(e)) return 'double';
  return undefined;
}

/** The type of one select expression, or undefined when it cannot be told. */
function typeOf(
  expression: string,
  columnType: (
    qualifier: string | undefined,
    column: string,
  ) => string | undefined,
): string | undefined {
  // Nested aggregates are unwrapped in a loop, not by recursion: `sum(min(sum(…)))` of any depth.
  const aggregates: string[] = [];
  let e = expression.trim();
  let type = simpleTypeOf(e, columnType);
  while (type === undefined) {
    const aggregate = aggregateOf(e);
    if (!aggregate) return undefined;
    aggregates.push(aggregate.fn);
    e = e.slice(aggregate.start, e.length - 1).trim();
    type = simpleTypeOf(e, columnType);
  }
  for (const fn of aggregates.reverse()) {
    if (fn !== 'sum') continue;
    if (/^(tinyint|smallint|int|bigint)$/.test(type)) {
      type = 'bigint';
      continue;
    }
    const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
    if (decimal) {
      type = `decimal(38,${decimal[2]})`;
      continue;
    }
    if (!/^(float|double)$/.test(type)) return undefined;
    type = 'double';
  }
  return type;
}

/**
 * Previews the columns of a gold SELECT over silver tables whose schemas are given by table name.
 *
 * @public
 */
export function previewGoldColumns(
  sql: string,
  silverTables: Record<string, SilverColumnSchema[]>,
): GoldSqlPreview {
  const stripped = stripComments(sql).trim();
  const text = stripped.endsWith(';') ? stripped.slice(0, -1) : stripped;
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

  const columns: GoldColumnPreview[] = [];
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
    const aliased = splitAlias(item);
    const bare = /^(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)$/.exec(item);
    let name: string;
    let expression: string;
    if (bare) {
      name = bare[1];
      expression = item;
    } else if (aliased && !/[.(]$/.test(aliased.expression.trim())) {
      name = unquote(aliased.alias);
      expression = aliased.expression.trim();
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
