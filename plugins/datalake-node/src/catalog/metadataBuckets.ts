/*
 * Where the backend may read Iceberg metadata files from: only the lake's own buckets. The
 * metadata location comes from Glue, and Glue is written by more than this product; a table whose
 * `metadata_location` points into another bucket must not make the backend's role read it.
 */
import { Config } from '@backstage/config';
import {
  DEFAULT_LAYER_BUCKETS,
  MEDALLION_LAYERS,
} from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * `datalake.tables.metadataBuckets` when set, else the layer buckets of `datalake.pipeline`
 * (with their defaults).
 *
 * @public
 */
export function readMetadataBuckets(config: Config): string[] {
  return (
    config.getOptionalStringArray('datalake.tables.metadataBuckets') ??
    MEDALLION_LAYERS.map(
      layer =>
        config.getOptionalString(`datalake.pipeline.layers.${layer}.bucket`) ??
        DEFAULT_LAYER_BUCKETS[layer],
    )
  );
}

/**
 * The bucket of an `s3://` (or `s3a://`) location, when it is one of the given buckets.
 *
 * @public
 */
export function isInBuckets(
  location: string,
  buckets: readonly string[],
): boolean {
  const match = /^s3a?:\/\/([^/]+)\/./.exec(location);
  return !!match && buckets.includes(match[1]);
}
