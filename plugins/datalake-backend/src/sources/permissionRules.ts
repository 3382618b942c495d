/*
 * The permission rules of configured sources. The portal's policy combines them into a
 * conditional decision (see `decideSourcePermission`); the source routes evaluate it against the
 * source as configured, so that who may inspect a source is decided by the policy from the
 * `owner` in `datalake.sources`, never from anything in the request.
 */
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  SOURCE_RESOURCE_TYPE,
  SourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { z } from 'zod';

/**
 * Query criteria of the source rules (sources live in config, so this is for completeness).
 *
 * @public
 */
export type SourcePermissionQuery = { ownerIn: string[] };

/**
 * The source resource type of the `datalake` plugin: resources are the configured sources.
 *
 * @public
 */
export const sourceResourceRef = createPermissionResourceRef<
  SourceSummary,
  SourcePermissionQuery
>().with({ pluginId: 'datalake', resourceType: SOURCE_RESOURCE_TYPE });

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * `IS_SOURCE_OWNER`: the source's configured `owner` is one of the given entity refs (normally
 * the caller's ownership refs: the user and their groups).
 *
 * @public
 */
export const isSourceOwner = createPermissionRule({
  name: 'IS_SOURCE_OWNER',
  description:
    'Allow when the configured owner of the source is one of the given entity refs',
  resourceRef: sourceResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, usually the caller and their groups'),
  }),
  apply: (source, { claims }) =>
    claims.map(lower).includes(lower(source.owner)),
  toQuery: ({ claims }) => ({ ownerIn: claims }),
});

/** @public */
export const sourcePermissionRules = { isSourceOwner };

const exports = createConditionExports({
  resourceRef: sourceResourceRef,
  rules: sourcePermissionRules,
});

/**
 * Condition factories for source permissions, for permission policies.
 *
 * @public
 */
export const sourceConditions = exports.conditions;

/**
 * Wraps source conditions into a conditional decision, for permission policies.
 *
 * @public
 */
export const createSourceConditionalDecision =
  exports.createConditionalDecision;
