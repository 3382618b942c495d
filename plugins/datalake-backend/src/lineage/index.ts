export { createLineageRouter } from './createLineageRouter';
export {
  LineageService,
  parseDepth,
  type LastDataChangeReader,
} from './LineageService';
export {
  buildLineageGraph,
  lineageNodeId,
  mysqlTableKey,
  type LineageFacts,
  type LineageTable,
  type MysqlTableRef,
} from './buildLineageGraph';
export { toOpenLineageEvents } from './openLineage';
