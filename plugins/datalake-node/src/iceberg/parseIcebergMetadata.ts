/*
 * A pure parser of Iceberg table metadata files (format versions 1 to 3, as laid out in the
 * Iceberg table spec). It keeps only what the catalog pages and the freshness route need.
 */
import { CustomErrorBase } from '@backstage/errors';
import {
  IcebergPartitionField,
  IcebergSchemaField,
  IcebergSnapshot,
  IcebergTableMetadata,
} from './types';

/**
 * A metadata file that is not valid Iceberg table metadata. It is a server-side data problem,
 * not a bad request, so it answers with a 500 and names what is wrong.
 *
 * @public
 */
export class IcebergMetadataError extends CustomErrorBase {
  name = 'IcebergMetadataError' as const;
}

const SUPPORTED_FORMAT_VERSIONS = [1, 2, 3];

/** Keys whose values are Java longs that must not go through a double. */
const LONG_ID_KEYS = new Set([
  'snapshot-id',
  'parent-snapshot-id',
  'current-snapshot-id',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `JSON.parse` with the snapshot ids kept as their source text: ids are random 64-bit values
 * and a double would silently round most of them. Node 22's reviver receives the source text.
 */
function parseKeepingLongIds(text: string): unknown {
  return JSON.parse(text, function revive(
    this: unknown,
    key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (LONG_ID_KEYS.has(key) && typeof value === 'number') {
      return context?.source ?? String(value);
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

function required<T>(
  value: unknown,
  what: string,
  check: (v: unknown) => v is T,
): T {
  if (!check(value)) {
    throw new IcebergMetadataError(
      `Invalid Iceberg metadata: '${what}' is missing or malformed`,
    );
  }
  return value;
}

const isNumber = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** A snapshot id, or undefined for the `-1`/null that older writers use for "none". */
function snapshotId(value: unknown): string | undefined {
  if (typeof value === 'string' && /^-?\d+$/.test(value) && value !== '-1') {
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value !== -1) {
    return String(value);
  }
  return undefined;
}

/** Summary counters are strings in the file (`"added-records": "1200"`). */
function counter(summary: Record<string, string>, key: string) {
  const raw = summary[key];
  if (raw === undefined || !/^\d+$/.test(raw)) {
    return undefined;
  }
  return Number(raw);
}

/**
 * The rows a reader of the snapshot sees. `total-records` counts the records of the data files only;
 * a merge-on-read MERGE, UPDATE or DELETE removes rows by writing position deletes, one per row, so
 * those are taken off. Equality deletes may match any number of rows: with any, the count is not
 * known from the metadata.
 */
function liveRecords(summary: Record<string, string>) {
  const total = counter(summary, 'total-records');
  if (
    total === undefined ||
    (counter(summary, 'total-equality-deletes') ?? 0) > 0
  ) {
    return undefined;
  }
  return total - (counter(summary, 'total-position-deletes') ?? 0);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

function parseSnapshot(value: unknown, index: number): IcebergSnapshot {
  const what = `snapshots[${index}]`;
  const raw = required(value, what, isObject);
  const id = snapshotId(raw['snapshot-id']);
  if (id === undefined) {
    throw new IcebergMetadataError(
      `Invalid Iceberg metadata: '${what}.snapshot-id' is missing or malformed`,
    );
  }
  const summary = stringMap(raw.summary);
  const parent = snapshotId(raw['parent-snapshot-id']);
  const sequenceNumber = raw['sequence-number'];
  return {
    snapshotId: id,
    ...(parent !== undefined ? { parentSnapshotId: parent } : {}),
    ...(isNumber(sequenceNumber) ? { sequenceNumber } : {}),
    timestampMs: required(
      raw['timestamp-ms'],
      `${what}.timestamp-ms`,
      isNumber,
    ),
    ...(summary.operation ? { operation: summary.operation } : {}),
    addedRecords: counter(summary, 'added-records'),
    deletedRecords: counter(summary, 'deleted-records'),
    totalRecords: liveRecords(summary),
    addedDataFiles: counter(summary, 'added-data-files'),
    deletedDataFiles: counter(summary, 'deleted-data-files'),
    totalDataFiles: counter(summary, 'total-data-files'),
    addedFilesSize: counter(summary, 'added-files-size'),
    removedFilesSize: counter(summary, 'removed-files-size'),
    totalFilesSize: counter(summary, 'total-files-size'),
    summary,
  };
}

/** Nested types are objects in the file; they are shown as one readable string. */
function typeName(type: unknown): string {
  if (typeof type === 'string') {
    return type;
  }
  if (!isObject(type)) {
    return 'unknown';
  }
  switch (type.type) {
    case 'struct':
      return `struct<${(isArray(type.fields) ? type.fields : [])
        .filter(isObject)
        .map(f => `${String(f.name)}: ${typeName(f.type)}`)
        .join(', ')}>`;
    case 'list':
      return `list<${typeName(type.element)}>`;
    case 'map':
      return `map<${typeName(type.key)}, ${typeName(type.value)}>`;
    default:
      return String(type.type ?? 'unknown');
  }
}

function parseFields(schema: Json, what: string): IcebergSchemaField[] {
  return required(schema.fields, `${what}.fields`, isArray).map((f, i) => {
    const field = required(f, `${what}.fields[${i}]`, isObject);
    return {
      id: required(field.id, `${what}.fields[${i}].id`, isNumber),
      name: required(field.name, `${what}.fields[${i}].name`, isString),
      type: typeName(field.type),
      required: field.required === true,
      ...(isString(field.doc) ? { doc: field.doc } : {}),
    };
  });
}

/** v2 lists `schemas` with a `current-schema-id`; v1 has a single `schema` (and may have both). */
function currentSchema(raw: Json): {
  id?: number;
  fields: IcebergSchemaField[];
} {
  const currentId = raw['current-schema-id'];
  if (isArray(raw.schemas) && isNumber(currentId)) {
    const index = raw.schemas.findIndex(
      s => isObject(s) && s['schema-id'] === currentId,
    );
    if (index < 0) {
      throw new IcebergMetadataError(
        `Invalid Iceberg metadata: current-schema-id ${currentId} is not in 'schemas'`,
      );
    }
    return {
      id: currentId,
      fields: parseFields(raw.schemas[index] as Json, `schemas[${index}]`),
    };
  }
  const schema = required(raw.schema, 'schema', isObject);
  return {
    ...(isNumber(schema['schema-id']) ? { id: schema['schema-id'] } : {}),
    fields: parseFields(schema, 'schema'),
  };
}

/** v2 lists `partition-specs` with a `default-spec-id`; v1 has the fields as `partition-spec`. */
function defaultPartitionSpec(
  raw: Json,
  schema: IcebergSchemaField[],
): { id?: number; fields: IcebergPartitionField[] } {
  const defaultId = raw['default-spec-id'];
  let id: number | undefined;
  let fields: unknown[] = [];
  if (isArray(raw['partition-specs']) && isNumber(defaultId)) {
    const spec = raw['partition-specs'].find(
      s => isObject(s) && s['spec-id'] === defaultId,
    );
    if (!isObject(spec)) {
      throw new IcebergMetadataError(
        `Invalid Iceberg metadata: default-spec-id ${defaultId} is not in 'partition-specs'`,
      );
    }
    id = defaultId;
    fields = isArray(spec.fields) ? spec.fields : [];
  } else if (isArray(raw['partition-spec'])) {
    fields = raw['partition-spec'];
  }
  const columns = new Map(schema.map(c => [c.id, c.name]));
  return {
    ...(id !== undefined ? { id } : {}),
    fields: fields.map((f, i) => {
      const what = `partition spec field ${i}`;
      const field = required(f, what, isObject);
      const sourceId = required(
        field['source-id'],
        `${what}.source-id`,
        isNumber,
      );
      const sourceColumn = columns.get(sourceId);
      const fieldId = field['field-id'];
      return {
        sourceId,
        ...(sourceColumn !== undefined ? { sourceColumn } : {}),
        ...(isNumber(fieldId) ? { fieldId } : {}),
        transform: required(field.transform, `${what}.transform`, isString),
        name: required(field.name, `${what}.name`, isString),
      };
    }),
  };
}

/**
 * Parses the text of an Iceberg table metadata file (`metadata.json`, format versions 1 to 3)
 * into a typed summary. Snapshots come newest first.
 *
 * @throws {@link IcebergMetadataError} when the text is not valid Iceberg metadata.
 * @public
 */
export function parseIcebergMetadata(text: string): IcebergTableMetadata {
  let parsed: unknown;
  try {
    parsed = parseKeepingLongIds(text);
  } catch (e) {
    throw new IcebergMetadataError(
      'Invalid Iceberg metadata: the file is not JSON',
      e,
    );
  }
  const raw = required(parsed, 'the document', isObject);
  const formatVersion = required(
    raw['format-version'],
    'format-version',
    isNumber,
  );
  if (!SUPPORTED_FORMAT_VERSIONS.includes(formatVersion)) {
    throw new IcebergMetadataError(
      `Unsupported Iceberg format-version ${formatVersion}; supported: ${SUPPORTED_FORMAT_VERSIONS.join(
        ', ',
      )}`,
    );
  }
  const schema = currentSchema(raw);
  const spec = defaultPartitionSpec(raw, schema.fields);
  const snapshots = (isArray(raw.snapshots) ? raw.snapshots : [])
    .map(parseSnapshot)
    .sort(
      (a, b) =>
        b.timestampMs - a.timestampMs ||
        (b.sequenceNumber ?? 0) - (a.sequenceNumber ?? 0),
    );
  const currentSnapshotId = snapshotId(raw['current-snapshot-id']);
  if (
    currentSnapshotId !== undefined &&
    !snapshots.some(s => s.snapshotId === currentSnapshotId)
  ) {
    throw new IcebergMetadataError(
      `Invalid Iceberg metadata: current-snapshot-id ${currentSnapshotId} is not in 'snapshots'`,
    );
  }
  const tableUuid = raw['table-uuid'];
  return {
    formatVersion,
    ...(isString(tableUuid) ? { tableUuid } : {}),
    location: required(raw.location, 'location', isString),
    lastUpdatedMs: required(
      raw['last-updated-ms'],
      'last-updated-ms',
      isNumber,
    ),
    ...(currentSnapshotId !== undefined ? { currentSnapshotId } : {}),
    ...(schema.id !== undefined ? { currentSchemaId: schema.id } : {}),
    schema: schema.fields,
    ...(spec.id !== undefined ? { defaultSpecId: spec.id } : {}),
    partitionSpec: spec.fields,
    properties: stringMap(raw.properties),
    snapshots,
  };
}
