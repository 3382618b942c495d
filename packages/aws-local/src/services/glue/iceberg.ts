import { randomUUID } from 'node:crypto';
import { AwsError, ServiceContext } from '../../core/types';
import { invalidInput } from './common';

const PRIMITIVES: Record<string, string> = {
  string: 'string',
  varchar: 'string',
  char: 'string',
  int: 'int',
  integer: 'int',
  smallint: 'int',
  tinyint: 'int',
  bigint: 'long',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  binary: 'binary',
};

function icebergType(glueType: string): string {
  const type = glueType.trim().toLowerCase();
  if (/^decimal\(\s*\d+\s*,\s*\d+\s*\)$/.test(type)) {
    return type.replace(/\s+/g, '');
  }
  return PRIMITIVES[type.replace(/\(.*\)$/, '')] ?? 'string';
}

function splitS3Uri(uri: string) {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) {
    throw invalidInput(
      `Iceberg table location must be an s3:// URI, got '${uri}'`,
    );
  }
  return { bucket: match[1], prefix: match[2].replace(/\/+$/, '') };
}

/**
 * Writes an Iceberg v2 `metadata.json` for a new, empty table under `<location>/metadata/`
 * in the emulated S3, as Glue does for `CreateTable` with `OpenTableFormatInput`, and returns
 * its S3 URI for the `metadata_location` parameter.
 */
export async function writeInitialIcebergMetadata(
  ctx: ServiceContext,
  location: string,
  columns: { Name: string; Type: string }[],
  formatVersion: string,
): Promise<string> {
  const { bucket, prefix } = splitS3Uri(location);
  const fields = columns.map((column, index) => ({
    id: index + 1,
    name: column.Name,
    required: false,
    type: icebergType(column.Type),
  }));
  const metadata = {
    'format-version': Number(formatVersion) || 2,
    'table-uuid': randomUUID(),
    location: location.replace(/\/+$/, ''),
    'last-sequence-number': 0,
    'last-updated-ms': ctx.clock.now().getTime(),
    'last-column-id': fields.length,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: {},
    'current-snapshot-id': -1,
    refs: {},
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
  const key = `${
    prefix ? `${prefix}/` : ''
  }metadata/00000-${randomUUID()}.metadata.json`;
  try {
    await ctx.invoke('s3', 'PutObject', {
      Bucket: bucket,
      Key: key,
      Body: Buffer.from(JSON.stringify(metadata, null, 2)),
      ContentType: 'application/json',
    });
  } catch (error) {
    if (error instanceof AwsError && error.code === 'NoSuchBucket') {
      throw invalidInput(
        `Cannot write Iceberg metadata: bucket '${bucket}' does not exist`,
      );
    }
    throw error;
  }
  return `s3://${bucket}/${key}`;
}
