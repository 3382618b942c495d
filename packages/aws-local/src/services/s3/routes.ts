import {
  AwsError,
  RawHttpRequest,
  RawHttpResponse,
  RestBinding,
} from '../../core/types';
import { escapeXml, toXmlElements, xmlElementTexts } from '../../core/xml';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function header(req: RawHttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Bodies the SDK streams arrive `aws-chunked`: `<hex size>[;ext]\r\n<data>\r\n…0\r\n<trailers>`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(
      body.subarray(offset, lineEnd).toString('latin1').split(';')[0],
      16,
    );
    if (!(size > 0)) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function requestBody(req: RawHttpRequest): Buffer {
  const encoding = header(req, 'content-encoding') ?? '';
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  return encoding.includes('aws-chunked') || sha.startsWith('STREAMING-')
    ? decodeAwsChunked(req.body)
    : req.body;
}

function userMetadata(req: RawHttpRequest) {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
      metadata[name.slice('x-amz-meta-'.length)] = value;
    }
  }
  return metadata;
}

function route(req: RawHttpRequest) {
  const [, bucket = '', ...keyParts] = req.path.split('/');
  const key = keyParts.join('/');
  const q = req.query;
  const { method } = req;
  if (!bucket) {
    return method === 'GET'
      ? { operation: 'ListBuckets', input: {} }
      : undefined;
  }
  if (!key) {
    switch (method) {
      case 'PUT':
        return { operation: 'CreateBucket', input: { Bucket: bucket } };
      case 'HEAD':
        return { operation: 'HeadBucket', input: { Bucket: bucket } };
      case 'DELETE':
        return { operation: 'DeleteBucket', input: { Bucket: bucket } };
      case 'POST':
        if (q.has('delete')) {
          const xml = requestBody(req).toString('utf8');
          return {
            operation: 'DeleteObjects',
            input: {
              Bucket: bucket,
              Delete: {
                Objects: xmlElementTexts(xml, 'Key').map(Key => ({ Key })),
                Quiet: xmlElementTexts(xml, 'Quiet')[0] === 'true',
              },
            },
          };
        }
        return undefined;
      case 'GET':
        if (q.get('list-type') === '2') {
          return {
            operation: 'ListObjectsV2',
            input: {
              Bucket: bucket,
              Prefix: q.get('prefix') ?? undefined,
              Delimiter: q.get('delimiter') ?? undefined,
              MaxKeys: q.has('max-keys')
                ? Number(q.get('max-keys'))
                : undefined,
              ContinuationToken: q.get('continuation-token') ?? undefined,
              StartAfter: q.get('start-after') ?? undefined,
            },
          };
        }
        return undefined;
      default:
        return undefined;
    }
  }
  switch (method) {
    case 'PUT': {
      const copySource = header(req, 'x-amz-copy-source');
      if (copySource) {
        return {
          operation: 'CopyObject',
          input: {
            Bucket: bucket,
            Key: key,
            CopySource: decodeURIComponent(copySource),
            MetadataDirective: header(req, 'x-amz-metadata-directive'),
            ContentType: header(req, 'content-type'),
            Metadata: userMetadata(req),
          },
        };
      }
      return {
        operation: 'PutObject',
        input: {
          Bucket: bucket,
          Key: key,
          Body: requestBody(req),
          ContentType: header(req, 'content-type'),
          Metadata: userMetadata(req),
        },
      };
    }
    case 'GET':
      return {
        operation: 'GetObject',
        input: { Bucket: bucket, Key: key, Range: header(req, 'range') },
      };
    case 'HEAD':
      return { operation: 'HeadObject', input: { Bucket: bucket, Key: key } };
    case 'DELETE':
      return { operation: 'DeleteObject', input: { Bucket: bucket, Key: key } };
    default:
      return undefined;
  }
}

function xmlDocument(root: string, content: Record<string, unknown>) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${toXmlElements(
    content,
  )}</${root}>`;
}

function objectResponseHeaders(output: any): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': output.ContentType,
    'content-length': String(output.ContentLength),
    etag: output.ETag,
    'last-modified': (output.LastModified as Date).toUTCString(),
    'accept-ranges': 'bytes',
  };
  if (output.ContentRange) headers['content-range'] = output.ContentRange;
  for (const [name, value] of Object.entries(output.Metadata ?? {})) {
    headers[`x-amz-meta-${name}`] = String(value);
  }
  return headers;
}

function encode(operation: string, output: any): RawHttpResponse {
  const xml = (body: string, statusCode = 200): RawHttpResponse => ({
    statusCode,
    headers: { 'content-type': 'application/xml' },
    body,
  });
  switch (operation) {
    case 'ListBuckets':
      return xml(
        xmlDocument('ListAllMyBucketsResult', {
          Owner: output.Owner,
          Buckets: { Bucket: output.Buckets },
        }),
      );
    case 'CreateBucket':
      return { statusCode: 200, headers: { location: output.Location } };
    case 'HeadBucket':
      return {
        statusCode: 200,
        headers: { 'x-amz-bucket-region': output.BucketRegion },
      };
    case 'DeleteBucket':
    case 'DeleteObject':
      return { statusCode: 204 };
    case 'PutObject':
      return { statusCode: 200, headers: { etag: output.ETag } };
    case 'GetObject':
      return {
        statusCode: output.ContentRange ? 206 : 200,
        headers: objectResponseHeaders(output),
        body: output.Body,
      };
    case 'HeadObject':
      return { statusCode: 200, headers: objectResponseHeaders(output) };
    case 'CopyObject':
      return xml(
        `<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult><ETag>${escapeXml(
          output.CopyObjectResult.ETag,
        )}</ETag><LastModified>${output.CopyObjectResult.LastModified.toISOString()}</LastModified></CopyObjectResult>`,
      );
    case 'DeleteObjects':
      return xml(
        xmlDocument('DeleteResult', {
          Deleted: output.Deleted,
          Error: output.Errors,
        }),
      );
    case 'ListObjectsV2': {
      const { Contents, CommonPrefixes, ...rest } = output;
      return xml(
        xmlDocument('ListBucketResult', {
          ...rest,
          Contents,
          CommonPrefixes,
        }),
      );
    }
    default:
      throw new AwsError(
        'NotImplemented',
        `No encoder for S3 ${operation}`,
        501,
      );
  }
}

/** Path-style S3 REST-XML: `/bucket/key`. */
export const s3RestBinding: RestBinding = { route, encode };
