/*
 * Builds the lineage graph around one table from facts already read (catalog entities, the
 * recorded table parameters, job definitions and scripts). Pure and synchronous, so that the
 * benchmark times exactly this step and tests need no AWS.
 *
 * Distances count table hops: upstream negative, downstream positive. The ingestion chain of a
 * bronze table (MySQL table → DMS task → landing prefix) counts as one hop, and the Glue job
 * that writes a table sits at that table's distance, so the default depth of 3 reaches the MySQL
 * source from a gold table.
 */
import {
  ColumnLineageEdge,
  LineageColumn,
  LineageEdge,
  LineageNode,
  LineageResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { ScriptColumnFlow } from './columnLineage';

/** A MySQL table a bronze table replicates. @public */
export interface MysqlTableRef {
  sourceId: string;
  schema: string;
  table: string;
}

/** A table entity with what lineage needs of it. @public */
export interface LineageTable {
  entityRef: string;
  /** `<database>.<table>` */
  name: string;
  layer?: string;
  columns: LineageColumn[];
  /** Entity refs of the tables it reads. */
  upstream: string[];
  /** Entity refs of the tables reading it. */
  downstream: string[];
  /** Bronze tables: the replicated MySQL tables. */
  mysqlUpstream: MysqlTableRef[];
  /** The pipeline (state machine) writing it. */
  pipeline?: string;
  /** The Glue job writing it. */
  jobName?: string;
}

/** Everything the builder reads. @public */
export interface LineageFacts {
  tables: Map<string, LineageTable>;
  /** Per MySQL table key (`<source>/<schema>.<table>`): the DMS tasks replicating it. */
  dmsTasks?: Map<string, string[]>;
  /** Per MySQL table key: the S3 landing prefix DMS writes it to. */
  landingPrefixes?: Map<string, string>;
  /** Per target table name (`<database>.<table>`): column flows from the job scripts. */
  columnFlows?: Map<string, ScriptColumnFlow[]>;
  /** Per Glue job: whether its latest finished run failed. */
  jobStatus?: Map<string, 'ok' | 'failed'>;
  /** Table entity refs past their freshness SLA. */
  staleTables?: Set<string>;
  /** Per source id: the catalog entity of the MySQL database, e.g. `resource:default/mysql.sakila`. */
  sourceEntityRefs?: Map<string, string>;
}

/** The key of a MySQL table in {@link LineageFacts}. @public */
export function mysqlTableKey(ref: MysqlTableRef): string {
  return `${ref.sourceId}/${ref.schema}.${ref.table}`;
}

/** Node ids of the graph. @public */
export const lineageNodeId = {
  table: (entityRef: string) => `table:${entityRef}`,
  mysql: (ref: MysqlTableRef) => `mysql:${mysqlTableKey(ref)}`,
  dms: (taskId: string) => `dms:${taskId}`,
  landing: (prefix: string) => `landing:${prefix}`,
  job: (name: string) => `job:${name}`,
};

/**
 * The lineage graph of `rootRef` up to `depth` table hops in each direction.
 *
 * @public
 */
export function buildLineageGraph(options: {
  rootRef: string;
  depth: number;
  facts: LineageFacts;
}): LineageResponse {
  const { rootRef, depth, facts } = options;
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const addEdge = (from: string, to: string) => {
    edges.set(`${from}>${to}`, { from, to, kind: 'data' });
  };
  const addNode = (node: LineageNode) => {
    if (!nodes.has(node.id)) {
      nodes.set(node.id, node);
    }
    return node.id;
  };

  // Breadth-first in both directions: upstream of upstream, downstream of downstream.
  const distances = new Map<string, number>([[rootRef, 0]]);
  let frontier = [rootRef];
  for (let hop = 1; hop <= depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const ref of frontier) {
      const table = facts.tables.get(ref);
      const d = distances.get(ref)!;
      if (!table) continue;
      const directions: Array<[string[], number]> = [];
      if (d <= 0) directions.push([table.upstream, d - 1]);
      if (d >= 0) directions.push([table.downstream, d + 1]);
      for (const [refs, distance] of directions) {
        for (const other of refs) {
          if (!distances.has(other) && facts.tables.has(other)) {
            distances.set(other, distance);
            next.push(other);
          }
        }
      }
    }
    frontier = next;
  }

  for (const [ref, distance] of distances) {
    const table = facts.tables.get(ref);
    if (!table) continue;
    addNode({
      id: lineageNodeId.table(ref),
      kind: 'table',
      label: table.name,
      layer: table.layer ?? 'unknown',
      entityRef: ref,
      columns: table.columns,
      distance,
      status: facts.staleTables?.has(ref) ? 'stale' : 'ok',
      ...(table.pipeline ? { details: { pipeline: table.pipeline } } : {}),
    });
  }

  for (const [ref, distance] of distances) {
    const table = facts.tables.get(ref)!;
    const target = lineageNodeId.table(ref);
    const inputs = table.upstream
      .filter(u => distances.has(u))
      .map(lineageNodeId.table);

    if (table.mysqlUpstream.length > 0 && Math.abs(distance - 1) <= depth) {
      for (const mysql of table.mysqlUpstream) {
        inputs.push(ingestionChain(mysql, distance - 1));
      }
    }

    let writer = target;
    if (table.jobName) {
      const status = facts.jobStatus?.get(table.jobName);
      writer = addNode({
        id: lineageNodeId.job(table.jobName),
        kind: 'glue-job',
        label: table.jobName,
        layer: 'job',
        distance,
        ...(status ? { status } : {}),
        ...(table.pipeline ? { details: { pipeline: table.pipeline } } : {}),
      });
      addEdge(writer, target);
    }
    for (const input of inputs) {
      addEdge(input, writer);
    }
  }

  /** Adds MySQL table → DMS task → landing prefix; returns the id of the last node. */
  function ingestionChain(mysql: MysqlTableRef, distance: number): string {
    const key = mysqlTableKey(mysql);
    const sourceEntity = facts.sourceEntityRefs?.get(mysql.sourceId);
    let last = addNode({
      id: lineageNodeId.mysql(mysql),
      kind: 'mysql-table',
      label: `${mysql.schema}.${mysql.table}`,
      layer: 'source',
      distance,
      ...(sourceEntity ? { entityRef: sourceEntity } : {}),
      details: { source: mysql.sourceId },
    });
    const tasks = facts.dmsTasks?.get(key) ?? [];
    const landing = facts.landingPrefixes?.get(key);
    const landingId = landing
      ? addNode({
          id: lineageNodeId.landing(landing),
          kind: 'landing',
          label: landing,
          layer: 'landing',
          distance,
          details: { prefix: landing },
        })
      : undefined;
    if (tasks.length > 0) {
      for (const task of tasks) {
        const taskId = addNode({
          id: lineageNodeId.dms(task),
          kind: 'dms-task',
          label: task,
          layer: 'dms',
          distance,
        });
        addEdge(last, taskId);
        if (landingId) addEdge(taskId, landingId);
      }
      if (!landingId) {
        return tasks.length === 1 ? lineageNodeId.dms(tasks[0]) : last;
      }
    } else if (landingId) {
      addEdge(last, landingId);
    }
    last = landingId ?? last;
    return last;
  }

  return {
    entityRef: rootRef,
    rootId: lineageNodeId.table(rootRef),
    depth,
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    columnEdges: columnEdges(facts, distances),
    warnings: [],
  };
}

