import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AwsError, ServiceContext } from '../../core/types';

export interface StoredBucket {
  Name: string;
  CreationDate: number;
  Region: string;
}

export interface StoredObject {
  Bucket: string;
  Key: string;
  Size: number;
  ETag: string;
  LastModified: number;
  ContentType: string;
  Metadata: Record<string, string>;
  /** Body file, relative to the objects folder of the state directory. */
  file: string;
}

export const buckets = (ctx: ServiceContext) =>
  ctx.state.collection<StoredBucket>('s3.buckets');
export const objects = (ctx: ServiceContext) =>
  ctx.state.collection<StoredObject>('s3.objects');
export const objectKey = (bucket: string, key: string) => `${bucket}/${key}`;

function objectsDir(ctx: ServiceContext) {
  return path.join(String(ctx.settings.stateDir), 's3-objects');
}

export function requireBucket(ctx: ServiceContext, name: unknown) {
  if (typeof name !== 'string' || !name) {
    throw new AwsError('InvalidBucketName', 'The bucket name is missing');
  }
  const bucket = buckets(ctx).get(name);
  if (!bucket) {
    throw new AwsError(
      'NoSuchBucket',
      'The specified bucket does not exist',
      404,
      { BucketName: name },
    );
  }
  return bucket;
}

export function requireObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
) {
  requireBucket(ctx, bucket);
  const object = objects(ctx).get(objectKey(bucket, key));
  if (!object) {
    throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, {
      Key: key,
    });
  }
  return object;
}

/** Writes the body atomically and returns the stored object's record. */
export async function writeObject(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  metadata: Record<string, string>,
): Promise<StoredObject> {
  const file = path.join(
    bucket,
    createHash('sha256').update(key).digest('hex'),
  );
  const target = path.join(objectsDir(ctx), file);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  await fs.promises.writeFile(temp, body);
  await fs.promises.rename(temp, target);
  const record: StoredObject = {
    Bucket: bucket,
    Key: key,
    Size: body.length,
    ETag: `"${createHash('md5').update(body).digest('hex')}"`,
    LastModified: ctx.clock.now().getTime(),
    ContentType: contentType,
    Metadata: metadata,
    file,
  };
  objects(ctx).put(objectKey(bucket, key), record);
  return record;
}

export function readObjectBody(ctx: ServiceContext, object: StoredObject) {
  return fs.promises.readFile(path.join(objectsDir(ctx), object.file));
}

export async function removeObject(ctx: ServiceContext, object: StoredObject) {
  objects(ctx).delete(objectKey(object.Bucket, object.Key));
  await fs.promises.rm(path.join(objectsDir(ctx), object.file), {
    force: true,
  });
}
