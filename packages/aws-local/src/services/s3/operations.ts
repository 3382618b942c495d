import { valuesWithPrefix } from '../../core/state';
import { AwsError, ServiceContext } from '../../core/types';
import {
  buckets,
  objectKey,
  objects,
  readObjectBody,
  removeObject,
  requireBucket,
  requireObject,
  StoredObject,
  writeObject,
} from './store';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new AwsError('InvalidArgument', 'Body must be bytes or a string');
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against an object of `size` bytes. */
function parseRange(range: string, size: number) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new AwsError(
      'InvalidRange',
      'The requested range is not satisfiable',
      416,
      { RangeRequested: range, ActualObjectSize: size },
    );
  }
  return { start, end };
}

function objectHeaders(object: StoredObject) {
  return {
    ContentType: object.ContentType,
    ETag: object.ETag,
    LastModified: new Date(object.LastModified),
    Metadata: object.Metadata,
  };
}

interface ListEntry {
  kind: 'object' | 'prefix';
  value: string;
}

function listToken(entry: ListEntry) {
  return Buffer.from(JSON.stringify(entry)).toString('base64url');
}

function parseListToken(token: string): ListEntry {
  try {
    const entry = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof entry.value === 'string') return entry;
  } catch {
    // reported below
  }
  throw new AwsError(
    'InvalidArgument',
    'The continuation token provided is incorrect',
  );
}

