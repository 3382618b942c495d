import { InputError } from '@backstage/errors';

/**
 * A column read from a MySQL `CREATE TABLE` statement.
 *
 * @public
 */
export type MysqlDdlColumn = {
  name: string;
  /** The type spelled the way `information_schema.COLUMNS.COLUMN_TYPE` does, e.g. `smallint unsigned`. */
  columnType: string;
  nullable: boolean;
};

/**
 * A table read from a MySQL `CREATE TABLE` statement.
 *
 * @public
 */
export type MysqlDdlTable = {
  schema?: string;
  name: string;
  columns: MysqlDdlColumn[];
  primaryKey: string[];
  uniqueKeys: string[][];
};

type Token = {
  kind: 'word' | 'ident' | 'string' | 'punct';
  text: string;
  start: number;
  end: number;
};

/**
 * Splits SQL into tokens. Executable comments (`/*!50705 ... *\/`) are kept as code because MySQL
 * 5.7+ runs them (Sakila hides its GEOMETRY column in one); other comments are dropped.
 */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith('/*!', i)) {
      i += 3;
      while (/[0-9]/.test(sql[i] ?? '')) i++;
    } else if (sql.startsWith('*/', i)) {
      i += 2;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (
      ch === '#' ||
      (sql.startsWith('--', i) && /[\s]|$/.test(sql[i + 2] ?? ''))
    ) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (ch === '`' || ch === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === ch && sql[i + 1] === ch) {
          text += ch;
          i += 2;
        } else if (sql[i] === ch) {
          break;
        } else {
          text += sql[i++];
        }
      }
      if (i >= sql.length) {
        throw new InputError(
          `unterminated quoted identifier at offset ${start}`,
        );
      }
      i++;
      tokens.push({ kind: 'ident', text, start, end: i });
    } else if (ch === "'") {
      const start = i;
      i++;
      while (i < sql.length) {
        if (sql[i] === '\\') {
          i += 2;
        } else if (sql[i] === "'" && sql[i + 1] === "'") {
          i += 2;
        } else if (sql[i] === "'") {
          break;
        } else {
          i++;
        }
      }
      if (i >= sql.length) {
        throw new InputError(`unterminated string literal at offset ${start}`);
      }
      i++;
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(ch)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$.\u0080-\uffff]/.test(sql[i])) {
        // a dot splits qualified names; keep it as punctuation
        if (sql[i] === '.') break;
        i++;
      }
      tokens.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'punct', text: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return (
    token !== undefined &&
    token.kind === 'word' &&
    words.includes(token.text.toUpperCase())
  );
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.text === text;
}

