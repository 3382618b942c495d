/*
 * What the portal decides about access request permissions, as a helper that permission policies
 * call: it keeps the rule "owners approve, nobody approves their own request" next to the rules
 * it is made of, and lets the backend's tests run the very decisions the portal's policy makes.
 */
import {
  AuthorizeResult,
  isPermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  datalakeAccessRequestApprovePermission,
  datalakeAccessRequestCreatePermission,
  datalakeAccessRequestReadPermission,
  datalakeAccessRequestRevokePermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  accessRequestConditions,
  createAccessRequestConditionalDecision,
} from './permissionRules';

/**
 * The caller as a policy sees them.
 *
 * @public
 */
export type AccessRequestPolicyUser = {
  userEntityRef: string;
  ownershipEntityRefs: string[];
};

/**
 * Decides an access request permission, or returns `undefined` for any other permission.
 *
 * - create: any signed-in user (table visibility is checked on the catalog entity);
 * - read: the requester, members of the table's owner group, admins;
 * - approve (and reject): members of the owner group and admins, never the requester;
 * - revoke: the requester, members of the owner group, admins.
 *
 * @public
 */
export function decideAccessRequestPermission(
  permission: Permission,
  user: AccessRequestPolicyUser | undefined,
  options: { isAdmin: boolean },
): PolicyDecision | undefined {
  const known = [
    datalakeAccessRequestCreatePermission,
    datalakeAccessRequestReadPermission,
    datalakeAccessRequestApprovePermission,
    datalakeAccessRequestRevokePermission,
  ].some(p => isPermission(permission, p));
  if (!known) return undefined;
  if (!user) return { result: AuthorizeResult.DENY };
  if (isPermission(permission, datalakeAccessRequestCreatePermission)) {
    return { result: AuthorizeResult.ALLOW };
  }
  const notRequester = {
    not: accessRequestConditions.isRequester({
      userEntityRef: user.userEntityRef,
    }),
  };
  if (isPermission(permission, datalakeAccessRequestApprovePermission)) {
    return createAccessRequestConditionalDecision(
      permission,
      options.isAdmin
        ? notRequester
        : {
            allOf: [
              accessRequestConditions.isTableOwner({
                claims: user.ownershipEntityRefs,
              }),
              notRequester,
            ],
          },
    );
  }
  if (options.isAdmin) return { result: AuthorizeResult.ALLOW };
  if (
    isPermission(permission, datalakeAccessRequestReadPermission) ||
    isPermission(permission, datalakeAccessRequestRevokePermission)
  ) {
    return createAccessRequestConditionalDecision(permission, {
      anyOf: [
        accessRequestConditions.isRequester({
          userEntityRef: user.userEntityRef,
        }),
        accessRequestConditions.isTableOwner({
          claims: user.ownershipEntityRefs,
        }),
      ],
    });
  }
  return { result: AuthorizeResult.DENY };
}
