import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import {
  GetObjectCommand,
  GetObjectCommandOutput,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConfigReader } from '@backstage/config';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { DatalakeAwsClientFactory } from '../aws/DatalakeAwsClientFactory';
import {
  IcebergMetadataReader,
  parseS3Location,
} from './IcebergMetadataReader';
import { IcebergMetadataError } from './parseIcebergMetadata';
import { latestDataChange } from './snapshots';

const METADATA_LOCATION =
  's3://datalake-silver-000000000000/sakila_silver/rental/metadata/00002-1b2c3d4e-5f60-4718-9a0b-c1d2e3f4a5b6.metadata.json';

const text = fs.readFileSync(
  path.resolve(
    __dirname,
    '__fixtures__',
    'v2-merge-then-compaction.metadata.json',
  ),
  'utf8',
);

/** The Node body of a GetObject answer: a byte stream, here in chunks of 1 KiB. */
function body(content: string): GetObjectCommandOutput['Body'] {
  const bytes = Buffer.from(content, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1024) {
    chunks.push(bytes.subarray(i, i + 1024));
  }
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

function awsError(name: string, status: number) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('parseS3Location', () => {
  it.each([
    ['s3://bucket/a/b.json', { bucket: 'bucket', key: 'a/b.json' }],
    ['s3a://bucket/k', { bucket: 'bucket', key: 'k' }],
    ['s3n://bucket/k', { bucket: 'bucket', key: 'k' }],
  ])('splits %s', (location, expected) => {
    expect(parseS3Location(location)).toEqual(expected);
  });

  it.each(['https://bucket/k', 's3://bucket', 's3://bucket/', '/tmp/x.json'])(
    'rejects %s',
    location => {
      expect(() => parseS3Location(location)).toThrow(InputError);
    },
  );
});

describe('IcebergMetadataReader', () => {
  const s3Mock = mockClient(S3Client);
  const clients = DatalakeAwsClientFactory.fromConfig(
    new ConfigReader({
      datalake: { aws: { endpoint: 'http://127.0.0.1:4566' } },
    }),
  );

  afterEach(() => s3Mock.reset());
  afterAll(() => s3Mock.restore());

  it('gets the metadata file from S3 and parses it', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      Body: body(text),
      ContentLength: Buffer.byteLength(text),
    });
    const reader = IcebergMetadataReader.create({ clients });
    const metadata = await reader.read(METADATA_LOCATION);

    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'datalake-silver-000000000000',
      Key: 'sakila_silver/rental/metadata/00002-1b2c3d4e-5f60-4718-9a0b-c1d2e3f4a5b6.metadata.json',
    });
    expect(metadata.currentSnapshotId).toBe('8739211356214398652');
    expect(latestDataChange(metadata)?.snapshotId).toBe('5278335247536493871');
  });

  it('refuses a location that is not in S3 without calling AWS', async () => {
    const reader = IcebergMetadataReader.create({ clients });
    await expect(reader.read('file:///etc/passwd')).rejects.toThrow(InputError);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it.each([
    [
      new NoSuchKey({
        message: 'The specified key does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
      NotFoundError,
    ],
    [awsError('AccessDenied', 403), NotAllowedError],
    [awsError('SlowDown', 503), ServiceUnavailableError],
  ])('maps S3 errors (%#)', async (error, expected) => {
    s3Mock.on(GetObjectCommand).rejects(error);
    const reader = IcebergMetadataReader.create({ clients });
    const failure = await reader.read(METADATA_LOCATION).catch(e => e);
    expect(failure).toBeInstanceOf(expected);
    expect(failure.message).toContain(error.name);
  });

  it('refuses a file larger than the limit, by Content-Length or by the bytes read', async () => {
    const reader = IcebergMetadataReader.create({
      clients,
      maxMetadataBytes: 4096,
    });
    s3Mock
      .on(GetObjectCommand)
      .resolvesOnce({ Body: body(text), ContentLength: text.length })
      .resolvesOnce({ Body: body(text) });
    await expect(reader.read(METADATA_LOCATION)).rejects.toThrow(
      /larger than 4096 bytes/,
    );
    await expect(reader.read(METADATA_LOCATION)).rejects.toThrow(
      IcebergMetadataError,
    );
  });

  it('reports an object that is not Iceberg metadata', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body('<html>') });
    const reader = IcebergMetadataReader.create({ clients });
    await expect(reader.read(METADATA_LOCATION)).rejects.toThrow(
      'Invalid Iceberg metadata: the file is not JSON',
    );
  });
});
