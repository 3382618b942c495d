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
 * Allows connecting to a configured source to inspect its tables and run the CDC preflight.
 *
 * @public
 */
export const datalakeSourceInspectPermission = createPermission({
  name: 'datalake.source.inspect',
  attributes: { action: 'read' },
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
