export {
  TableMetadataService,
  DEFAULT_FRESHNESS_CACHE_TTL_SECONDS,
  type IcebergMetadataSource,
  type TableRequestOptions,
} from './TableMetadataService';
export { createTablesRouter } from './createTablesRouter';
