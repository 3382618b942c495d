import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { castCanFail, castFitsCondition } from './castCheck';
import { evolvedColumnsSlot } from './evolvedColumns';
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
  /**
   * Schema drift policy `evolve`: the rendered SQL carries slots for the columns the job adds to the
   * table at run time (`evolvedColumnsSlot`).
   */
  evolve: boolean;
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
    evolve: spec.schemaDrift === 'evolve',
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
  // Evolved columns arrive in the raw relation already in their table types.
  const evolved = evolvedColumnsSlot(plan, dialect, c => `, r.${c} AS ${c}`);
  return `SELECT\n  ${select.join(
    ',\n  ',
  )}${evolved}\nFROM ${rawRelation} AS r`;
}

/**
 * The landing-file columns a pipeline knows: `Op`, the source columns, and the commit timestamp and
 * change sequence columns when set. Any other column of a Parquet file is schema drift.
 *
 * @public
 */
export function knownLandingColumns(spec: PipelineSpec): string[] {
  const { timestampColumn, sequenceColumn } = spec.cdc;
  return [
    'Op',
    ...spec.columns.map(c => c.sourceName),
    ...(timestampColumn ? [timestampColumn] : []),
    ...(sequenceColumn ? [sequenceColumn] : []),
  ];
}

/**
 * How a batch is merged into bronze.
 *
 * - `incremental`: the changes are applied to the table as it is; a row is only touched by a change
 *   newer than the one that wrote it.
 * - `reload`: the batch is a new full load of the table (a DMS table reload) plus the CDC changes that
 *   landed after it, and the table is rebuilt from it in the same `MERGE`: every row takes the batch's
 *   last change of its key whatever wrote it before, and rows whose key the batch does not hold are
 *   deleted (`WHEN NOT MATCHED BY SOURCE THEN DELETE`, in Spark 3.5 with Iceberg 1.7 and in DuckDB).
 *
 * @public
 */
export type BronzeMergeMode = 'incremental' | 'reload';

/**
 * Renders the landing → bronze `MERGE INTO`: keep the last change per key (by commit timestamp, then
 * change sequence, then file name and row position), delete on `D`, update or insert otherwise, and
 * touch a row only when the change is newer than the one that wrote it. Deletes of unknown keys match
 * nothing and do nothing. In `reload` mode (see `BronzeMergeMode`) the "newer" guard is dropped and
 * the rows the batch does not hold are deleted, so the table becomes the batch's result.
 *
 * @public
 */
export function renderBronzeMerge(
  plan: BronzeMergePlan,
  dialect: SqlDialect,
  target: string[],
  changesRelation: string,
  options: { mode?: BronzeMergeMode } = {},
): string {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const reload = options.mode === 'reload';
  const all = [...plan.columns, ...plan.metadataColumns].map(c => c.name);
  const op = `s.${q(CHANGE_COLUMNS.op)}`;
  const latestFirst = plan.ordering
    .map(term => `${orderingValue(term, 'c', dialect)} DESC`)
    .join(', ');
  // A reload replaces whatever wrote the row: the new full load is the table's state at the reload.
  const newer = reload
    ? ''
    : ` AND ${newerThan(plan.ordering, dialect, 's', 't')}`;
  const rank = q('_dl_rank');
  return [
    `MERGE INTO ${quoteTableName(target, dialect)} AS t`,
    `USING (`,
    `  SELECT ${all.map(n => `ranked.${q(n)}`).join(', ')}${evolvedColumnsSlot(
      plan,
      dialect,
      c => `, ranked.${c}`,
    )}`,
    `  FROM (`,
    `    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY ${plan.key
      .map(k => `c.${q(k)}`)
      .join(', ')} ORDER BY ${latestFirst}) AS ${rank}`,
    `    FROM ${changesRelation} AS c`,
    `  ) AS ranked`,
    `  WHERE ranked.${rank} = 1`,
    `) AS s`,
    `ON ${plan.key.map(k => `t.${q(k)} = s.${q(k)}`).join(' AND ')}`,
    `WHEN MATCHED AND ${op} = '${plan.deleteOp}'${newer} THEN DELETE`,
    `WHEN MATCHED AND ${op} <> '${plan.deleteOp}'${newer} THEN UPDATE SET ${all
      .filter(n => !plan.key.includes(n))
      .map(n => `${q(n)} = s.${q(n)}`)
      .join(', ')}${evolvedColumnsSlot(plan, dialect, c => `, ${c} = s.${c}`)}`,
    `WHEN NOT MATCHED AND ${op} <> '${plan.deleteOp}' THEN INSERT (${all
      .map(q)
      .join(', ')}${evolvedColumnsSlot(
      plan,
      dialect,
      c => `, ${c}`,
    )}) VALUES (${all.map(n => `s.${q(n)}`).join(', ')}${evolvedColumnsSlot(
      plan,
      dialect,
      c => `, s.${c}`,
    )})`,
    // Rows of the table that the new full load (and the CDC after it) no longer hold.
    ...(reload ? ['WHEN NOT MATCHED BY SOURCE THEN DELETE'] : []),
  ].join('\n');
}

