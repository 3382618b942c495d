export {
  DatalakeAwsClientFactory,
  DATALAKE_USER_AGENT,
  type AwsClientTarget,
} from './DatalakeAwsClientFactory';
export {
  readDatalakeAwsConfig,
  DEFAULT_DATALAKE_AWS_MAX_ATTEMPTS,
  DEFAULT_DATALAKE_AWS_REGION,
  type DatalakeAwsConfig,
} from './config';
export { toBackstageError } from './errors';
