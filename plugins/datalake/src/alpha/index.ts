export { datalakeApi } from './apis';
export { tableOverviewEntityCard } from './entityCards';
export {
  tableSchemaEntityContent,
  tableSnapshotsEntityContent,
} from './entityContents';
export {
  pipelineRunsEntityContent,
  tableLineageEntityContent,
  tableRunsEntityContent,
  tableStatusEntityCard,
} from './lineage';
