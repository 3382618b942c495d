import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of a table's data, for conditional decisions on who may see what a table
 * holds (rules such as `IS_TABLE_DATA_OWNER` and `HAS_TABLE_GRANT` are registered by the data
 * lake backend). The resource ref is the table entity ref.
 *
 * @public
 */
export const TABLE_DATA_RESOURCE_TYPE = 'datalake-table-data';

/**
 * Allows reading the raw errors and log tails of the job runs that write a table: they quote
 * row values, so they are for those who may read the table's data.
 *
 * @public
 */
export const datalakeRunErrorReadPermission = createPermission({
  name: 'datalake.run.error.read',
  attributes: { action: 'read' },
  resourceType: TABLE_DATA_RESOURCE_TYPE,
});

/**
 * Allows starting the pipeline that writes a table now, outside its schedule ("Run now"). The
 * resource is the table's catalog entity: the portal's policy lets its owners and admins.
 *
 * @public
 */
export const datalakePipelineRunPermission = createPermission({
  name: 'datalake.pipeline.run',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Allows reloading a table from its source: DMS `ReloadTables` of the MySQL table behind a bronze
 * or silver table, then the pipeline rebuilding bronze from the new full load. The resource is
 * the table's catalog entity: the portal's policy lets its owners and admins.
 *
 * @public
 */
export const datalakeTableReloadPermission = createPermission({
  name: 'datalake.table.reload',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission of the run status routes.
 *
 * @public
 */
export const datalakeRunPermissions = [
  datalakeRunErrorReadPermission,
  datalakePipelineRunPermission,
  datalakeTableReloadPermission,
];
