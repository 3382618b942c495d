/**
 * Catalog backend module of the data lake plugin set: syncs Glue databases and tables into the
 * Backstage catalog, and a search module that makes table columns searchable.
 *
 * @packageDocumentation
 */

export { catalogModuleDatalake as default } from './module';
export { searchModuleDatalakeTableColumns } from './search/module';
export { tableCollatorTransformer } from './search/tableCollatorTransformer';
export {
  DatalakeEntityProvider,
  type DatalakeProviderClients,
  type DatalakeSyncResult,
} from './provider/DatalakeEntityProvider';