/** Splits the tokens of the table body into top-level, comma-separated definitions. */
function splitDefinitions(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let depth = 0;
  let current: Token[] = [];
  for (const token of tokens) {
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
    if (depth === 0 && isPunct(token, ',')) {
      out.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Reads `(a, b(10), c DESC)` into column names, skipping prefix lengths and sort order. */
function readColumnList(tokens: Token[], from: number): string[] {
  const open = tokens.findIndex((t, i) => i >= from && isPunct(t, '('));
  if (open < 0) return [];
  const names: string[] = [];
  let depth = 0;
  let expectName = true;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(')) {
      depth++;
      continue;
    }
    if (isPunct(t, ')')) {
      depth--;
      if (depth === 0) break;
      continue;
    }
    if (depth === 1 && isPunct(t, ',')) {
      expectName = true;
    } else if (depth === 1 && expectName && t.kind !== 'punct') {
      names.push(t.text);
      expectName = false;
    }
  }
  return names;
}

const MULTI_WORD_TYPES: Record<string, string[]> = {
  DOUBLE: ['PRECISION'],
  NATIONAL: ['CHAR', 'VARCHAR', 'CHARACTER'],
  CHARACTER: ['VARYING'],
};

function readColumn(
  def: Token[],
  sql: string,
): { column: MysqlDdlColumn; primaryKey: boolean; unique: boolean } {
  const name = def[0].text;
  let i = 1;
  const typeWords = [def[i]?.text ?? ''];
  if (!def[i] || def[i].kind !== 'word') {
    throw new InputError(`column '${name}' has no type`);
  }
  const follow = MULTI_WORD_TYPES[typeWords[0].toUpperCase()];
  i++;
  if (follow && isWord(def[i], ...follow)) {
    typeWords.push(def[i].text);
    i++;
  }
  let args = '';
  if (isPunct(def[i], '(')) {
    let depth = 0;
    const start = def[i].start;
    let end = start;
    for (; i < def.length; i++) {
      if (isPunct(def[i], '(')) depth++;
      if (isPunct(def[i], ')')) depth--;
      if (depth === 0) {
        end = def[i].end;
        i++;
        break;
      }
    }
    args = sql.slice(start, end).replace(/\s*,\s*/g, ',');
  }
  const modifiers: string[] = [];
  while (isWord(def[i], 'UNSIGNED', 'SIGNED', 'ZEROFILL')) {
    modifiers.push(def[i].text.toLowerCase());
    i++;
  }
  let nullable = true;
  let primaryKey = false;
  let unique = false;
  for (; i < def.length; i++) {
    if (isWord(def[i], 'NOT') && isWord(def[i + 1], 'NULL')) {
      nullable = false;
      i++;
    } else if (isWord(def[i], 'PRIMARY') && isWord(def[i + 1], 'KEY')) {
      primaryKey = true;
      nullable = false;
    } else if (isWord(def[i], 'UNIQUE')) {
      unique = true;
    } else if (isWord(def[i], 'SERIAL') && isWord(def[i + 1], 'DEFAULT')) {
      unique = true;
    }
  }
  const base = typeWords.join(' ').toLowerCase();
  const columnType = [
    `${base}${args}`,
    ...modifiers.filter(m => m !== 'signed'),
  ].join(' ');
  return {
    column: { name, columnType, nullable },
    primaryKey,
    unique,
  };
}

function readCreateTable(tokens: Token[], sql: string): MysqlDdlTable {
  // CREATE TABLE [IF NOT EXISTS] [schema.]name (
  let i = 2;
  if (isWord(tokens[i], 'IF')) i += 3;
  let schema: string | undefined;
  let name = tokens[i]?.text;
  i++;
  if (isPunct(tokens[i], '.')) {
    schema = name;
    name = tokens[i + 1]?.text;
    i += 2;
  }
  if (!name || !isPunct(tokens[i], '(')) {
    throw new InputError(
      `cannot read the CREATE TABLE statement near offset ${tokens[0].start}`,
    );
  }
  let depth = 0;
  let close = i;
  for (; close < tokens.length; close++) {
    if (isPunct(tokens[close], '(')) depth++;
    if (isPunct(tokens[close], ')')) depth--;
    if (depth === 0) break;
  }
  const defs = splitDefinitions(tokens.slice(i + 1, close));
  const columns: MysqlDdlColumn[] = [];
  let primaryKey: string[] = [];
  const uniqueKeys: string[][] = [];
  for (const def of defs) {
    if (def.length === 0) continue;
    const first = def[0];
    if (first.kind === 'word' && isWord(first, 'PRIMARY')) {
      primaryKey = readColumnList(def, 0);
    } else if (
      first.kind === 'word' &&
      (isWord(first, 'UNIQUE') ||
        (isWord(first, 'CONSTRAINT') && def.some(t => isWord(t, 'UNIQUE'))))
    ) {
      uniqueKeys.push(readColumnList(def, 0));
    } else if (
      first.kind === 'word' &&
      isWord(first, 'CONSTRAINT') &&
      def.some(t => isWord(t, 'PRIMARY'))
    ) {
      primaryKey = readColumnList(def, 0);
    } else if (
      first.kind === 'word' &&
      isWord(
        first,
        'KEY',
        'INDEX',
        'CONSTRAINT',
        'FULLTEXT',
        'SPATIAL',
        'FOREIGN',
        'CHECK',
      )
    ) {
      continue;
    } else {
      const { column, primaryKey: inlinePk, unique } = readColumn(def, sql);
      columns.push(column);
      if (inlinePk) primaryKey = [column.name];
      if (unique) uniqueKeys.push([column.name]);
    }
  }
  for (const key of [primaryKey, ...uniqueKeys]) {
    for (const col of key) {
      if (!columns.some(c => c.name === col)) {
        throw new InputError(
          `table '${name}' declares a key on unknown column '${col}'`,
        );
      }
    }
  }
  const notNullKeys = new Set(primaryKey);
  return {
    schema,
    name,
    columns: columns.map(c =>
      notNullKeys.has(c.name) ? { ...c, nullable: false } : c,
    ),
    primaryKey,
    uniqueKeys,
  };
}

/**
 * Reads every `CREATE TABLE` statement of a MySQL DDL script (such as a `mysqldump --no-data` file)
 * and ignores the other statements.
 *
 * @public
 */
export function parseMysqlDdl(sql: string): MysqlDdlTable[] {
  const tokens = tokenize(sql);
  const tables: MysqlDdlTable[] = [];
  let statement: Token[] = [];
  let depth = 0;
  const flush = () => {
    // Temporary tables are never replicated, and routine bodies (split here at their inner
    // semicolons) may create them, so only plain CREATE TABLE counts.
    if (isWord(statement[0], 'CREATE') && isWord(statement[1], 'TABLE')) {
      tables.push(readCreateTable(statement, sql));
    }
    statement = [];
  };
  for (const token of tokens) {
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
    if (depth === 0 && isPunct(token, ';')) {
      flush();
    } else {
      statement.push(token);
    }
  }
  flush();
  return tables;
}

/**
 * The merge key of a table: its primary key, else the first unique key on NOT NULL columns.
 *
 * @public
 */
export function mergeKeyOf(table: MysqlDdlTable): string[] {
  if (table.primaryKey.length > 0) return table.primaryKey;
  const unique = table.uniqueKeys.find(key =>
    key.every(k => table.columns.find(c => c.name === k)?.nullable === false),
  );
  if (!unique) {
    throw new InputError(
      `table '${table.name}' has no primary key and no unique key on NOT NULL columns, so CDC changes cannot be matched to rows`,
    );
  }
  return unique;
}
