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
  return {
    key,
    columns: spec.silver.columns.map(c => ({
      name: c.name,
      source: c.source,
      ...(c.cast
        ? { cast: { spark: c.cast, duckdb: sparkTypeToDuckdb(c.cast) } }
        : {}),
      trim: c.trim ?? false,
      nullValues: c.nullValues ?? [],
    })),
  };
}

function columnExpression(
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
  if (column.cast) {
    expr = `CAST(${expr} AS ${column.cast[dialect]})`;
  }
  return expr;
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
  const ordinal = q(SILVER_CHANGE_COLUMNS.ordinal);
  const keySources = plan.key.map(
    k => plan.columns.find(c => c.name === k)!.source,
  );
  const names = plan.columns.map(c => c.name);
  const rank = q('_dl_rank');
  return [
    `MERGE INTO ${quoteTableName(target, dialect)} AS t`,
    `USING (`,
    `  SELECT ${plan.columns
      .map(c => `${columnExpression(c, dialect, 'ranked')} AS ${q(c.name)}`)
      .join(', ')}, ranked.${deleted}`,
    `  FROM (`,
    `    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY ${keySources
      .map(k => `c.${q(k)}`)
      .join(
        ', ',
      )} ORDER BY c.${ordinal} DESC, CASE WHEN c.${deleted} THEN 0 ELSE 1 END DESC) AS ${rank}`,
    `    FROM ${changesRelation} AS c`,
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
    }`,
    `WHEN NOT MATCHED AND NOT s.${deleted} THEN INSERT (${names
      .map(q)
      .join(', ')}) VALUES (${names.map(n => `s.${q(n)}`).join(', ')})`,
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
