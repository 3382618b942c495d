/*
 * Reading the `datalake.aws` configuration: region, the optional endpoint override (the local
 * emulator or LocalStack), retry attempts and the regions callers may ask for.
 */
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** The AWS settings of the data lake plugins. @public */
export interface DatalakeAwsConfig {
  /** Default region of every client. */
  region: string;
  /** Regions a caller may pick; always holds `region`. */
  allowedRegions: string[];
  /** Endpoint override for every service, e.g. `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Maximum attempts of the SDK's adaptive retry strategy. */
  maxAttempts: number;
  /** The account to use when a caller names none. */
  defaultAccountId?: string;
  /** True when the root config has an `aws` section (accounts, main account, defaults). */
  hasAwsCredentialsConfig: boolean;
}

/** @public */
export const DEFAULT_DATALAKE_AWS_REGION = 'us-east-1';
/** @public */
export const DEFAULT_DATALAKE_AWS_MAX_ATTEMPTS = 3;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Reads and validates `datalake.aws` from the root config. @public */
export function readDatalakeAwsConfig(config: Config): DatalakeAwsConfig {
  const aws = config.getOptionalConfig('datalake.aws');
  const region =
    aws?.getOptionalString('region') ?? DEFAULT_DATALAKE_AWS_REGION;
  const allowed = aws?.getOptionalStringArray('allowedRegions') ?? [];
  for (const r of [region, ...allowed]) {
    if (!REGION.test(r)) {
      throw new InputError(`datalake.aws: '${r}' is not an AWS region name`);
    }
  }
  const endpoint = aws?.getOptionalString('endpoint');
  if (endpoint !== undefined) {
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error('not http');
      }
    } catch {
      throw new InputError(
        `datalake.aws.endpoint must be an http(s) URL, got '${endpoint}'`,
      );
    }
  }
  const maxAttempts =
    aws?.getOptionalNumber('maxAttempts') ?? DEFAULT_DATALAKE_AWS_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InputError(
      `datalake.aws.maxAttempts must be a positive integer, got ${maxAttempts}`,
    );
  }
  return {
    region,
    allowedRegions: [...new Set([region, ...allowed])],
    endpoint,
    maxAttempts,
    defaultAccountId: aws?.getOptionalString('accountId'),
    hasAwsCredentialsConfig: config.has('aws'),
  };
}
