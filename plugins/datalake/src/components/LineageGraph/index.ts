export { LineageGraph, type LineageGraphProps } from './LineageGraph';
export {
  layoutLineage,
  LINEAGE_LAYOUT,
  type LineageLayout,
  type PlacedNode,
} from './layoutLineage';
export { columnPath, type NodeColumn } from './columnPath';
