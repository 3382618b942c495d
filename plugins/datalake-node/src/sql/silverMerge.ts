import { InputError } from '@backstage/errors';
import {
  GoldTableSpec,
  PipelineSpec,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  SqlDialect,
  quoteIdentifier,
  quoteString,
  quoteTableName,
} from './dialect';
import { castFitsCondition } from './castCheck';
import { evolvedColumnsSlot } from './evolvedColumns';
import { sparkTypeToDuckdb } from './types';

/**
 * One silver column: where it comes from and how it is cleaned.
 *
 * @public
 */
export type SilverColumnPlan = {
  name: string;
  source: string;
  /** Target type per dialect; undefined keeps the bronze type. */
  cast?: Record<SqlDialect, string>;
  /** The bronze column's Spark type, the type the cast converts from. */
  sourceType: string;
  trim: boolean;
  nullValues: string[];
};

/**
 * The dialect-neutral plan of the bronze → silver merge.
 *
 * @public
 */
export type SilverMergePlan = {
  key: string[];
  columns: SilverColumnPlan[];
  /**
   * Schema drift policy `evolve`: the merge carries slots for the columns bronze gained at run time,
   * which silver takes under their bronze names, text trimmed with '' as NULL like the others.
   */
  evolve: boolean;
};

/**
 * Columns of the bronze change relation the silver merge reads: `_dl_deleted` marks a removed key,
 * `_dl_change_ordinal` orders several changes of one key (0 when the relation holds one per key).
 *
 * @public
 */
export const SILVER_CHANGE_COLUMNS = {
  deleted: '_dl_deleted',
  ordinal: '_dl_change_ordinal',
} as const;

/**
 * Plans bronze → silver: renames, casts, trimming and null normalisation from the spec.
 *
 * @public
 */
export function planSilverMerge(spec: PipelineSpec): SilverMergePlan {
  const nameOf = new Map(spec.silver.columns.map(c => [c.source, c.name]));
  const key = spec.key.map(k => {
    const name = nameOf.get(k);
    if (!name) {
      throw new InputError(
        `silver drops key column '${k}'; keep every key column`,
      );
    }
    return name;
  });
  const bronzeType = new Map(spec.columns.map(c => [c.name, c.sparkType]));
  return {
    key,
    columns: spec.silver.columns.map(c => ({
      name: c.name,
      source: c.source,
      sourceType: bronzeType.get(c.source) ?? 'string',
      ...(c.cast
        ? { cast: { spark: c.cast, duckdb: sparkTypeToDuckdb(c.cast) } }
        : {}),
      trim: c.trim ?? false,
      nullValues: c.nullValues ?? [],
    })),
    evolve: spec.schemaDrift === 'evolve',
  };
}

/** The cleaned value before its cast: trimmed, listed null values made NULL. */
function cleanedExpression(
  column: SilverColumnPlan,
  dialect: SqlDialect,
  alias: string,
): string {
  let expr = `${alias}.${quoteIdentifier(column.source, dialect)}`;
  if (column.trim) {
    expr = `TRIM(${expr})`;
  }
  if (column.nullValues.length > 0) {
    const list = column.nullValues.map(v => quoteString(v, dialect)).join(', ');
    expr = `CASE WHEN ${expr} IN (${list}) THEN NULL ELSE ${expr} END`;
  }
  return expr;
}

function columnExpression(
  column: SilverColumnPlan,
  dialect: SqlDialect,
  alias: string,
): string {
  const expr = cleanedExpression(column, dialect, alias);
  return column.cast ? `CAST(${expr} AS ${column.cast[dialect]})` : expr;
}

function fitsCondition(
  column: SilverColumnPlan,
  dialect: SqlDialect,
  expr: string,
): string {
  return castFitsCondition(column.sourceType, column.cast!, dialect, expr);
}

/** The ranked change rows the merge reads: the latest change per key. */
function latestChanges(
  plan: SilverMergePlan,
  dialect: SqlDialect,
  changesRelation: string,
): string {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const deleted = q(SILVER_CHANGE_COLUMNS.deleted);
  const ordinal = q(SILVER_CHANGE_COLUMNS.ordinal);
  const keySources = plan.key.map(
    k => plan.columns.find(c => c.name === k)!.source,
  );
  return [
    `    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY ${keySources
      .map(k => `c.${q(k)}`)
      .join(
        ', ',
      )} ORDER BY c.${ordinal} DESC, CASE WHEN c.${deleted} THEN 0 ELSE 1 END DESC) AS ${q(
      '_dl_rank',
    )}`,
    `    FROM ${changesRelation} AS c`,
  ].join('\n');
}

