import { SqlDialect, quoteString } from './dialect';

const INTEGRAL = new Set(['tinyint', 'smallint', 'int', 'integer', 'bigint']);
const FRACTIONAL = new Set(['float', 'double']);

/**
 * Text forms both engines read as the same value. Outside them Spark and DuckDB disagree (DuckDB
 * reads `1.5` as the INT 2, `1e3`, `0x10` and `1_000` as numbers, and refuses a padded boolean; Spark
 * reads `1.5` as 1 in a plain CAST and `2024` as a date), so a value outside them does not fit.
 */
const TEXT_FORMS: { types: (t: string) => boolean; pattern: string }[] = [
  { types: t => INTEGRAL.has(t), pattern: '^ *[+-]?[0-9]+ *$' },
  {
    types: t => FRACTIONAL.has(t) || t.startsWith('decimal'),
    pattern: '^ *[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)? *$',
  },
  { types: t => t === 'date', pattern: '^ *[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} *$' },
  {
    types: t => t === 'timestamp' || t === 'timestamp_ntz',
    pattern:
      '^ *[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)? *$',
  },
];

/**
 * The condition under which a non-NULL value of `sourceType` (a Spark type) fits the cast to `target`,
 * the same in both dialects: the engine's TRY_CAST gives a value (not NULL: out of range, bad date,
 * decimal overflow after rounding), and for text the text is in a form both engines read alike; a
 * fractional number cast to an integer must have no fraction (Spark truncates it, DuckDB rounds it).
 * Both jobs check it before a cast that Spark without ANSI mode would turn into NULL.
 *
 * @public
 */
export function castFitsCondition(
  sourceType: string,
  target: Record<SqlDialect, string>,
  dialect: SqlDialect,
  expr: string,
): string {
  const to = target.spark.trim().toLowerCase();
  const from = sourceType.trim().toLowerCase();
  const conditions = [
    `${dialect === 'spark' ? 'try_cast' : 'TRY_CAST'}(${expr} AS ${
      target[dialect]
    }) IS NOT NULL`,
  ];
  const matches = (pattern: string) =>
    dialect === 'spark'
      ? `${expr} RLIKE ${quoteString(pattern, dialect)}`
      : `regexp_matches(${expr}, ${quoteString(pattern, dialect)})`;
  if (from === 'string') {
    const form = TEXT_FORMS.find(f => f.types(to));
    if (form) conditions.push(matches(form.pattern));
    if (to === 'boolean') {
      conditions.push(
        `lower(${expr}) IN ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0')`,
      );
    }
  } else if (
    (FRACTIONAL.has(from) || from.startsWith('decimal')) &&
    INTEGRAL.has(to)
  ) {
    conditions.push(`floor(${expr}) = ${expr}`);
  }
  return conditions.join(' AND ');
}

/**
 * Whether a cast to this Spark type can fail: casts to text or bytes always give a value.
 *
 * @public
 */
export function castCanFail(target: string): boolean {
  const to = target.trim().toLowerCase();
  return to !== 'string' && to !== 'binary';
}
