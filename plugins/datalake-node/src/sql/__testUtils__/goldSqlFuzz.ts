/*
 * Inputs for fuzzing the gold SQL check and the row-filter validator: random token soups built
 * from Spark keywords and the fragments of known escapes, and adversarial shapes (deep
 * parentheses, long identifier and whitespace runs, unterminated strings and comments), all from a
 * seeded generator so that a failure replays. Shared by the Jest test (few iterations, fixed seed)
 * and `yarn bench gold-sql-fuzz` (many).
 */
import { checkGoldSql, GoldSqlScope } from '../goldSqlCheck';
import { SPARK_FUNCTION_ALLOW_LIST } from '../sparkFunctions';

/** mulberry32: small, fast and seeded. */
export function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FUZZ_SCOPE: GoldSqlScope = {
  silverDatabase: 'sakila_silver',
  allowedTables: ['payment', 'staff'],
  catalogs: ['glue_catalog'],
};

const FRAGMENTS = [
  'SELECT ',
  ' FROM ',
  'sakila_silver.payment',
  'glue_catalog.sakila_silver.staff',
  'sakila_silver.customer',
  'bronze.x',
  'other_db.t',
  'glue_catalog.db.t',
  'spark_catalog.sakila_silver.payment',
  'parquet.`s3://b/k/`',
  'csv.`/etc/passwd`',
  "reflect('java.lang.Runtime','getRuntime')",
  "java_method('java.lang.System','getenv','X')",
  'try_reflect(',
  'input_file_name()',
  "read_files('s3://b/')",
  'range(10)',
  "IDENTIFIER('other_db.t')",
  ' JOIN ',
  ' LEFT JOIN ',
  ' CROSS JOIN ',
  ' ON ',
  ' USING (staff_id)',
  ', ',
  ' WHERE ',
  ' IN ',
  ' EXISTS ',
  ' UNION ALL ',
  ' INTERSECT ',
  ' EXCEPT ',
  'WITH p AS ',
  ' AS ',
  ' LATERAL VIEW ',
  'explode(',
  ' VALUES ',
  '(1)',
  'TABLE ',
  'TRANSFORM(',
  " USING 'cat' ",
  ' GROUP BY ',
  ' ORDER BY ',
  ' LIMIT 1',
  ' OVER (PARTITION BY staff_id)',
  'count(*)',
  'sum(',
  'cast(',
  ' AS int)',
  'CASE WHEN ',
  ' THEN ',
  ' END',
  'NOT ',
  ' AND ',
  ' OR ',
  '-',
  '+',
  '(',
  ')',
  '[',
  ']',
  'amount',
  'p.amount',
  's.*',
  '*',
  '1',
  "'s'",
  '"q"',
  '`a b`',
  "'",
  '`',
  '"',
  '--',
  '\n',
  '/*',
  '*/',
  '/*+ BROADCAST(p) */',
  ';',
  ' DROP TABLE sakila_silver.payment',
  'SET x=1',
  "ADD JAR 's3://b/j.jar'",
  'CACHE TABLE ',
  ' ',
  '\t',
];

