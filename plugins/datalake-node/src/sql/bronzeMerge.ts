import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  SqlDialect,
  quoteIdentifier,
  quoteString,
  quoteTableName,
} from './dialect';

/**
 * Names of the change metadata columns the bronze table carries next to the source columns. They
 * record which change produced the current row, so a late or repeated change never overwrites a
 * newer one. Source columns can never clash with them: Glue names never start with an underscore.
 *
 * @public
 */
export const CHANGE_COLUMNS = {
  op: '_dl_op',
  commitTs: '_dl_commit_ts',
  changeSeq: '_dl_change_seq',
  file: '_dl_source_file',
  row: '_dl_source_row',
} as const;

/**
 * A column with its type in each dialect.
 *
 * @public
 */
export type PlannedColumn = {
  name: string;
  sourceName: string;
  types: Record<SqlDialect, string>;
};

/**
 * One term of the change order, compared after replacing NULL by `nullAs` (so full-load rows, which
 * have no commit timestamp, sort before every CDC change).
 *
 * @public
 */
export type OrderingTerm = {
  column: string;
  nullAs?: string;
  /**
   * Compare only whether the file is one of the table's full-load files (those sort first), not the
   * name: the files whose name starts with this prefix, `<schema>/<table>/LOAD` (DMS writes the full
   * load as `LOAD…` directly in the table folder, and CDC files elsewhere or by timestamp).
   */
  fullLoadPrefix?: string;
};

/**
 * The dialect-neutral plan of the landing → bronze CDC merge. Both renderers read only this object.
 *
 * @public
 */
export type BronzeMergePlan = {
  key: string[];
  columns: PlannedColumn[];
  metadataColumns: PlannedColumn[];
  /**
   * Oldest-first order of changes: full load before CDC, then commit timestamp, change sequence, file
   * name, row position.
   */
  ordering: OrderingTerm[];
  deleteOp: string;
};

const METADATA_COLUMNS: PlannedColumn[] = [
  {
    name: CHANGE_COLUMNS.op,
    sourceName: CHANGE_COLUMNS.op,
    types: { spark: 'string', duckdb: 'VARCHAR' },
  },
  {
    name: CHANGE_COLUMNS.commitTs,
    sourceName: CHANGE_COLUMNS.commitTs,
    types: { spark: 'timestamp_ntz', duckdb: 'TIMESTAMP' },
  },
  {
    name: CHANGE_COLUMNS.changeSeq,
    sourceName: CHANGE_COLUMNS.changeSeq,
    types: { spark: 'string', duckdb: 'VARCHAR' },
  },
  {
    name: CHANGE_COLUMNS.file,
    sourceName: CHANGE_COLUMNS.file,
    types: { spark: 'string', duckdb: 'VARCHAR' },
  },
  {
    name: CHANGE_COLUMNS.row,
    sourceName: CHANGE_COLUMNS.row,
    types: { spark: 'bigint', duckdb: 'BIGINT' },
  },
];

/**
 * Plans the landing → bronze merge of a pipeline: which columns, which key, and the change order.
 *
 * @public
 */
export function planBronzeMerge(spec: PipelineSpec): BronzeMergePlan {
  return {
    key: [...spec.key],
    columns: spec.columns.map(c => ({
      name: c.name,
      sourceName: c.sourceName,
      types: { spark: c.sparkType, duckdb: c.duckdbType },
    })),
    metadataColumns: METADATA_COLUMNS,
    ordering: [
      {
        column: CHANGE_COLUMNS.file,
        fullLoadPrefix: `${spec.source.schema}/${spec.source.table}/LOAD`,
      },
      {
        column: CHANGE_COLUMNS.commitTs,
        nullAs: "TIMESTAMP '0001-01-01 00:00:00'",
      },
      { column: CHANGE_COLUMNS.changeSeq, nullAs: "''" },
      { column: CHANGE_COLUMNS.file },
      { column: CHANGE_COLUMNS.row },
    ],
    deleteOp: 'D',
  };
}

