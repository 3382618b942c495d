/**
 * The data lake frontend plugin: browse the lake's tables by layer and database, and on table
 * entities an overview card (freshness, records, size), a schema tab and the snapshot history.
 *
 * The default export is the plugin for the new frontend system; the named legacy exports serve
 * apps on the old one.
 *
 * @packageDocumentation
 */
export { datalakePlugin as default, datalakePage } from './plugin';
export {
  datalakeLegacyPlugin,
  DatalakeLayerBrowserPage,
  EntityTableOverviewCard,
  EntityTableSchemaContent,
  EntityTableSnapshotsContent,
} from './legacy';
export { LayerBrowserPage } from './components/LayerBrowserPage';
export { TableOverviewCard } from './components/TableOverviewCard';
export { TableSchemaContent } from './components/TableSchemaContent';
export { TableSnapshotsContent } from './components/TableSnapshotsContent';
export { datalakeApiRef, DatalakeClient, type DatalakeApi } from './api';
export {
  isDataPipeline,
  isDatalakeTable,
  isIcebergTable,
} from './isDatalakeTable';
export {
  datalakeApi,
  tableOverviewEntityCard,
  tableSchemaEntityContent,
  tableSnapshotsEntityContent,
} from './alpha';
export {
  EntityTableLineageContent,
  EntityTableRunsContent,
  EntityTableStatusCard,
} from './legacy';
export { EntityLineageContent } from './components/EntityLineageContent';
export { EntityRunsContent } from './components/EntityRunsContent';
export { TableStatusCard } from './components/TableStatusCard';
export { LineageGraph, layoutLineage } from './components/LineageGraph';
export {
  pipelineRunsEntityContent,
  tableLineageEntityContent,
  tableRunsEntityContent,
  tableStatusEntityCard,
} from './alpha';
export {
  EntityTableAccessContent,
  DatalakeMyAccessRequestsPage,
  DatalakeAccessApprovalsPage,
} from './legacyAccess';
export {
  tableAccessEntityContent,
  myAccessRequestsPage,
  accessApprovalsPage,
} from './alpha/accessExtensions';
export { AccessRequestDialog } from './components/AccessRequestDialog';
export { TableAccessContent } from './components/TableAccessContent';
export { MyAccessRequestsPage } from './components/MyAccessRequestsPage';
export { AccessApprovalsPage } from './components/AccessApprovalsPage';
export {
  DatalakeSourcePickerFieldExtension,
  DatalakeTablePickerFieldExtension,
  DatalakeColumnRenamesFieldExtension,
  DatalakeCronScheduleFieldExtension,
  DatalakeSilverTablePickerFieldExtension,
  DatalakeGoldSqlFieldExtension,
} from './scaffolder/legacyFieldExtensions';
export { DatalakeSourcePicker } from './scaffolder/DatalakeSourcePicker';
export { DatalakeTablePicker } from './scaffolder/DatalakeTablePicker';
export { DatalakeColumnRenames } from './scaffolder/DatalakeColumnRenames';
export { DatalakeCronSchedule } from './scaffolder/DatalakeCronSchedule';
export { DatalakeSilverTablePicker } from './scaffolder/DatalakeSilverTablePicker';
export { DatalakeGoldSql } from './scaffolder/DatalakeGoldSql';
