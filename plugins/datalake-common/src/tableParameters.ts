/*
 * The Glue table and database parameters through which the pipeline actions record what the
 * catalog and lineage read back: the layer, the owner, where the data comes from. Glue keeps
 * them with the table, so they survive any portal database and are visible in the AWS console.
 */

/** @public */
export const DATALAKE_TABLE_PARAMETERS = {
  /** `bronze`, `silver` or `gold`. */
  layer: 'datalake.layer',
  /** The owning group's entity ref, e.g. `group:default/data-engineering`. */
  owner: 'datalake.owner',
  /**
   * Comma-separated upstream tables of this table, each `<glue database>.<glue table>`; for a
   * bronze table, `mysql:<source id>/<schema>.<table>` names the replicated MySQL table.
   */
  upstream: 'datalake.upstream',
  /** The configured source (`datalake.sources[].id`) the data comes from. */
  source: 'datalake.source',
  /** The pipeline (Step Functions state machine name) that writes the table. */
  pipeline: 'datalake.pipeline',
} as const;

/** The prefix of an upstream entry that names a MySQL source table. @public */
export const MYSQL_UPSTREAM_PREFIX = 'mysql:';

/** One upstream reference parsed from {@link DATALAKE_TABLE_PARAMETERS.upstream}. @public */
export type UpstreamRef =
  | { kind: 'glue'; database: string; table: string }
  | { kind: 'mysql'; sourceId: string; schema: string; table: string };

/**
 * Parses the `datalake.upstream` parameter; entries that are not well-formed are skipped, since a
 * hand-edited parameter must not break the catalog sync.
 *
 * @public
 */
export function parseUpstreamParameter(
  value: string | undefined,
): UpstreamRef[] {
  if (!value) {
    return [];
  }
  const refs: UpstreamRef[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry.startsWith(MYSQL_UPSTREAM_PREFIX)) {
      const match = /^mysql:([^/\s]+)\/([^.\s]+)\.(\S+)$/.exec(entry);
      if (match) {
        refs.push({
          kind: 'mysql',
          sourceId: match[1],
          schema: match[2],
          table: match[3],
        });
      }
      continue;
    }
    const match = /^([^.\s]+)\.([^.\s]+)$/.exec(entry);
    if (match) {
      refs.push({ kind: 'glue', database: match[1], table: match[2] });
    }
  }
  return refs;
}

/** Renders upstream references in the form {@link parseUpstreamParameter} reads. @public */
export function formatUpstreamParameter(refs: UpstreamRef[]): string {
  return refs
    .map(ref =>
      ref.kind === 'mysql'
        ? `${MYSQL_UPSTREAM_PREFIX}${ref.sourceId}/${ref.schema}.${ref.table}`
        : `${ref.database}.${ref.table}`,
    )
    .join(',');
}
