export { createRunsRouter } from './createRunsRouter';
export { RunStatusService } from './RunStatusService';
export { AwsStatusReader } from './AwsStatusReader';
export {
  CoalescingCache,
  type CoalescingCacheOptions,
} from './CoalescingCache';
export {
  DatalakeStatusServices,
  STATUS_DEFAULTS,
} from './DatalakeStatusServices';
export { scheduleRunAlerts } from './alerts/scheduleRunAlerts';
export { RunAlertsCheck, ALERT_TOPICS } from './alerts/RunAlertsCheck';
export {
  DatabaseAlertIncidentStore,
  type AlertIncident,
  type AlertIncidentStore,
} from './alerts/AlertIncidentStore';
export {
  RunErrorAuthorizer,
  decideRunErrorPermission,
  granteesFromStore,
  hasTableGrant,
  isTableDataOwner,
  tableDataConditions,
  tableDataPermissionRules,
  tableDataResourceRef,
  createTableDataConditionalDecision,
  type TableDataResource,
  type TableDataPermissionQuery,
  type TableGranteeLookup,
} from './runErrorPermission';
export { PipelineRunStarter } from './PipelineRunStarter';
export { TableReloader } from './TableReloader';
export { type CacheClaims, cacheClaimsFromConfig } from './cacheClaims';
