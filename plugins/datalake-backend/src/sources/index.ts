export {
  sourceResourceRef,
  sourceConditions,
  sourcePermissionRules,
  createSourceConditionalDecision,
  isSourceOwner,
  type SourcePermissionQuery,
} from './permissionRules';
export { decideSourcePermission } from './sourcePolicy';
export { registerSourcePermissions } from './registerSourcePermissions';
