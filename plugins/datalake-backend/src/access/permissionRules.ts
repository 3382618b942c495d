/*
 * The permission rules of access requests. Policies combine them into conditional decisions
 * (see `decideAccessRequestPermission`), and the access routes evaluate those decisions against
 * the stored request, so that who may approve or revoke is decided in one place: the policy.
 */
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { ACCESS_REQUEST_RESOURCE_TYPE } from '@datalake-portal/backstage-plugin-datalake-common';
import { z } from 'zod';
import { StoredAccessRequest } from './AccessRequestStore';

/**
 * The access request resource type of the `datalake` plugin.
 *
 * @public
 */
export const accessRequestResourceRef = createPermissionResourceRef<
  StoredAccessRequest,
  AccessRequestPermissionQuery
>().with({ pluginId: 'datalake', resourceType: ACCESS_REQUEST_RESOURCE_TYPE });

/**
 * Query criteria of the access request rules (filters on stored columns).
 *
 * @public
 */
export type AccessRequestPermissionQuery =
  | { tableOwnerIn: string[] }
  | { requesterIn: string[] };

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * `IS_TABLE_OWNER`: the request's table is owned by one of the given entity refs (normally the
 * caller's ownership refs: the user and their groups).
 *
 * @public
 */
export const isTableOwner = createPermissionRule({
  name: 'IS_TABLE_OWNER',
  description:
    'Allow when the table of the access request is owned by one of the given entity refs',
  resourceRef: accessRequestResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, usually the caller and their groups'),
  }),
  apply: (request, { claims }) =>
    claims.map(lower).includes(lower(request.tableOwner)),
  toQuery: ({ claims }) => ({ tableOwnerIn: claims }),
});

/**
 * `IS_REQUESTER`: the request was made by the given user. Policies use `not(IS_REQUESTER)` so
 * that nobody approves their own request.
 *
 * @public
 */
export const isRequester = createPermissionRule({
  name: 'IS_REQUESTER',
  description: 'Allow when the access request was made by the given user',
  resourceRef: accessRequestResourceRef,
  paramsSchema: z.object({
    userEntityRef: z.string().describe('The user entity ref of the caller'),
  }),
  apply: (request, { userEntityRef }) =>
    lower(request.requester) === lower(userEntityRef),
  toQuery: ({ userEntityRef }) => ({ requesterIn: [userEntityRef] }),
});

/** @public */
export const accessRequestPermissionRules = { isTableOwner, isRequester };

const exports = createConditionExports({
  resourceRef: accessRequestResourceRef,
  rules: accessRequestPermissionRules,
});

/**
 * Condition factories for access request permissions, for permission policies.
 *
 * @public
 */
export const accessRequestConditions = exports.conditions;

/**
 * Wraps access request conditions into a conditional decision, for permission policies.
 *
 * @public
 */
export const createAccessRequestConditionalDecision =
  exports.createConditionalDecision;
