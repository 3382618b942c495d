import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { PermissionRuleset } from '@backstage/plugin-permission-node';
import {
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
 * Registers the source permissions and the source resource type (resolved from config by id, so
 * that the permission backend can apply conditions too), and returns the rules for the routes.
 */
export function registerSourcePermissions(
  registry: PermissionsRegistryService,
  sources: SourceInspectionService,
): PermissionRuleset<SourceSummary, SourcePermissionQuery> {
  registry.addPermissions([datalakeSourceReadPermission]);
  registry.addResourceType({
    resourceRef: sourceResourceRef,
    permissions: [datalakeSourceInspectPermission],
    rules: Object.values(sourcePermissionRules),
    getResources: async ids => ids.map(id => sources.findSource(id)),
  });
  return registry.getPermissionRuleset(sourceResourceRef);
}
