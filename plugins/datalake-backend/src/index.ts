/**
 * The data lake backend plugin: source inspection and CDC preflight, table freshness and Iceberg
 * metadata.
 *
 * @packageDocumentation
 */
export { datalakePlugin as default } from './plugin';
export { SourceInspectionService } from './services/SourceInspectionService';
export { PayloadTooLargeError } from './jsonBody';
export {
  decideSourcePermission,
  sourceResourceRef,
  sourceConditions,
  sourcePermissionRules,
  createSourceConditionalDecision,
  isSourceOwner,
  type SourcePermissionQuery,
} from './sources';
export { TableMetadataService, createTablesRouter } from './tables';
export {
  setupAccessRequests,
  accessRequestResourceRef,
  accessRequestConditions,
  accessRequestPermissionRules,
  createAccessRequestConditionalDecision,
  decideAccessRequestPermission,
  type AccessRequestPolicyUser,
  type AccessRequestPermissionQuery,
} from './access';
export {
  createLineageRouter,
  LineageService,
  buildLineageGraph,
  toOpenLineageEvents,
  type LineageFacts,
  type LineageTable,
} from './lineage';
export {
  createRunsRouter,
  RunStatusService,
  DatalakeStatusServices,
  CoalescingCache,
  RunAlertsCheck,
  scheduleRunAlerts,
  RunErrorAuthorizer,
  decideRunErrorPermission,
  tableDataConditions,
  tableDataPermissionRules,
  tableDataResourceRef,
  createTableDataConditionalDecision,
  type TableDataResource,
  type TableDataPermissionQuery,
} from './runs';
