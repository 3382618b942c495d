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
 * Every permission of the data lake source routes, for registration with the permission system.
 *
 * @public
 */
export const datalakeSourcePermissions = [
  datalakeSourceReadPermission,
  datalakeSourceInspectPermission,
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