/** A random mix of the fragments, up to `maxLength` characters. */
export function tokenSoup(random: () => number, maxLength: number): string {
  const parts: string[] = [];
  let length = 0;
  const target = Math.floor(random() * maxLength);
  while (length < target) {
    const part = FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
    parts.push(part);
    length += part.length;
  }
  return parts.join('').slice(0, maxLength);
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

const RELATIONS = [
  'sakila_silver.payment',
  'glue_catalog.sakila_silver.staff',
  '`sakila_silver`.`PAYMENT`',
  'sakila_silver.customer',
  'bronze.payment',
  'other_db.t',
  'glue_catalog.db.payment',
  'spark_catalog.sakila_silver.payment',
  'parquet.`s3://b/k/`',
  'json.`/etc/x`',
  'payment',
  'range(3)',
  "read_files('s3://b/')",
  "IDENTIFIER('other_db.t')",
];

const EXPRESSIONS = [
  'amount',
  'p.amount',
  'count(*)',
  'sum(amount)',
  'upper(cast(amount AS string))',
  'coalesce(amount, 0)',
  "date_trunc('MONTH', payment_date)",
  'row_number() OVER (PARTITION BY staff_id ORDER BY amount)',
  "reflect('java.lang.Runtime', 'getRuntime')",
  "java_method('java.lang.System', 'getenv', 'X')",
  "try_reflect('a', 'b')",
  'input_file_name()',
  'my_udf(amount)',
  'db.fn(amount)',
];

/**
 * A SELECT of the shapes gold SQL takes, its relations and expressions drawn from allowed ones
 * and escapes alike: some are accepted, so the property is exercised on accepted input too.
 */
export function nearQuery(random: () => number): string {
  const relation = (depth: number): string =>
    depth < 2 && random() < 0.2
      ? `(SELECT * FROM ${relation(depth + 1)})`
      : pick(random, RELATIONS.slice(0, random() < 0.6 ? 3 : RELATIONS.length));
  const expression = (): string =>
    random() < 0.1
      ? `(SELECT max(amount) FROM ${relation(1)})`
      : pick(
          random,
          EXPRESSIONS.slice(0, random() < 0.6 ? 8 : EXPRESSIONS.length),
        );
  let sql = `SELECT ${expression()} AS c1, ${expression()} AS c2 FROM ${relation(
    0,
  )} p`;
  const join = random();
  if (join < 0.3) sql += `, ${relation(0)} q`;
  else if (join < 0.6) sql += ` JOIN ${relation(0)} q ON true`;
  if (random() < 0.3) {
    sql += ` WHERE amount IN (SELECT amount FROM ${relation(0)})`;
  }
  if (random() < 0.2) {
    sql += ` LATERAL VIEW ${pick(random, [
      'explode',
      'reflect',
      'posexplode',
    ])}(array(1)) e AS x`;
  }
  if (random() < 0.2) sql += ` UNION ALL SELECT 1, 2 FROM ${relation(0)}`;
  if (random() < 0.2) {
    sql = `WITH w AS (SELECT * FROM ${relation(0)}) ${sql.replace(
      ' FROM ',
      ' FROM w, ',
    )}`;
  }
  if (random() < 0.1) sql += pick(random, [';', '; DROP TABLE t', ' /*', " '"]);
  return sql;
}

/** Shapes that are slow for naive scanners and parsers, at a given size. */
export function adversarial(size: number): Record<string, string> {
  const base = 'SELECT amount FROM sakila_silver.payment';
  const half = Math.floor(size / 2);
  return {
    parentheses: `SELECT ${'('.repeat(half)}amount${')'.repeat(
      half,
    )} FROM sakila_silver.payment`,
    openParentheses: `SELECT amount FROM sakila_silver.payment WHERE ${'('.repeat(
      size,
    )}`,
    identifierRun: `SELECT ${'a'.repeat(size)} FROM sakila_silver.payment`,
    qualifiedRun: `SELECT ${'a.'.repeat(half)}b FROM sakila_silver.payment`,
    whitespaceRun: `SELECT amount${' '.repeat(size)}FROM sakila_silver.payment`,
    unterminatedString: `${base} WHERE amount = '${'x '.repeat(half)}`,
    unterminatedComment: `${base} /*${' x'.repeat(half)}`,
    nestedComments: `${base} ${'/*'.repeat(half)}`,
    notRun: `${base} WHERE ${'NOT '.repeat(Math.floor(size / 4))}true`,
    commaJoins: `SELECT 1 AS one FROM ${Array.from(
      { length: Math.floor(size / 24) },
      () => 'sakila_silver.payment',
    ).join(', ')}`,
    selectList: `SELECT ${Array.from(
      { length: Math.floor(size / 24) },
      (_, i) => `amount + ${i} AS c${i}`,
    ).join(', ')} FROM sakila_silver.payment`,
  };
}

/**
 * The property: an accepted input reads only allowed tables and calls only allow-listed
 * functions. Returns what is wrong, or undefined.
 */
export function escapeOf(sql: string): string | undefined {
  const result = checkGoldSql(sql, FUZZ_SCOPE);
  if (!result.ok) {
    if (result.problems.length === 0) return 'refused without a problem';
    return undefined;
  }
  const allowed = new Set(FUZZ_SCOPE.allowedTables);
  const outside = result.relations.filter(r => !allowed.has(r));
  if (outside.length > 0) return `accepted relations ${outside.join(', ')}`;
  const unknown = result.functions.filter(
    f => !SPARK_FUNCTION_ALLOW_LIST.has(f),
  );
  if (unknown.length > 0) return `accepted functions ${unknown.join(', ')}`;
  // Independently of the walk: no accepted text may name an escape fragment outside a string.
  const bare = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'[^']*'|"[^"]*"/g, "''")
    .toLowerCase();
  for (const marker of [
    'bronze.',
    'other_db.',
    'reflect(',
    'java_method(',
    'input_file_name(',
    'read_files(',
    'parquet.`',
    'csv.`',
    'identifier(',
  ]) {
    if (bare.includes(marker)) return `accepted text naming ${marker}`;
  }
  return undefined;
}

/**
 * Milliseconds per call of `fn`: the least of `samples` samples, each of as many calls as fill
 * `sampleMs`. The least, because on a shared machine noise only ever adds time.
 */
export function leastMs(fn: () => void, samples = 5, sampleMs = 10): number {
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    if (performance.now() - start >= sampleMs || calls >= 1 << 16) break;
    calls *= 2;
  }
  let least = Infinity;
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    least = Math.min(least, (performance.now() - start) / calls);
  }
  return least;
}

/** Median of a few runs of `fn`, in milliseconds. */
export function medianMs(fn: () => void, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export const ROW_FILTER_COLUMNS = ['region', 'amount', 'customer_id'];

const ROW_FILTER_FRAGMENTS = [
  'region',
  'amount',
  'customer_id',
  'secret',
  '"region"',
  "'eu'",
  "'",
  '"',
  '1',
  '2.5',
  '-',
  ' = ',
  ' <> ',
  ' < ',
  ' >= ',
  ' AND ',
  ' OR ',
  'NOT ',
  ' IN ',
  ' BETWEEN ',
  ' IS NULL',
  ' IS NOT NULL',
  ' LIKE ',
  '(',
  ')',
  ', ',
  ' ',
  ';',
  '--',
  '/*',
  'SELECT ',
  ' FROM ',
  'bronze.x',
  "reflect('a','b')",
  'DROP TABLE t',
  '\u00a0',
  '\n',
];

/** A random row filter from the fragments, up to `maxLength` characters. */
export function rowFilterSoup(random: () => number, maxLength: number): string {
  const parts: string[] = [];
  let length = 0;
  const target = Math.floor(random() * maxLength);
  while (length < target) {
    const part =
      ROW_FILTER_FRAGMENTS[Math.floor(random() * ROW_FILTER_FRAGMENTS.length)];
    parts.push(part);
    length += part.length;
  }
  return parts.join('').slice(0, maxLength);
}