/**
 * Column names of the row `renderBronzeCastCheck` returns: the bronze column, its Spark type, the text
 * that does not fit, and the landing file and row it came from.
 *
 * @public
 */
export const BRONZE_CAST_CHECK_COLUMNS = {
  column: '_dl_column',
  type: '_dl_type',
  value: '_dl_value',
  file: '_dl_file',
  row: '_dl_row',
} as const;

/**
 * Renders a query for the first landing value (as text, the way CSV files carry every value) that does
 * not fit its bronze type: at most one row, the first column in bronze order and in it the first file
 * and row. Run before the change projection casts the text, so that Spark without ANSI mode does not
 * turn the value into NULL where DuckDB raises. Undefined when no cast can fail.
 *
 * @public
 */
export function renderBronzeCastCheck(
  plan: BronzeMergePlan,
  dialect: SqlDialect,
  rawRelation: string,
): string | undefined {
  const q = (n: string) => quoteIdentifier(n, dialect);
  const c = BRONZE_CAST_CHECK_COLUMNS;
  // The row position is a number the reader itself assigns, not landing text.
  const checked = [...plan.columns, ...plan.metadataColumns].filter(
    col => col.name !== CHANGE_COLUMNS.row && castCanFail(col.types.spark),
  );
  if (checked.length === 0) return undefined;
  const branches = checked.map((col, i) => {
    const value = `r.${q(col.sourceName)}`;
    return [
      `  SELECT ${i} AS ${q('_dl_ordinal')}, ${quoteString(
        col.name,
        dialect,
      )} AS ${q(c.column)}, ${quoteString(col.types.spark, dialect)} AS ${q(
        c.type,
      )}, ${value} AS ${q(c.value)}, r.${q(CHANGE_COLUMNS.file)} AS ${q(
        c.file,
      )}, r.${q(CHANGE_COLUMNS.row)} AS ${q(c.row)}`,
      `  FROM ${rawRelation} AS r`,
      `  WHERE ${value} IS NOT NULL AND NOT (${castFitsCondition(
        'string',
        col.types,
        dialect,
        value,
      )})`,
    ].join('\n');
  });
  return [
    `SELECT ${[c.column, c.type, c.value, c.file, c.row]
      .map(q)
      .join(', ')} FROM (`,
    branches.join('\n  UNION ALL\n'),
    `) AS failures`,
    `ORDER BY ${q('_dl_ordinal')}, ${q(c.file)}, ${q(c.row)}`,
    `LIMIT 1`,
  ].join('\n');
}

/**
 * The error both engines raise when a landing file has columns the pipeline does not know under the
 * schema drift policy `fail`: the bronze table, the file, the columns, and what to do.
 *
 * @public
 */
export function schemaDriftFailureMessage(
  table: string,
  file: string,
  columns: string[],
): string {
  return `${table}: landing file ${file} has columns the pipeline does not know: ${columns.join(
    ', ',
  )} (schema drift policy 'fail'); nothing was applied. The source table gained columns after the pipeline was made: to replicate them, set the pipeline's schema drift policy to 'evolve' (they are added to bronze and silver); to leave them out, set it to 'ignore'; then update its Glue jobs (datalake:glue:job:create)`;
}

/**
 * The error both engines raise under schema drift policy `evolve` for a new landing column whose name
 * is not a Glue name: the policy adds columns under their source names.
 *
 * @public
 */
export function evolvedColumnNameFailureMessage(
  table: string,
  file: string,
  column: string,
): string {
  return `${table}: landing file ${file} has column ${column}, which schema drift policy 'evolve' cannot add: it adds columns under their source names, and this is not a Glue name (lower snake case, not starting with _dl_); nothing was applied. Rename the column at the source, or set the pipeline's schema drift policy to 'ignore'`;
}

/**
 * The error both engines raise for a landing value that does not fit its bronze type.
 *
 * @public
 */
export function bronzeCastFailureMessage(
  table: string,
  row: Record<string, unknown>,
): string {
  const c = BRONZE_CAST_CHECK_COLUMNS;
  return `${table}: value '${String(row[c.value])}' of column ${String(
    row[c.column],
  )} in ${String(row[c.file])} row ${String(row[c.row])} does not fit ${String(
    row[c.type],
  )}; nothing was applied`;
}
