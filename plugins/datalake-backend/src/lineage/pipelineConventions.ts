/*
 * The names the pipeline actions derive (plugins/scaffolder-backend-module-datalake): a source's
 * state machine is `datalake-<source id>` and recorded in the table parameter `datalake.pipeline`;
 * the Glue job writing a table is `<pipeline>-<layer>-<glue table>`; the bronze job's
 * `--landing_path` argument is the source's landing root, below which DMS writes
 * `<schema>/<table>/`; DMS tasks of a source are named `dl-<source id>-<task name>`; a pipeline's
 * schedule carries the pipeline's name. Lineage and
 * run status resolve AWS resources from these, never from the browser.
 */
import {
  DATALAKE_TABLE_PARAMETERS,
  isMedallionLayer,
  parseUpstreamParameter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlTableRef } from './buildLineageGraph';

/** The state machine of a source when the table parameters do not name it. */
export function defaultPipelineName(sourceId: string): string {
  return `datalake-${sourceId}`;
}

/**
 * The EventBridge Scheduler schedule (default group) that starts a pipeline: the schedule action
 * (`datalake:scheduler:schedule:create`) names it after the pipeline.
 */
export function scheduleNameOf(pipeline: string): string {
  return pipeline;
}

/** The Glue job that writes a table of a layer. */
export function jobNameFor(
  pipeline: string,
  layer: string | undefined,
  table: string,
): string | undefined {
  return isMedallionLayer(layer) ? `${pipeline}-${layer}-${table}` : undefined;
}

/** What the table parameters record about a table. */
export function recordedLineage(parameters: Record<string, string>): {
  pipeline?: string;
  sourceId?: string;
  mysqlUpstream: MysqlTableRef[];
} {
  const sourceId = parameters[DATALAKE_TABLE_PARAMETERS.source];
  const pipeline =
    parameters[DATALAKE_TABLE_PARAMETERS.pipeline] ??
    (sourceId ? defaultPipelineName(sourceId) : undefined);
  const mysqlUpstream = parseUpstreamParameter(
    parameters[DATALAKE_TABLE_PARAMETERS.upstream],
  ).flatMap(ref =>
    ref.kind === 'mysql'
      ? [{ sourceId: ref.sourceId, schema: ref.schema, table: ref.table }]
      : [],
  );
  return { pipeline, sourceId, mysqlUpstream };
}

/** The landing prefix of a MySQL table below a bronze job's `--landing_path`. */
export function landingPrefixFor(landingPath: string, mysql: MysqlTableRef) {
  return `${landingPath.replace(/\/+$/, '')}/${mysql.schema}/${mysql.table}/`;
}

function likeMatches(pattern: unknown, value: string): boolean {
  if (typeof pattern !== 'string') return false;
  const regex = new RegExp(
    `^${pattern
      .split('%')
      .map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(value);
}

/**
 * Whether a DMS task of the source replicates the table: its id carries the source's prefix and
 * its selection rules include the table (and no rule excludes it). Without table mappings (not
 * returned) the prefix decides.
 */
export function dmsTaskReplicates(
  task: { id: string; tableMappings: string | null },
  mysql: MysqlTableRef,
): boolean {
  if (!task.id.startsWith(`dl-${mysql.sourceId}-`)) {
    return false;
  }
  if (!task.tableMappings) {
    return true;
  }
  let rules: any[];
  try {
    rules = JSON.parse(task.tableMappings).rules ?? [];
  } catch {
    return true;
  }
  const selections = rules.filter(
    r =>
      r?.['rule-type'] === 'selection' &&
      likeMatches(r['object-locator']?.['schema-name'], mysql.schema) &&
      likeMatches(r['object-locator']?.['table-name'], mysql.table),
  );
  return (
    selections.some(r => r['rule-action'] === 'include') &&
    !selections.some(r => r['rule-action'] === 'exclude')
  );
}

/** Glue job run states that end a run unsuccessfully. */
export const FAILED_JOB_STATES = new Set(['FAILED', 'ERROR', 'TIMEOUT']);
/** Glue job run states of a run still going. */
export const ACTIVE_JOB_STATES = new Set([
  'STARTING',
  'RUNNING',
  'STOPPING',
  'WAITING',
]);