/**
 * Column names of the row `renderSilverCastCheck` returns: the silver column, its silver (Spark) type,
 * the value as text, and the key values as text (`_dl_key_0`, …, in key order).
 *
 * @public
 */
export const CAST_CHECK_COLUMNS = {
  column: '_dl_column',
  type: '_dl_type',
  value: '_dl_value',
  keyPrefix: '_dl_key_',
} as const;

/**
 * Renders a query for the first value the silver merge would cast that does not fit its silver type:
 * at most one row (see `CAST_CHECK_COLUMNS`), the first cast column in silver order and, in it, the
 * lowest key. Both jobs run it before the merge and fail on a row, so a value that does not fit never
 * turns into NULL (Spark without ANSI mode) or fails half-way (DuckDB): nothing is written. Undefined
 * when the plan has no cast.
 *
 * @public
 */
export function renderSilverCastCheck(
  plan: SilverMergePlan,
  dialect: SqlDialect,
  changesRelation: string,
): string | undefined {
  const casts = plan.columns.filter(c => c.cast);
  if (casts.length === 0) return undefined;
  const q = (n: string) => quoteIdentifier(n, dialect);
  const text = dialect === 'spark' ? 'STRING' : 'VARCHAR';
  const keySources = plan.key.map(
    k => plan.columns.find(c => c.name === k)!.source,
  );
  const branches = casts.map((column, i) => {
    const expr = cleanedExpression(column, dialect, 'ranked');
    return [
      `  SELECT ${i} AS ${q('_dl_ordinal')}, ${quoteString(
        column.name,
        dialect,
      )} AS ${q(CAST_CHECK_COLUMNS.column)}, ${quoteString(
        column.cast!.spark,
        dialect,
      )} AS ${q(CAST_CHECK_COLUMNS.type)}, CAST(${expr} AS ${text}) AS ${q(
        CAST_CHECK_COLUMNS.value,
      )}, ${keySources
        .map(
          (k, j) =>
            `ranked.${q(k)} AS ${q(`_dl_k${j}`)}, CAST(ranked.${q(
              k,
            )} AS ${text}) AS ${q(`${CAST_CHECK_COLUMNS.keyPrefix}${j}`)}`,
        )
        .join(', ')}`,
      `  FROM (`,
      `  SELECT * FROM (`,
      latestChanges(plan, dialect, changesRelation),
      `  ) AS r WHERE r.${q('_dl_rank')} = 1`,
      `  ) AS ranked`,
      `  WHERE ${expr} IS NOT NULL AND NOT (${fitsCondition(
        column,
        dialect,
        expr,
      )})`,
    ].join('\n');
  });
  // The latest changes are repeated per column rather than named once in a WITH: DuckDB 1.5's
  // CTE inlining fails an internal assertion on that shape.
  return [
    `SELECT ${[
      CAST_CHECK_COLUMNS.column,
      CAST_CHECK_COLUMNS.type,
      CAST_CHECK_COLUMNS.value,
      ...keySources.map((_, j) => `${CAST_CHECK_COLUMNS.keyPrefix}${j}`),
    ]
      .map(q)
      .join(', ')} FROM (`,
    branches.join('\n  UNION ALL\n'),
    `) AS failures`,
    `ORDER BY ${q('_dl_ordinal')}, ${keySources
      .map((_, j) => q(`_dl_k${j}`))
      .join(', ')}`,
    `LIMIT 1`,
  ].join('\n');
}

/**
 * The error both engines raise for a value that does not fit: the silver table, the column, its type,
 * the value and the key of the row, and the two ways out, in one wording so that the Spark job and the DuckDB replay can be
 * compared.
 *
 * @public
 */
