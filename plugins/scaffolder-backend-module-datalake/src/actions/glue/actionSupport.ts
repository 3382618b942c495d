import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Config } from '@backstage/config';
import {
  DatalakeAwsClientFactory,
  toBackstageError,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { PipelineConfig, readPipelineConfig } from './pipelineConfig';

/**
 * What the pipeline actions need: the `datalake.pipeline` config and AWS clients from the access
 * layer (`DatalakeAwsClientFactory`).
 *
 * @public
 */
export type PipelineActionOptions = {
  pipeline?: PipelineConfig;
  aws: {
    glue(): Promise<GlueClient>;
    s3(): Promise<S3Client>;
    stepFunctions(): Promise<SFNClient>;
    sts(): Promise<STSClient>;
    /** Needed only by the schedule action. */
    scheduler?(): Promise<SchedulerClient>;
  };
};

/** Runs an AWS call and maps its failure to `@backstage/errors`. */
export async function callAws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBackstageError(error);
  }
}

/** Runs an AWS read; a missing resource gives `undefined` instead of an error. */
export async function findAws<T>(
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await callAws(call);
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') {
      return undefined;
    }
    throw error;
  }
}

/** JSON with object keys sorted, so that AWS's field order does not count as a difference. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** The names of the fields whose values differ (compared as canonical JSON). */
export function differingFields(
  wanted: Record<string, unknown>,
  actual: Record<string, unknown>,
): string[] {
  return Object.keys(wanted).filter(
    key => canonicalJson(wanted[key]) !== canonicalJson(actual[key]),
  );
}

/** The account the clients act in, for the ARNs the outputs report. */
export async function accountIdOf(
  options: PipelineActionOptions,
): Promise<string> {
  const sts = await options.aws.sts();
  const identity = await callAws(() =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  return identity.Account!;
}

/**
 * The options of the pipeline actions from the root config and the access layer's factory.
 *
 * @public
 */
export function pipelineActionOptions(
  config: Config,
  clients: DatalakeAwsClientFactory,
): PipelineActionOptions {
  return {
    pipeline: readPipelineConfig(config),
    aws: {
      glue: () => clients.glue(),
      s3: () => clients.s3(),
      stepFunctions: () => clients.stepFunctions(),
      sts: () => clients.sts(),
      scheduler: () => clients.scheduler(),
    },
  };
}
