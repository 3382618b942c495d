/*
 * A layered left-to-right layout for lineage graphs: each node's column is the length of the
 * longest path reaching it (so MySQL → DMS → landing → bronze → silver → gold read left to right),
 * and the nodes of a column are ordered by the mean row of their upstream nodes (one barycentre
 * sweep), which keeps chains straight without a graph library. Linear in nodes plus edges apart
 * from one sort per column.
 */
import {
  LineageEdge,
  LineageNode,
} from '@datalake-portal/backstage-plugin-datalake-common';

/** Sizes of the layout, in SVG units. @public */
export const LINEAGE_LAYOUT = {
  nodeWidth: 200,
  nodeHeight: 44,
  columnGap: 70,
  rowGap: 18,
  jobWidth: 150,
} as const;

/** A placed node. @public */
export interface PlacedNode {
  node: LineageNode;
  x: number;
  y: number;
  width: number;
  height: number;
  column: number;
}

/** The layout of a graph. @public */
export interface LineageLayout {
  nodes: PlacedNode[];
  byId: Map<string, PlacedNode>;
  width: number;
  height: number;
}

/** Lays out the graph left to right. @public */
export function layoutLineage(graph: {
  nodes: LineageNode[];
  edges: LineageEdge[];
}): LineageLayout {
  const ids = new Set(graph.nodes.map(n => n.id));
  const edges = graph.edges.filter(e => ids.has(e.from) && ids.has(e.to));
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const indegree = new Map<string, number>(graph.nodes.map(n => [n.id, 0]));
  for (const e of edges) {
    (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e.from);
    (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }

  // Longest-path ranks in topological order (Kahn); nodes on a cycle keep the rank reached.
  const column = new Map<string, number>(graph.nodes.map(n => [n.id, 0]));
  const queue = graph.nodes
    .filter(n => indegree.get(n.id) === 0)
    .map(n => n.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const to of outgoing.get(id) ?? []) {
      column.set(to, Math.max(column.get(to)!, column.get(id)! + 1));
      indegree.set(to, indegree.get(to)! - 1);
      if (indegree.get(to) === 0) queue.push(to);
    }
  }

  const columns: LineageNode[][] = [];
  for (const node of graph.nodes) {
    (columns[column.get(node.id)!] ??= []).push(node);
  }
  const row = new Map<string, number>();
  columns.forEach(nodes => {
    const keyed = nodes.map((n, index) => {
      const parents = (incoming.get(n.id) ?? [])
        .map(p => row.get(p))
        .filter((r): r is number => r !== undefined);
      const key = parents.length
        ? parents.reduce((a, b) => a + b, 0) / parents.length
        : index;
      return { n, key, index };
    });
    keyed.sort((a, b) => a.key - b.key || a.index - b.index);
    keyed.forEach(({ n }, i) => row.set(n.id, i));
  });

  const { nodeWidth, nodeHeight, columnGap, rowGap } = LINEAGE_LAYOUT;
  const placed: PlacedNode[] = [];
  const byId = new Map<string, PlacedNode>();
  let height = 0;
  columns.forEach((nodes, c) => {
    for (const node of nodes ?? []) {
      const r = row.get(node.id)!;
      const width =
        node.kind === 'glue-job' ? LINEAGE_LAYOUT.jobWidth : nodeWidth;
      const p: PlacedNode = {
        node,
        column: c,
        x: c * (nodeWidth + columnGap) + (nodeWidth - width) / 2,
        y: r * (nodeHeight + rowGap),
        width,
        height: nodeHeight,
      };
      placed.push(p);
      byId.set(node.id, p);
      height = Math.max(height, p.y + nodeHeight);
    }
  });
  return {
    nodes: placed,
    byId,
    width: Math.max(0, columns.length * (nodeWidth + columnGap) - columnGap),
    height,
  };
}
