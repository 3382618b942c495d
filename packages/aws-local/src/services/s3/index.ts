import { ServiceDefinition } from '../../core/types';
import { s3Operations } from './operations';
import { s3RestBinding } from './routes';

/** Amazon S3 buckets and objects, path-style REST-XML; bodies live on disk. @public */
export const s3Service: ServiceDefinition = {
  signingName: 's3',
  protocol: 'rest-xml',
  operations: s3Operations,
  rest: s3RestBinding,
  throttlingError: { code: 'SlowDown', statusCode: 503 },
  internalError: { code: 'InternalError', statusCode: 500 },
};
