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

/** The part of Glue's `CreateIcebergTableInput` that shapes the first metadata file. */
export type CreateIcebergTableInput = {
  Location?: string;
  Schema?: {
    SchemaId?: number;
    IdentifierFieldIds?: number[];
    Fields?: {
      Id: number;
      Name: string;
      Type: unknown;
      Required?: boolean;
      Doc?: string;
    }[];
  };
  PartitionSpec?: {
    SpecId?: number;
    Fields?: {
      SourceId: number;
      Transform: string;
      Name: string;
      FieldId?: number;
    }[];
  };
  WriteOrder?: {
    OrderId?: number;
    Fields?: {
      SourceId: number;
      Transform: string;
      Direction?: string;
      NullOrder?: string;
    }[];
  };
  Properties?: Record<string, string>;
};

/** Iceberg's first partition field id is 1000; an unpartitioned table reports 999. */
const FIRST_PARTITION_FIELD_ID = 1000;

/**
 * The schema, partition spec, sort order and properties of a new table. With
 * `CreateIcebergTableInput` they are what the caller asked for, as Glue writes them (field ids,
 * identifier fields, transforms; "CreateIcebergTableInput",
 * https://docs.aws.amazon.com/glue/latest/webapi/API_CreateIcebergTableInput.html); without it, the
 * schema comes from the Glue columns and the table is unpartitioned and unsorted.
 */
function tableShape(
  columns: { Name: string; Type: string }[],
  input: CreateIcebergTableInput | undefined,
) {
  const requested = input?.Schema?.Fields;
  const fields = requested?.length
    ? requested.map(f => ({
        id: f.Id,
        name: f.Name,
        required: Boolean(f.Required),
        type: f.Type,
        ...(f.Doc ? { doc: f.Doc } : {}),
      }))
    : columns.map((column, index) => ({
        id: index + 1,
        name: column.Name,
        required: false,
        type: icebergType(column.Type),
      }));
  const ids = new Set(fields.map(f => f.id));
  const identifiers = input?.Schema?.IdentifierFieldIds ?? [];
  for (const id of identifiers) {
    const field = fields.find(f => f.id === id);
    if (!field) {
      throw invalidInput(`Identifier field id ${id} is not in the schema`);
    }
    if (!field.required) {
      throw invalidInput(
        `Identifier field '${field.name}' must be required (not null)`,
      );
    }
  }
  const partitionFields = (input?.PartitionSpec?.Fields ?? []).map((p, i) => {
    if (!ids.has(p.SourceId)) {
      throw invalidInput(
        `Partition field '${p.Name}' has unknown source id ${p.SourceId}`,
      );
    }
    return {
      name: p.Name,
      transform: p.Transform,
      'source-id': p.SourceId,
      'field-id': p.FieldId ?? FIRST_PARTITION_FIELD_ID + i,
    };
  });
  const sortFields = (input?.WriteOrder?.Fields ?? []).map(f => {
    if (!ids.has(f.SourceId)) {
      throw invalidInput(`Sort field has unknown source id ${f.SourceId}`);
    }
    return {
      transform: f.Transform,
      'source-id': f.SourceId,
      direction: (f.Direction ?? 'asc').toLowerCase(),
      'null-order': (f.NullOrder ?? 'nulls-first').toLowerCase(),
    };
  });
  const schemaId = input?.Schema?.SchemaId ?? 0;
  const specId = input?.PartitionSpec?.SpecId ?? 0;
  const orderId = sortFields.length ? input?.WriteOrder?.OrderId ?? 1 : 0;
  return {
    'last-column-id': Math.max(0, ...fields.map(f => f.id)),
    'current-schema-id': schemaId,
    schemas: [
      {
        type: 'struct',
        'schema-id': schemaId,
        ...(identifiers.length ? { 'identifier-field-ids': identifiers } : {}),
        fields,
      },
    ],
    'default-spec-id': specId,
    'partition-specs': [{ 'spec-id': specId, fields: partitionFields }],
    'last-partition-id': Math.max(
      FIRST_PARTITION_FIELD_ID - 1,
      ...partitionFields.map(p => p['field-id']),
    ),
    'default-sort-order-id': orderId,
    'sort-orders': [{ 'order-id': orderId, fields: sortFields }],
    properties: { ...(input?.Properties ?? {}) },
  };
}

/**
 * Writes an Iceberg `metadata.json` for a new, empty table under `<location>/metadata/`
 * in the emulated S3, as Glue does for `CreateTable` with `OpenTableFormatInput`, and returns
 * its S3 URI for the `metadata_location` parameter.
 */
export async function writeInitialIcebergMetadata(
  ctx: ServiceContext,
  location: string,
  columns: { Name: string; Type: string }[],
  formatVersion: string,
  createInput?: CreateIcebergTableInput,
): Promise<string> {
  const { bucket, prefix } = splitS3Uri(location);
  const shape = tableShape(columns, createInput);
  const requestedVersion = shape.properties['format-version'];
  // format-version is a reserved property: it becomes the metadata's version, not a property.
  delete shape.properties['format-version'];
  const metadata = {
    'format-version': Number(requestedVersion ?? formatVersion) || 2,
    'table-uuid': randomUUID(),
    location: location.replace(/\/+$/, ''),
    'last-sequence-number': 0,
    'last-updated-ms': ctx.clock.now().getTime(),
    ...shape,
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
