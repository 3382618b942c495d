/*
 * What the portal decides about source permissions, as a helper that permission policies call
 * (the way `decideAccessRequestPermission` does for access requests), so that the backend's tests
 * run the very decisions the portal's policy makes.
 */
import {
  AuthorizeResult,
  isPermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
  datalakeSourceInspectPermission,
  datalakeSourceReadPermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { AccessRequestPolicyUser } from '../access';
import {
  createSourceConditionalDecision,
  sourceConditions,
} from './permissionRules';

/**
 * Decides a source permission, or returns `undefined` for any other permission.
 *
 * - read (list the sources, without host, port or credentials): anyone signed in, and services;
 * - inspect (inspection and CDC preflight) and pipeline create (the scaffolder actions that build
 *   the source's pipeline): admins, and members of the source's owner group (a condition on the
 *   source); nobody else, services included;
 * - owner assign (give created resources to a group the caller is not in): admins only.
 *
 * @public
 */
export function decideSourcePermission(
  permission: Permission,
  user: AccessRequestPolicyUser | undefined,
  options: { isAdmin: boolean },
): PolicyDecision | undefined {
  if (isPermission(permission, datalakeSourceReadPermission)) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (isPermission(permission, datalakePipelineOwnerAssignPermission)) {
    return {
      result:
        user && options.isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    };
  }
  if (
    !isPermission(permission, datalakeSourceInspectPermission) &&
    !isPermission(permission, datalakePipelineCreatePermission)
  ) {
    return undefined;
  }
  if (!user) return { result: AuthorizeResult.DENY };
  if (options.isAdmin) return { result: AuthorizeResult.ALLOW };
  return createSourceConditionalDecision(
    permission,
    sourceConditions.isSourceOwner({ claims: user.ownershipEntityRefs }),
  );
}