function columnEdges(
  facts: LineageFacts,
  distances: Map<string, number>,
): ColumnLineageEdge[] {
  const result: ColumnLineageEdge[] = [];
  if (!facts.columnFlows) {
    return result;
  }
  for (const ref of distances.keys()) {
    const table = facts.tables.get(ref)!;
    const flows = facts.columnFlows.get(table.name);
    if (!flows) continue;
    const upstream = table.upstream
      .filter(u => distances.has(u))
      .map(u => facts.tables.get(u)!);
    const targetColumns = new Set(table.columns.map(c => c.name));
    for (const flow of flows) {
      const from = flow.fromTable
        ? upstream.find(u => u.name === flow.fromTable)
        : soleOwner(upstream, flow.fromColumn);
      if (!from || !targetColumns.has(flow.toColumn)) continue;
      if (!from.columns.some(c => c.name === flow.fromColumn)) continue;
      result.push({
        from: lineageNodeId.table(from.entityRef),
        fromColumn: flow.fromColumn,
        to: lineageNodeId.table(ref),
        toColumn: flow.toColumn,
        transform: flow.transform,
      });
    }
  }
  return result;
}

function soleOwner(
  tables: LineageTable[],
  column: string,
): LineageTable | undefined {
  const owners = tables.filter(t => t.columns.some(c => c.name === column));
  return owners.length === 1 ? owners[0] : undefined;
}
