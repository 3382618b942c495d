/*
 * The one place where the data lake plugins get AWS SDK clients. Credentials come from
 * `@backstage/integration-aws-node`; region, endpoint override, retries and user agent from
 * `datalake.aws`. Clients are cached per service, account and region.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AwsCredentialProvider,
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { version } from '../../package.json';
import { DatalakeAwsConfig, readDatalakeAwsConfig } from './config';
import { glueClientOptions } from './glueJsonCodec';

/** The product user agent every client sends. @public */
export const DATALAKE_USER_AGENT = `backstage-datalake/${version}`;

/** Which account and region a client is for; both default from config. @public */
export interface AwsClientTarget {
  accountId?: string;
  /** Must be one of `datalake.aws.region` / `datalake.aws.allowedRegions`. */
  region?: string;
}

/** Static credentials used only with an endpoint override and no `aws` config: the emulator accepts any. */
const EMULATOR_CREDENTIALS = {
  accessKeyId: 'datalake-local',
  secretAccessKey: 'datalake-local',
};

type AwsCredentialIdentityProvider =
  AwsCredentialProvider['sdkCredentialProvider'];

type ClientConstructor<T> = new (config: any) => T;

/** The options every client gets. @internal */
export interface CommonClientOptions {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  endpoint?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  customUserAgent: string;
}

/**
 * Creates and caches the AWS SDK clients of the data lake plugins.
 *
 * @public
 */
export class DatalakeAwsClientFactory {
  private readonly clients = new Map<string, Promise<unknown>>();

  static fromConfig(
    config: Config,
    options: { credentialsManager?: AwsCredentialsManager } = {},
  ): DatalakeAwsClientFactory {
    const awsConfig = readDatalakeAwsConfig(config);
    return new DatalakeAwsClientFactory(
      awsConfig,
      options.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(config),
    );
  }

  private constructor(
    readonly config: DatalakeAwsConfig,
    private readonly credentialsManager: AwsCredentialsManager,
  ) {}

  glue(target?: AwsClientTarget): Promise<GlueClient> {
    return this.client('glue', GlueClient, target, glueClientOptions);
  }

  lakeFormation(target?: AwsClientTarget): Promise<LakeFormationClient> {
    return this.client('lakeformation', LakeFormationClient, target);
  }

  stepFunctions(target?: AwsClientTarget): Promise<SFNClient> {
    return this.client('sfn', SFNClient, target);
  }

  /** EventBridge Scheduler, for the pipelines' and the maintenance jobs' schedules. */
  scheduler(target?: AwsClientTarget): Promise<SchedulerClient> {
    return this.client('scheduler', SchedulerClient, target);
  }

  dms(target?: AwsClientTarget): Promise<DatabaseMigrationServiceClient> {
    return this.client('dms', DatabaseMigrationServiceClient, target);
  }

  /** CloudWatch Logs, e.g. the `/aws-glue/jobs/*` log groups of job runs. */
  logs(target?: AwsClientTarget): Promise<CloudWatchLogsClient> {
    return this.client('logs', CloudWatchLogsClient, target);
  }

  s3(target?: AwsClientTarget): Promise<S3Client> {
    // Path-style addressing: emulators and LocalStack do not resolve bucket subdomains.
    return this.client('s3', S3Client, target, () =>
      this.config.endpoint ? { forcePathStyle: true } : {},
    );
  }

  sts(target?: AwsClientTarget): Promise<STSClient> {
    return this.client('sts', STSClient, target);
  }

  private resolveRegion(region: string | undefined): string {
    const resolved = region ?? this.config.region;
    if (!this.config.allowedRegions.includes(resolved)) {
      throw new InputError(
        `Region '${resolved}' is not allowed; configure it in datalake.aws.allowedRegions`,
      );
    }
    return resolved;
  }

  private async credentials(
    accountId: string | undefined,
  ): Promise<AwsCredentialIdentityProvider> {
    if (this.config.endpoint && !this.config.hasAwsCredentialsConfig) {
      return async () => EMULATOR_CREDENTIALS;
    }
    const provider = await this.credentialsManager.getCredentialProvider(
      accountId ? { accountId } : {},
    );
    return provider.sdkCredentialProvider;
  }

  private client<T>(
    service: string,
    Client: ClientConstructor<T>,
    target: AwsClientTarget = {},
    /** Options of this service's clients, on top of the common ones; called once per client. */
    extra: () => Record<string, unknown> = () => ({}),
  ): Promise<T> {
    const region = this.resolveRegion(target.region);
    const accountId = target.accountId ?? this.config.defaultAccountId;
    const key = `${service}:${accountId ?? 'default'}:${region}`;
    let client = this.clients.get(key) as Promise<T> | undefined;
    if (!client) {
      client = this.credentials(accountId).then(credentials => {
        const options: CommonClientOptions = {
          region,
          credentials,
          retryMode: 'adaptive',
          maxAttempts: this.config.maxAttempts,
          customUserAgent: DATALAKE_USER_AGENT,
          ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
        };
        return new Client({ ...options, ...extra() });
      });
      // A failed credential lookup is not cached, so that the next call tries again.
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }
}
