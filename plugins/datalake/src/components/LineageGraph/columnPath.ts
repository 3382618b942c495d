import { ColumnLineageEdge } from '@datalake-portal/backstage-plugin-datalake-common';

/** A column of a node. @public */
export interface NodeColumn {
  nodeId: string;
  column: string;
}

const key = (c: NodeColumn) => `${c.nodeId}\u0000${c.column}`;

/**
 * Every column connected to `start` through column edges, upstream and downstream, with the
 * edges that connect them.
 *
 * @public
 */
export function columnPath(
  edges: ColumnLineageEdge[],
  start: NodeColumn,
): { columns: NodeColumn[]; edges: ColumnLineageEdge[] } {
  const seen = new Map<string, NodeColumn>([[key(start), start]]);
  const used = new Set<ColumnLineageEdge>();
  for (const direction of ['up', 'down'] as const) {
    const queue = [start];
    while (queue.length) {
      const current = queue.pop()!;
      for (const e of edges) {
        const matches =
          direction === 'up'
            ? e.to === current.nodeId && e.toColumn === current.column
            : e.from === current.nodeId && e.fromColumn === current.column;
        if (!matches) continue;
        used.add(e);
        const next =
          direction === 'up'
            ? { nodeId: e.from, column: e.fromColumn }
            : { nodeId: e.to, column: e.toColumn };
        if (!seen.has(key(next))) {
          seen.set(key(next), next);
          queue.push(next);
        }
      }
    }
  }
  return { columns: [...seen.values()], edges: [...used] };
}
