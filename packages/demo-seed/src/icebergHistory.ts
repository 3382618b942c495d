/*
 * Commits a believable snapshot history to an Iceberg table the way an engine's Glue catalog
 * commit does: write the next `metadata.json` beside the current one, then swap the Glue table's
 * `metadata_location` (keeping `previous_metadata_location`) with an optimistic `VersionId`.
 * No data or manifest files are written: the snapshots describe commits, as the catalog shows them.
 */
import { randomUUID } from 'node:crypto';
import {
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** One commit of the history. */
export type SnapshotCommit = {
  operation: 'append' | 'overwrite' | 'delete' | 'replace';
  addedRecords: number;
  deletedRecords: number;
  addedFiles: number;
  deletedFiles: number;
  /** Milliseconds before now of the commit. */
  ageMs: number;
};

type Json = Record<string, any>;

function splitS3(uri: string) {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

/** A positive id below 2^53, so that JSON numbers keep it exactly. */
function snapshotId(): number {
  return Math.floor(Math.random() * 2 ** 52) + 1;
}

/** The metadata after applying the commits, oldest first. */
export function withSnapshots(
  metadata: Json,
  commits: SnapshotCommit[],
  now: number,
): Json {
  const snapshots: Json[] = [...(metadata.snapshots ?? [])];
  let parent: number | undefined =
    metadata['current-snapshot-id'] > 0
      ? metadata['current-snapshot-id']
      : undefined;
  let sequence: number = metadata['last-sequence-number'] ?? 0;
  let totalRecords = 0;
  let totalFiles = 0;
  const log: Json[] = [...(metadata['snapshot-log'] ?? [])];
  for (const commit of commits) {
    const id = snapshotId();
    sequence++;
    totalRecords += commit.addedRecords - commit.deletedRecords;
    totalFiles += commit.addedFiles - commit.deletedFiles;
    const timestamp = now - commit.ageMs;
    snapshots.push({
      'sequence-number': sequence,
      'snapshot-id': id,
      ...(parent ? { 'parent-snapshot-id': parent } : {}),
      'timestamp-ms': timestamp,
      'manifest-list': `${
        metadata.location
      }/metadata/snap-${id}-1-${randomUUID()}.avro`,
      'schema-id': metadata['current-schema-id'] ?? 0,
      summary: {
        operation: commit.operation,
        'added-records': String(commit.addedRecords),
        'deleted-records': String(commit.deletedRecords),
        'added-data-files': String(commit.addedFiles),
        'deleted-data-files': String(commit.deletedFiles),
        'total-records': String(totalRecords),
        'total-data-files': String(totalFiles),
      },
    });
    log.push({ 'snapshot-id': id, 'timestamp-ms': timestamp });
    parent = id;
  }
  const last = snapshots[snapshots.length - 1];
  return {
    ...metadata,
    'last-sequence-number': sequence,
    'last-updated-ms': last['timestamp-ms'],
    'current-snapshot-id': last['snapshot-id'],
    refs: { main: { 'snapshot-id': last['snapshot-id'], type: 'branch' } },
    snapshots,
    'snapshot-log': log,
  };
}

/**
 * Commits the history to one table unless it already has snapshots (so re-runs add nothing).
 * Returns the number of snapshots the table has afterwards.
 */
export async function commitHistory(
  glue: GlueClient,
  s3: S3Client,
  database: string,
  name: string,
  commits: SnapshotCommit[],
): Promise<number> {
  const { Table: table } = await glue.send(
    new GetTableCommand({ DatabaseName: database, Name: name }),
  );
  const current = table!.Parameters!.metadata_location;
  const { bucket, key } = splitS3(current);
  const body = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key }),
  );
  const metadata = JSON.parse(await body.Body!.transformToString());
  if ((metadata.snapshots ?? []).length > 0) {
    return metadata.snapshots.length;
  }
  const next = withSnapshots(metadata, commits, Date.now());
  next['metadata-log'] = [
    ...(metadata['metadata-log'] ?? []),
    { 'metadata-file': current, 'timestamp-ms': metadata['last-updated-ms'] },
  ];
  const version =
    Number(/\/(\d+)-[^/]*\.metadata\.json$/.exec(key)?.[1] ?? 0) + 1;
  const nextKey = key.replace(
    /[^/]+\.metadata\.json$/,
    `${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`,
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: nextKey,
      Body: JSON.stringify(next, null, 2),
      ContentType: 'application/json',
    }),
  );
  const {
    Name,
    Description,
    Owner,
    Retention,
    StorageDescriptor,
    PartitionKeys,
    TableType,
    Parameters,
  } = table!;
  await glue.send(
    new UpdateTableCommand({
      DatabaseName: database,
      VersionId: table!.VersionId,
      TableInput: {
        Name,
        Description,
        Owner,
        Retention,
        StorageDescriptor,
        PartitionKeys,
        TableType,
        Parameters: {
          ...Parameters,
          metadata_location: `s3://${bucket}/${nextKey}`,
          previous_metadata_location: current,
        },
      },
    }),
  );
  return next.snapshots.length;
}
