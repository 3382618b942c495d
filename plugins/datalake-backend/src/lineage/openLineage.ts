/*
 * The lineage graph as OpenLineage run events (spec 2-0-2 `RunEvent`): one event per Glue job
 * (inputs: the tables or landing prefix it reads; outputs: the table it writes, with schema and
 * column lineage facets) and one per DMS task (MySQL table → landing prefix). Dataset names
 * follow OpenLineage's naming conventions: Glue tables as `table/<database>/<table>` in the
 * namespace `arn:aws:glue:<region>:<account>`, S3 prefixes in `s3://<bucket>`, MySQL tables as
 * `<schema>.<table>` in `mysql://<source id>`.
 */
import {
  LineageNode,
  LineageResponse,
  OpenLineageDataset,
  OpenLineageRunEvent,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { createHash } from 'node:crypto';

/** The producer URI of the events. @public */
export const OPENLINEAGE_PRODUCER =
  'https://github.com/datalake-portal/datalake-portal/tree/main/plugins/datalake-backend';
/** @public */
export const OPENLINEAGE_SCHEMA_URL =
  'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACET_SCHEMA = 'https://openlineage.io/spec/facets/1-0-1';

/** A UUID derived from a name, so that re-exports name the same run. */
function nameUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) +
      hex.slice(18, 20),
    hex.slice(20, 32),
  ].join('-');
}

function facet(name: string, body: Record<string, unknown>) {
  return {
    _producer: OPENLINEAGE_PRODUCER,
    _schemaURL: `${FACET_SCHEMA}/${name}.json#/$defs/${name}`,
    ...body,
  };
}

/**
 * Converts a lineage graph into OpenLineage run events.
 *
 * @public
 */
export function toOpenLineageEvents(
  graph: LineageResponse,
  options: {
    /** Namespace of the jobs, e.g. `datalake-portal`. */
    jobNamespace: string;
    /** Table entity ref → Glue table ARN. */
    tableArns: Map<string, string>;
    eventTime: string;
  },
): OpenLineageRunEvent[] {
  const nodes = new Map(graph.nodes.map(n => [n.id, n]));
  const dataset = (node: LineageNode, withFacets: boolean) =>
    toDataset(node, options.tableArns, graph, withFacets);
  const events: OpenLineageRunEvent[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== 'glue-job' && node.kind !== 'dms-task') continue;
    const inputs = graph.edges
      .filter(e => e.to === node.id)
      .map(e => nodes.get(e.from)!)
      .map(n => dataset(n, false));
    const outputs = graph.edges
      .filter(e => e.from === node.id)
      .map(e => nodes.get(e.to)!)
      .map(n => dataset(n, true));
    const jobName =
      node.kind === 'dms-task' ? `dms/${node.label}` : `glue/${node.label}`;
    events.push({
      eventType: node.status === 'failed' ? 'FAIL' : 'COMPLETE',
      eventTime: options.eventTime,
      run: { runId: nameUuid(`${jobName}@${options.eventTime}`) },
      job: {
        namespace: options.jobNamespace,
        name: jobName,
        facets: {
          jobType: facet('JobTypeJobFacet', {
            processingType: node.kind === 'dms-task' ? 'STREAMING' : 'BATCH',
            integration: node.kind === 'dms-task' ? 'AWS_DMS' : 'AWS_GLUE',
            jobType: node.kind === 'dms-task' ? 'REPLICATION_TASK' : 'JOB',
          }),
        },
      },
      inputs,
      outputs,
      producer: OPENLINEAGE_PRODUCER,
      schemaURL: OPENLINEAGE_SCHEMA_URL,
    });
  }
  return events;
}

const TRANSFORMATION_SUBTYPES = {
  aggregate: 'AGGREGATION',
  transform: 'TRANSFORMATION',
  identity: 'IDENTITY',
  rename: 'IDENTITY',
} as const;

function toDataset(
  node: LineageNode,
  tableArns: Map<string, string>,
  graph: LineageResponse,
  withFacets: boolean,
): OpenLineageDataset {
  if (node.kind === 'mysql-table') {
    return {
      namespace: `mysql://${node.details?.source ?? 'unknown'}`,
      name: node.label,
    };
  }
  if (node.kind === 'landing') {
    const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(node.label);
    return match
      ? { namespace: `s3://${match[1]}`, name: `/${match[2]}` }
      : { namespace: 'file', name: node.label };
  }
  const arn = node.entityRef ? tableArns.get(node.entityRef) : undefined;
  const parsed = arn
    ? /^(arn:aws[^:]*:glue:[^:]*:[^:]*):(.+)$/.exec(arn)
    : null;
  const base: OpenLineageDataset = parsed
    ? { namespace: parsed[1], name: parsed[2] }
    : { namespace: 'glue', name: `table/${node.label.replace('.', '/')}` };
  if (!withFacets) {
    return base;
  }
  const facets: Record<string, unknown> = {};
  if (node.columns?.length) {
    facets.schema = facet('SchemaDatasetFacet', {
      fields: node.columns.map(c => ({ name: c.name, type: c.type })),
    });
  }
  const incoming = graph.columnEdges.filter(e => e.to === node.id);
  if (incoming.length > 0) {
    const fields: Record<string, { inputFields: unknown[] }> = {};
    for (const edge of incoming) {
      const from = graph.nodes.find(n => n.id === edge.from)!;
      const input = toDataset(from, tableArns, graph, false);
      (fields[edge.toColumn] ??= { inputFields: [] }).inputFields.push({
        ...input,
        field: edge.fromColumn,
        transformations: [
          {
            type: edge.transform === 'aggregate' ? 'INDIRECT' : 'DIRECT',
            subtype: TRANSFORMATION_SUBTYPES[edge.transform],
          },
        ],
      });
    }
    facets.columnLineage = facet('ColumnLineageDatasetFacet', { fields });
  }
  return Object.keys(facets).length ? { ...base, facets } : base;
}
