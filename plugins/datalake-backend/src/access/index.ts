export { setupAccessRequests, ACCESS_TASK_IDS } from './setupAccessRequests';
export type { AccessRequestsFeature } from './setupAccessRequests';
export {
  accessRequestResourceRef,
  accessRequestConditions,
  accessRequestPermissionRules,
  createAccessRequestConditionalDecision,
  isRequester,
  isTableOwner,
  type AccessRequestPermissionQuery,
} from './permissionRules';
export {
  decideAccessRequestPermission,
  type AccessRequestPolicyUser,
} from './accessRequestPolicy';
export type {
  AccessRequestStore,
  StoredAccessRequest,
} from './AccessRequestStore';
export {
  readAccessConfig,
  resolvePrincipal,
  DEFAULT_MAX_ACCESS_DURATION_DAYS,
  type AccessConfig,
} from './accessConfig';
