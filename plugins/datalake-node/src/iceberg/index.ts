export {
  parseIcebergMetadata,
  IcebergMetadataError,
} from './parseIcebergMetadata';
export {
  currentSnapshot,
  currentAncestry,
  isDataChange,
  latestDataChange,
} from './snapshots';
export {
  IcebergMetadataReader,
  parseS3Location,
  type S3ObjectLocation,
} from './IcebergMetadataReader';
export type {
  IcebergOperation,
  IcebergPartitionField,
  IcebergSchemaField,
  IcebergSnapshot,
  IcebergTableMetadata,
} from './types';
