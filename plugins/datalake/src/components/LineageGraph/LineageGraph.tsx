import {
  ColumnLineageEdge,
  LineageNode,
  LineageResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { useTheme } from '@material-ui/core/styles';
import { KeyboardEvent, useMemo } from 'react';
import { layoutLineage, PlacedNode } from './layoutLineage';

const KIND_LABEL: Record<LineageNode['kind'], string> = {
  'mysql-table': 'MySQL',
  'dms-task': 'DMS task',
  landing: 'S3 landing',
  table: '',
  'glue-job': 'Glue job',
};

function truncate(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** Props of {@link LineageGraph}. @public */
export interface LineageGraphProps {
  graph: Pick<LineageResponse, 'nodes' | 'edges' | 'rootId'>;
  /** Columns to highlight per node id (column lineage). */
  highlightedColumns?: Map<string, string[]>;
  /** Column edges to draw. */
  columnEdges?: ColumnLineageEdge[];
  /** Called when a node is clicked or activated with the keyboard. */
  onNodeClick?: (node: LineageNode) => void;
}

function edgePath(from: PlacedNode, to: PlacedNode): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

/**
 * The lineage graph as SVG, laid out left to right; failed nodes have a red border, stale ones
 * an orange one, the requested table a thick one.
 *
 * @public
 */
export function LineageGraph(props: LineageGraphProps) {
  const { graph, highlightedColumns, columnEdges, onNodeClick } = props;
  const theme = useTheme();
  const layout = useMemo(() => layoutLineage(graph), [graph]);
  const margin = 8;
  const statusColor = (node: LineageNode) => {
    if (node.status === 'failed') return theme.palette.error.main;
    if (node.status === 'stale') return theme.palette.warning.main;
    return theme.palette.text.secondary;
  };
  const onKey = (node: LineageNode) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') onNodeClick?.(node);
  };

  return (
    <svg
      role="img"
      aria-label="Lineage graph"
      width={layout.width + 2 * margin}
      height={layout.height + 2 * margin}
      viewBox={`${-margin} ${-margin} ${layout.width + 2 * margin} ${
        layout.height + 2 * margin
      }`}
      style={{ fontFamily: theme.typography.fontFamily, fontSize: 12 }}
    >
      <defs>
        <marker
          id="lineage-arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill={theme.palette.text.hint} />
        </marker>
      </defs>
      {graph.edges.map(edge => {
        const from = layout.byId.get(edge.from);
        const to = layout.byId.get(edge.to);
        if (!from || !to) return null;
        return (
          <path
            key={`${edge.from}>${edge.to}`}
            d={edgePath(from, to)}
            fill="none"
            stroke={theme.palette.text.hint}
            strokeWidth={1.2}
            markerEnd="url(#lineage-arrow)"
          />
        );
      })}
      {(columnEdges ?? []).map(edge => {
        const from = layout.byId.get(edge.from);
        const to = layout.byId.get(edge.to);
        if (!from || !to) return null;
        return (
          <path
            key={`${edge.from}.${edge.fromColumn}>${edge.to}.${edge.toColumn}`}
            data-testid="column-edge"
            d={edgePath(from, to)}
            fill="none"
            stroke={theme.palette.primary.main}
            strokeWidth={2.5}
            strokeDasharray="6 3"
          />
        );
      })}
      {layout.nodes.map(p => {
        const { node } = p;
        const columns = highlightedColumns?.get(node.id);
        const root = node.id === graph.rootId;
        const clickable = !!onNodeClick;
        return (
          <g
            key={node.id}
            transform={`translate(${p.x},${p.y})`}
            data-testid="lineage-node"
            data-node-id={node.id}
            data-status={node.status ?? 'unknown'}
            role={clickable ? 'button' : undefined}
            tabIndex={clickable ? 0 : undefined}
            aria-label={`${KIND_LABEL[node.kind] || node.layer} ${node.label}${
              node.status && node.status !== 'ok' ? ` (${node.status})` : ''
            }`}
            onClick={clickable ? () => onNodeClick!(node) : undefined}
            onKeyDown={clickable ? onKey(node) : undefined}
            style={{ cursor: clickable ? 'pointer' : 'default' }}
          >
            <title>{node.label}</title>
            <rect
              width={p.width}
              height={p.height}
              rx={node.kind === 'glue-job' ? 18 : 4}
              fill={
                columns
                  ? theme.palette.action.selected
                  : theme.palette.background.paper
              }
              stroke={statusColor(node)}
              strokeWidth={
                root || (node.status && node.status !== 'ok') ? 3 : 1
              }
            />
            <text
              x={8}
              y={16}
              fill={theme.palette.text.secondary}
              fontSize={10}
            >
              {[
                KIND_LABEL[node.kind] || node.layer,
                node.status === 'ok' ? '' : node.status,
              ]
                .filter(Boolean)
                .join(' · ')}
            </text>
            <text x={8} y={32} fill={theme.palette.text.primary}>
              {truncate(
                columns ? `${node.label} · ${columns.join(', ')}` : node.label,
                node.kind === 'glue-job' ? 22 : 30,
              )}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
