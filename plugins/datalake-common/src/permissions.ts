import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows listing the configured MySQL sources and reading their (credential-free) settings.
 *
 * @public
 */
export const datalakeSourceReadPermission = createPermission({
  name: 'datalake.source.read',
  attributes: { action: 'read' },
});

/**
 * The resource type of configured sources, for conditional decisions on inspection (the
 * `IS_SOURCE_OWNER` rule is registered by the data lake backend, which resolves a source id to
 * its configured owner).
 *
 * @public
 */
export const SOURCE_RESOURCE_TYPE = 'datalake-source';

/**
 * Allows connecting to a configured source to inspect its tables and run the CDC preflight. A
 * resource permission on the source: the portal's policy grants it to members of the source's
 * `owner` group and to admins only, since the inspection shows the source's schema and server
 * settings.
 *
 * @public
 */
export const datalakeSourceInspectPermission = createPermission({
  name: 'datalake.source.inspect',
  attributes: { action: 'read' },
  resourceType: SOURCE_RESOURCE_TYPE,
});

/**
 * Allows creating and changing the AWS resources of a source's pipeline through the scaffolder
 * actions (DMS endpoints and task, Iceberg tables, Glue jobs, the state machine, its schedules, the
 * pipeline's catalog entities). A resource permission on the source: the portal's policy grants
 * it to members of the source's `owner` group and to admins only. Every `datalake:*` action asks
 * it of the task's initiator, dry runs included.
 *
 * @public
 */
export const datalakePipelineCreatePermission = createPermission({
  name: 'datalake.pipeline.create',
  attributes: { action: 'create' },
  resourceType: SOURCE_RESOURCE_TYPE,
});

/**
 * Allows giving the resources a scaffolder action creates to any owner. Without it, the `owner`
 * of created tables and pipeline entities must be the caller or one of the caller's groups. The
 * portal's policy grants it to admins only.
 *
 * @public
 */
export const datalakePipelineOwnerAssignPermission = createPermission({
  name: 'datalake.pipeline.owner.assign',
  attributes: { action: 'update' },
});

/**
 * Every permission of the data lake sources (their routes and the scaffolder actions that build
 * their pipelines), for registration with the permission system.
 *
 * @public
 */
export const datalakeSourcePermissions = [
  datalakeSourceReadPermission,
  datalakeSourceInspectPermission,
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
];

/**
 * The resource type of access requests, for conditional decisions (rules such as
 * `IS_TABLE_OWNER` and `IS_REQUESTER` are registered by the data lake backend).
 *
 * @public
 */
export const ACCESS_REQUEST_RESOURCE_TYPE = 'datalake-access-request';

/**
 * Allows asking for access to a table. Whether the caller may see the table is checked on the
 * catalog entity with their own credentials.
 *
 * @public
 */
export const datalakeAccessRequestCreatePermission = createPermission({
  name: 'datalake.access-request.create',
  attributes: { action: 'create' },
});

/**
 * Allows reading an access request (and listing it).
 *
 * @public
 */
export const datalakeAccessRequestReadPermission = createPermission({
  name: 'datalake.access-request.read',
  attributes: { action: 'read' },
  resourceType: ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Allows approving or rejecting an access request.
 *
 * @public
 */
export const datalakeAccessRequestApprovePermission = createPermission({
  name: 'datalake.access-request.approve',
  attributes: { action: 'update' },
  resourceType: ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Allows revoking a granted access request (or withdrawing a pending one).
 *
 * @public
 */
export const datalakeAccessRequestRevokePermission = createPermission({
  name: 'datalake.access-request.revoke',
  attributes: { action: 'delete' },
  resourceType: ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Every permission of the access request routes.
 *
 * @public
 */
export const datalakeAccessRequestPermissions = [
  datalakeAccessRequestCreatePermission,
  datalakeAccessRequestReadPermission,
  datalakeAccessRequestApprovePermission,
  datalakeAccessRequestRevokePermission,
];
