import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { PermissionRuleset } from '@backstage/plugin-permission-node';
import {
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
  datalakeSourceInspectPermission,
  datalakeSourceReadPermission,
  SourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { SourceInspectionService } from '../services/SourceInspectionService';
import {
  SourcePermissionQuery,
  sourcePermissionRules,
  sourceResourceRef,
} from './permissionRules';

/**
 * Registers the source permissions (the scaffolder actions' among them) and the source resource type (resolved from config by id, so
 * that the permission backend can apply conditions too), and returns the rules for the routes.
 */
export function registerSourcePermissions(
  registry: PermissionsRegistryService,
  sources: SourceInspectionService,
): PermissionRuleset<SourceSummary, SourcePermissionQuery> {
  registry.addPermissions([
    datalakeSourceReadPermission,
    datalakePipelineOwnerAssignPermission,
  ]);
  // The scaffolder actions ask `datalake.pipeline.create` with the source id as resource ref; the
  // permission backend applies the policy's conditions here, to the source as configured.
  registry.addResourceType({
    resourceRef: sourceResourceRef,
    permissions: [
      datalakeSourceInspectPermission,
      datalakePipelineCreatePermission,
    ],
    rules: Object.values(sourcePermissionRules),
    getResources: async ids => ids.map(id => sources.findSource(id)),
  });
  return registry.getPermissionRuleset(sourceResourceRef);
}