function orderingValue(
  term: OrderingTerm,
  alias: string,
  dialect: SqlDialect,
): string {
  const ref = `${alias}.${quoteIdentifier(term.column, dialect)}`;
  if (term.fullLoadPrefix !== undefined) {
    // substr compares characters in both dialects; LIKE would need escaping of `_` and `%`.
    return `CASE WHEN substr(${ref}, 1, ${
      [...term.fullLoadPrefix].length
    }) = ${quoteString(term.fullLoadPrefix, dialect)} THEN 0 ELSE 1 END`;
  }
  return term.nullAs ? `COALESCE(${ref}, ${term.nullAs})` : ref;
}

/** `(a1 > b1) OR (a1 = b1 AND ((a2 > b2) OR ...))`: true when the source change is newer. */
function newerThan(
  terms: OrderingTerm[],
  dialect: SqlDialect,
  newer: string,
  older: string,
): string {
  const [first, ...rest] = terms;
  const a = orderingValue(first, newer, dialect);
  const b = orderingValue(first, older, dialect);
  if (rest.length === 0) {
    return `${a} > ${b}`;
  }
  return `(${a} > ${b} OR (${a} = ${b} AND (${newerThan(
    rest,
    dialect,
    newer,
    older,
  )})))`;
}

/**
 * The columns of the bronze table, source columns first, in dialect types.
 *
 * @public
 */
export function bronzeTableColumns(
  plan: BronzeMergePlan,
  dialect: SqlDialect,
): { name: string; type: string }[] {
  return [...plan.columns, ...plan.metadataColumns].map(c => ({
    name: c.name,
    type: c.types[dialect],
  }));
}

/**
 * Renders the `SELECT` that turns a raw landing relation into typed change rows. The raw relation has
 * the source columns under their MySQL names plus `_dl_op`, `_dl_commit_ts`, `_dl_change_seq`,
 * `_dl_source_file` and `_dl_source_row`, in any types castable to the bronze types.
 *
 * @public
 */
export function renderChangeProjection(
  plan: BronzeMergePlan,
  dialect: SqlDialect,
  rawRelation: string,
): string {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const select = [...plan.columns, ...plan.metadataColumns].map(
    c => `CAST(r.${q(c.sourceName)} AS ${c.types[dialect]}) AS ${q(c.name)}`,
  );
  return `SELECT\n  ${select.join(',\n  ')}\nFROM ${rawRelation} AS r`;
}

/**
 * Renders the landing → bronze `MERGE INTO`: keep the last change per key (by commit timestamp, then
 * change sequence, then file name and row position), delete on `D`, update or insert otherwise, and
 * touch a row only when the change is newer than the one that wrote it. Deletes of unknown keys match
 * nothing and do nothing.
 *
 * @public
 */
export function renderBronzeMerge(
  plan: BronzeMergePlan,
  dialect: SqlDialect,
  target: string[],
  changesRelation: string,
): string {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const all = [...plan.columns, ...plan.metadataColumns].map(c => c.name);
  const op = `s.${q(CHANGE_COLUMNS.op)}`;
  const latestFirst = plan.ordering
    .map(term => `${orderingValue(term, 'c', dialect)} DESC`)
    .join(', ');
  const newer = newerThan(plan.ordering, dialect, 's', 't');
  const rank = q('_dl_rank');
  return [
    `MERGE INTO ${quoteTableName(target, dialect)} AS t`,
    `USING (`,
    `  SELECT ${all.map(n => `ranked.${q(n)}`).join(', ')}`,
    `  FROM (`,
    `    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY ${plan.key
      .map(k => `c.${q(k)}`)
      .join(', ')} ORDER BY ${latestFirst}) AS ${rank}`,
    `    FROM ${changesRelation} AS c`,
    `  ) AS ranked`,
    `  WHERE ranked.${rank} = 1`,
    `) AS s`,
    `ON ${plan.key.map(k => `t.${q(k)} = s.${q(k)}`).join(' AND ')}`,
    `WHEN MATCHED AND ${op} = '${plan.deleteOp}' AND ${newer} THEN DELETE`,
    `WHEN MATCHED AND ${op} <> '${
      plan.deleteOp
    }' AND ${newer} THEN UPDATE SET ${all
      .filter(n => !plan.key.includes(n))
      .map(n => `${q(n)} = s.${q(n)}`)
      .join(', ')}`,
    `WHEN NOT MATCHED AND ${op} <> '${plan.deleteOp}' THEN INSERT (${all
      .map(q)
      .join(', ')}) VALUES (${all.map(n => `s.${q(n)}`).join(', ')})`,
  ].join('\n');
}