export const s3Operations = {
  CreateBucket(input: any, ctx: ServiceContext) {
    const name = input.Bucket;
    if (typeof name !== 'string' || !BUCKET_NAME.test(name)) {
      throw new AwsError(
        'InvalidBucketName',
        'The specified bucket is not valid.',
        400,
        { BucketName: name },
      );
    }
    if (buckets(ctx).has(name)) {
      throw new AwsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: name },
      );
    }
    buckets(ctx).put(name, {
      Name: name,
      CreationDate: ctx.clock.now().getTime(),
      Region: ctx.region,
    });
    return { Location: `/${name}` };
  },

  HeadBucket(input: any, ctx: ServiceContext) {
    const bucket = requireBucket(ctx, input.Bucket);
    return { BucketRegion: bucket.Region };
  },

  ListBuckets(_input: any, ctx: ServiceContext) {
    return {
      Buckets: buckets(ctx)
        .values()
        .map(b => ({ Name: b.Name, CreationDate: new Date(b.CreationDate) })),
      Owner: { ID: ctx.accountId, DisplayName: 'aws-local' },
    };
  },

  DeleteBucket(input: any, ctx: ServiceContext) {
    const bucket = requireBucket(ctx, input.Bucket);
    if (valuesWithPrefix(objects(ctx), `${bucket.Name}/`).length > 0) {
      throw new AwsError(
        'BucketNotEmpty',
        'The bucket you tried to delete is not empty',
        409,
        { BucketName: bucket.Name },
      );
    }
    buckets(ctx).delete(bucket.Name);
    return {};
  },

  async PutObject(input: any, ctx: ServiceContext) {
    requireBucket(ctx, input.Bucket);
    const key = requireKey(input);
    const object = await writeObject(
      ctx,
      input.Bucket,
      key,
      toBuffer(input.Body),
      input.ContentType ?? 'application/octet-stream',
      input.Metadata ?? {},
    );
    return { ETag: object.ETag };
  },

  async GetObject(input: any, ctx: ServiceContext) {
    const object = requireObject(ctx, input.Bucket, requireKey(input));
    const body = await readObjectBody(ctx, object);
    const range = input.Range
      ? parseRange(input.Range, body.length)
      : undefined;
    if (range) {
      return {
        ...objectHeaders(object),
        Body: body.subarray(range.start, range.end + 1),
        ContentLength: range.end - range.start + 1,
        ContentRange: `bytes ${range.start}-${range.end}/${body.length}`,
      };
    }
    return { ...objectHeaders(object), Body: body, ContentLength: body.length };
  },

  HeadObject(input: any, ctx: ServiceContext) {
    const object = requireObject(ctx, input.Bucket, requireKey(input));
    return { ...objectHeaders(object), ContentLength: object.Size };
  },

  async DeleteObject(input: any, ctx: ServiceContext) {
    requireBucket(ctx, input.Bucket);
    const object = objects(ctx).get(objectKey(input.Bucket, requireKey(input)));
    if (object) await removeObject(ctx, object);
    return {};
  },

  async DeleteObjects(input: any, ctx: ServiceContext) {
    requireBucket(ctx, input.Bucket);
    const deleted = [];
    for (const { Key } of input.Delete?.Objects ?? []) {
      const object = objects(ctx).get(objectKey(input.Bucket, Key));
      if (object) await removeObject(ctx, object);
      deleted.push({ Key });
    }
    return { Deleted: input.Delete?.Quiet ? [] : deleted, Errors: [] };
  },

  async CopyObject(input: any, ctx: ServiceContext) {
    requireBucket(ctx, input.Bucket);
    const source = String(input.CopySource ?? '').replace(/^\//, '');
    const slash = source.indexOf('/');
    if (slash <= 0) {
      throw new AwsError('InvalidArgument', 'Invalid copy source');
    }
    const sourceObject = requireObject(
      ctx,
      source.slice(0, slash),
      source.slice(slash + 1).split('?')[0],
    );
    const body = await readObjectBody(ctx, sourceObject);
    const replace = input.MetadataDirective === 'REPLACE';
    const object = await writeObject(
      ctx,
      input.Bucket,
      requireKey(input),
      body,
      replace && input.ContentType
        ? input.ContentType
        : sourceObject.ContentType,
      replace ? input.Metadata ?? {} : sourceObject.Metadata,
    );
    return {
      CopyObjectResult: {
        ETag: object.ETag,
        LastModified: new Date(object.LastModified),
      },
    };
  },

  ListObjectsV2(input: any, ctx: ServiceContext) {
    const bucket = requireBucket(ctx, input.Bucket);
    const prefix: string = input.Prefix ?? '';
    const delimiter: string = input.Delimiter ?? '';
    const maxKeys = Math.min(
      1000,
      Math.max(0, input.MaxKeys === undefined ? 1000 : Number(input.MaxKeys)),
    );
    let after: ListEntry | undefined;
    if (input.ContinuationToken) {
      after = parseListToken(input.ContinuationToken);
    } else if (input.StartAfter) {
      after = { kind: 'object', value: String(input.StartAfter) };
    }
    const contents: StoredObject[] = [];
    const commonPrefixes: string[] = [];
    let last: ListEntry | undefined;
    let truncated = false;
    for (const object of valuesWithPrefix(
      objects(ctx),
      `${bucket.Name}/${prefix}`,
    )) {
      const key = object.Key;
      if (after) {
        if (after.kind === 'prefix' && key.startsWith(after.value)) continue;
        if (key <= after.value) continue;
      }
      let entry: ListEntry = { kind: 'object', value: key };
      if (delimiter) {
        const index = key.indexOf(delimiter, prefix.length);
        if (index >= 0) {
          const commonPrefix = key.slice(0, index + delimiter.length);
          if (last?.kind === 'prefix' && last.value === commonPrefix) continue;
          entry = { kind: 'prefix', value: commonPrefix };
        }
      }
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (entry.kind === 'prefix') commonPrefixes.push(entry.value);
      else contents.push(object);
      last = entry;
    }
    return {
      Name: bucket.Name,
      Prefix: prefix,
      Delimiter: delimiter || undefined,
      MaxKeys: maxKeys,
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: truncated,
      ContinuationToken: input.ContinuationToken,
      NextContinuationToken: truncated && last ? listToken(last) : undefined,
      StartAfter: input.StartAfter,
      Contents: contents.map(object => ({
        Key: object.Key,
        LastModified: new Date(object.LastModified),
        ETag: object.ETag,
        Size: object.Size,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: commonPrefixes.map(p => ({ Prefix: p })),
    };
  },
};

function requireKey(input: any): string {
  if (typeof input.Key !== 'string' || input.Key.length === 0) {
    throw new AwsError('InvalidArgument', 'The object key is missing');
  }
  return input.Key;
}
