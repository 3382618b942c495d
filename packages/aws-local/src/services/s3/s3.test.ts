import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { RunningEmulator } from '../../core/emulator';
import { clientConfig, startTestEmulator } from '../../testing/testEmulator';

describe('S3 emulator', () => {
  let running: RunningEmulator;
  let s3: S3Client;

  beforeEach(async () => {
    running = await startTestEmulator();
    s3 = new S3Client(clientConfig(running));
  });

  afterEach(() => running.close());

  it('creates, heads, lists and deletes buckets', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'landing' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'scripts' }));
    await expect(
      s3.send(new CreateBucketCommand({ Bucket: 'landing' })),
    ).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
    await s3.send(new HeadBucketCommand({ Bucket: 'landing' }));
    await expect(
      s3.send(new HeadBucketCommand({ Bucket: 'nope' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map(b => b.Name)).toEqual(['landing', 'scripts']);
    expect(Buckets?.[0].CreationDate).toBeInstanceOf(Date);
    await s3.send(
      new PutObjectCommand({ Bucket: 'scripts', Key: 'a.py', Body: 'x' }),
    );
    await expect(
      s3.send(new DeleteBucketCommand({ Bucket: 'scripts' })),
    ).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    await s3.send(new DeleteBucketCommand({ Bucket: 'landing' }));
    await expect(
      s3.send(new DeleteBucketCommand({ Bucket: 'landing' })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('puts, gets (whole and ranged), heads, copies and deletes objects', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'lake',
        Key: 'bronze/orders/metadata/v1.metadata.json',
        Body: '{"format-version":2}',
        ContentType: 'application/json',
        Metadata: { writer: 'spark' },
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await s3.send(
      new GetObjectCommand({
        Bucket: 'lake',
        Key: 'bronze/orders/metadata/v1.metadata.json',
      }),
    );
    expect(await got.Body!.transformToString()).toBe('{"format-version":2}');
    expect(got).toMatchObject({
      ContentType: 'application/json',
      ContentLength: 20,
      ETag: put.ETag,
      Metadata: { writer: 'spark' },
    });
    expect(got.LastModified).toBeInstanceOf(Date);
    const ranged = await s3.send(
      new GetObjectCommand({
        Bucket: 'lake',
        Key: 'bronze/orders/metadata/v1.metadata.json',
        Range: 'bytes=1-16',
      }),
    );
    expect(await ranged.Body!.transformToString()).toBe('"format-version"');
    expect(ranged.ContentRange).toBe('bytes 1-16/20');

    const streamed = Buffer.alloc(100_000, 7);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'lake',
        Key: 'landing/big.bin',
        Body: Readable.from([streamed]),
        ContentLength: streamed.length,
      }),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'lake', Key: 'landing/big.bin' }),
    );
    expect(head.ContentLength).toBe(100_000);
    const big = await s3.send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'landing/big.bin' }),
    );
    expect(
      Buffer.from(await big.Body!.transformToByteArray()).equals(streamed),
    ).toBe(true);

    await s3.send(
      new CopyObjectCommand({
        Bucket: 'lake',
        Key: 'copy/v1.json',
        CopySource: 'lake/bronze/orders/metadata/v1.metadata.json',
      }),
    );
    const copied = await s3.send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'copy/v1.json' }),
    );
    expect(await copied.Body!.transformToString()).toBe('{"format-version":2}');

    await s3.send(
      new DeleteObjectCommand({ Bucket: 'lake', Key: 'copy/v1.json' }),
    );
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'copy/v1.json' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: 'lake', Key: 'copy/v1.json' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'missing', Key: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'missing', Key: 'x', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('lists objects v2 with prefix, delimiter and continuation tokens, and deletes in bulk', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'landing' }));
    const keys = [
      'sakila/actor/LOAD00000001.csv',
      'sakila/actor/20240101-000000000.csv',
      'sakila/film/LOAD00000001.csv',
      'sakila/film/LOAD00000002.csv',
      'sakila/readme.txt',
      'other/x.csv',
    ];
    for (const Key of keys) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'landing', Key, Body: Key }),
      );
    }
    const pages = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 2 },
      { Bucket: 'landing', Prefix: 'sakila/' },
    )) {
      pages.push(page);
    }
    expect(pages).toHaveLength(3);
    expect(pages.flatMap(p => (p.Contents ?? []).map(c => c.Key))).toEqual(
      keys.slice(0, 5).sort(),
    );
    const folders = [];
    for await (const page of paginateListObjectsV2(
      { client: s3, pageSize: 1 },
      { Bucket: 'landing', Prefix: 'sakila/', Delimiter: '/' },
    )) {
      folders.push(page);
    }
    expect(
      folders.flatMap(p => (p.CommonPrefixes ?? []).map(c => c.Prefix)),
    ).toEqual(['sakila/actor/', 'sakila/film/']);
    expect(folders.flatMap(p => (p.Contents ?? []).map(c => c.Key))).toEqual([
      'sakila/readme.txt',
    ]);
    const deleted = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'landing',
        Delete: { Objects: keys.map(Key => ({ Key })) },
      }),
    );
    expect(deleted.Deleted).toHaveLength(6);
    const empty = [];
    for await (const page of paginateListObjectsV2(
      { client: s3 },
      { Bucket: 'landing' },
    )) {
      empty.push(...(page.Contents ?? []));
    }
    expect(empty).toEqual([]);
    await expect(
      s3.send(
        new DeleteObjectsCommand({
          Bucket: 'nope',
          Delete: { Objects: [{ Key: 'a' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('slows down with SlowDown when throttled', async () => {
    running.emulator.faults.set({
      's3.*': { throttle: { rate: 0, burst: 0 } },
    });
    const client = new S3Client({ ...clientConfig(running), maxAttempts: 2 });
    await expect(client.send(new ListBucketsCommand({}))).rejects.toMatchObject(
      {
        name: 'SlowDown',
        $metadata: { httpStatusCode: 503, attempts: 2 },
      },
    );
  });
});
