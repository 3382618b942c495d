/*
 * Fetches an Iceberg metadata.json from S3 through the data lake's AWS client factory and
 * parses it. AWS failures are mapped to @backstage/errors in the one shared place.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InputError } from '@backstage/errors';
import { toBackstageError } from '../aws/errors';
import {
  IcebergMetadataError,
  parseIcebergMetadata,
} from './parseIcebergMetadata';
import { IcebergTableMetadata } from './types';

/** An S3 object address. @public */
export interface S3ObjectLocation {
  bucket: string;
  key: string;
}

/**
 * Splits `s3://bucket/key` (also `s3a://` and `s3n://`, which Hadoop-based writers record)
 * into bucket and key.
 *
 * @throws InputError for anything else.
 * @public
 */
export function parseS3Location(location: string): S3ObjectLocation {
  const match = /^s3[an]?:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) {
    throw new InputError(
      `'${location}' is not an S3 object location (s3://bucket/key)`,
    );
  }
  return { bucket: match[1], key: match[2] };
}

/**
 * Metadata files grow with the number of retained snapshots; a file above this size points at
 * a table that needs `expire_snapshots`, and reading it would only hold a backend's memory.
 */
const DEFAULT_MAX_METADATA_BYTES = 64 * 1024 * 1024;

/** Reads Iceberg table metadata files from S3. @public */
export class IcebergMetadataReader {
  static create(options: {
    /** The S3 client source, normally the `DatalakeAwsClientFactory`. */
    clients: { s3(): Promise<S3Client> };
    maxMetadataBytes?: number;
  }): IcebergMetadataReader {
    return new IcebergMetadataReader(
      options.clients,
      options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
    );
  }

  private constructor(
    private readonly clients: { s3(): Promise<S3Client> },
    private readonly maxMetadataBytes: number,
  ) {}

  /** Fetches and parses the metadata file at `s3://bucket/key`. */
  async read(metadataLocation: string): Promise<IcebergTableMetadata> {
    const { bucket, key } = parseS3Location(metadataLocation);
    const text = await this.fetch(bucket, key);
    return parseIcebergMetadata(text);
  }

  private async fetch(bucket: string, key: string): Promise<string> {
    try {
      const s3 = await this.clients.s3();
      const output = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      );
      if (!output.Body) {
        throw new IcebergMetadataError(`s3://${bucket}/${key} has no content`);
      }
      if ((output.ContentLength ?? 0) > this.maxMetadataBytes) {
        throw this.tooLarge(bucket, key);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      // In Node the body is a Readable; reading it chunk by chunk enforces the size limit even
      // when the response carries no Content-Length.
      for await (const chunk of output.Body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > this.maxMetadataBytes) {
          throw this.tooLarge(bucket, key);
        }
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      throw toBackstageError(e);
    }
  }

  private tooLarge(bucket: string, key: string) {
    return new IcebergMetadataError(
      `s3://${bucket}/${key} is larger than ${this.maxMetadataBytes} bytes; expire old snapshots of the table`,
    );
  }
}
