export { datalakeApi } from './apis';
export { tableOverviewEntityCard } from './entityCards';
export {
  tableSchemaEntityContent,
  tableSnapshotsEntityContent,
} from './entityContents';
export {
  tableLineageEntityContent,
  tableRunsEntityContent,
  tableStatusEntityCard,
} from './lineage';