export function silverCastFailureMessage(
  table: string,
  plan: Pick<SilverMergePlan, 'key'>,
  row: Record<string, unknown>,
): string {
  const key = plan.key
    .map((k, j) => `${k}=${String(row[`${CAST_CHECK_COLUMNS.keyPrefix}${j}`])}`)
    .join(', ');
  const column = String(row[CAST_CHECK_COLUMNS.column]);
  return `${table}: value '${String(
    row[CAST_CHECK_COLUMNS.value],
  )}' of column ${column} does not fit ${String(
    row[CAST_CHECK_COLUMNS.type],
  )} (key ${key}); nothing was merged. Correct the value at the source, or change the pipeline's silver cast of ${column}`;
}

/**
 * The error both engines raise under schema drift policy `evolve` when a column bronze gained has the
 * name a silver rename gave another column.
 *
 * @public
 */
export function evolvedColumnCollisionMessage(
  table: string,
  column: string,
): string {
  return `${table}: column ${column} that bronze gained has the name of a silver column of another bronze column; nothing was merged. Rename the column at the source, or change the silver rename that gives that name`;
}

/**
 * Renders the bronze → silver `MERGE INTO`. Its source is the relation of bronze changes since the
 * last silver run (in Spark, the difference of two bronze snapshots: one row per changed key), with
 * `_dl_deleted` and `_dl_change_ordinal`; the latest change per key wins, and within one ordinal an
 * inserted image wins over the deleted one (the pair a changelog shows for an update).
 *
 * @public
 */
export function renderSilverMerge(
  plan: SilverMergePlan,
  dialect: SqlDialect,
  target: string[],
  changesRelation: string,
): string {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const deleted = q(SILVER_CHANGE_COLUMNS.deleted);
  const names = plan.columns.map(c => c.name);
  const rank = q('_dl_rank');
  const slot = (
    item: (column: string) => string,
    text?: (column: string) => string,
  ) => evolvedColumnsSlot(plan, dialect, item, text);
  const empty = quoteString('', dialect);
  return [
    `MERGE INTO ${quoteTableName(target, dialect)} AS t`,
    `USING (`,
    `  SELECT ${plan.columns
      .map(c => `${columnExpression(c, dialect, 'ranked')} AS ${q(c.name)}`)
      .join(', ')}, ranked.${deleted}${slot(
      c => `, ranked.${c} AS ${c}`,
      c =>
        `, CASE WHEN TRIM(ranked.${c}) IN (${empty}) THEN NULL ELSE TRIM(ranked.${c}) END AS ${c}`,
    )}`,
    `  FROM (`,
    latestChanges(plan, dialect, changesRelation),
    `  ) AS ranked`,
    `  WHERE ranked.${rank} = 1`,
    `) AS s`,
    `ON ${plan.key.map(k => `t.${q(k)} = s.${q(k)}`).join(' AND ')}`,
    `WHEN MATCHED AND s.${deleted} THEN DELETE`,
    `WHEN MATCHED THEN UPDATE SET ${
      names
        .filter(n => !plan.key.includes(n))
        .map(n => `${q(n)} = s.${q(n)}`)
        .join(', ') || `${q(plan.key[0])} = s.${q(plan.key[0])}`
    }${slot(c => `, ${c} = s.${c}`)}`,
    `WHEN NOT MATCHED AND NOT s.${deleted} THEN INSERT (${names
      .map(q)
      .join(', ')}${slot(c => `, ${c}`)}) VALUES (${names
      .map(n => `s.${q(n)}`)
      .join(', ')}${slot(c => `, s.${c}`)})`,
  ].join('\n');
}

/**
 * Renders the statements that recompute a gold table from the user's SQL. Spark overwrites the Iceberg
 * table in one commit; DuckDB runs the two statements inside the caller's transaction.
 *
 * @public
 */
export function renderGoldRefresh(
  gold: Pick<GoldTableSpec, 'sql'>,
  dialect: SqlDialect,
  target: string[],
): string[] {
  const sql = gold.sql.trim().replace(/;+\s*$/, '');
  if (sql.includes(';')) {
    throw new InputError('gold SQL must be a single SELECT statement');
  }
  const table = quoteTableName(target, dialect);
  if (dialect === 'spark') {
    return [`INSERT OVERWRITE ${table}\nSELECT * FROM (\n${sql}\n) AS g`];
  }
  return [
    `DELETE FROM ${table}`,
    `INSERT INTO ${table}\nSELECT * FROM (\n${sql}\n) AS g`,
  ];
}
