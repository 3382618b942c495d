import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  MysqlSourceConfig,
  MysqlSourceDmsConfig,
  toBackstageError,
} from '@datalake-portal/backstage-plugin-datalake-node';

/**
 * Where DMS writes the landing files: `datalake.dms.landing`.
 *
 * @public
 */
export type DmsLandingConfig = {
  bucketName: string;
  /** Prefix in the bucket; each source writes below `<bucketFolder>/<source id>/`. */
  bucketFolder: string;
  /** The role DMS assumes to write to the bucket. */
  serviceAccessRoleArn: string;
};

/**
 * What the DMS actions need, resolved once from config by the module.
 *
 * @public
 */
export type DmsActionOptions = {
  sources: readonly MysqlSourceConfig[];
  landing?: DmsLandingConfig;
  dmsClient: () => Promise<DatabaseMigrationServiceClient>;
};

/** Reads `datalake.dms.landing`; absent when the portal does not create DMS resources. */
export function readDmsLandingConfig(
  config: Config,
): DmsLandingConfig | undefined {
  const landing = config.getOptionalConfig('datalake.dms.landing');
  if (!landing) {
    return undefined;
  }
  return {
    bucketName: landing.getString('bucketName'),
    bucketFolder: (
      landing.getOptionalString('bucketFolder') ?? 'landing'
    ).replace(/^\/+|\/+$/g, ''),
    serviceAccessRoleArn: landing.getString('serviceAccessRoleArn'),
  };
}

/** Template input for a name: starts with a letter, lower-case letters, digits and single hyphens. */
export const DMS_NAME_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;

/**
 * The DMS identifiers of a source's resources. They are derived, never taken from a template, so
 * that a retried task finds what the first attempt created.
 */
export function dmsNames(sourceId: string, taskName?: string) {
  return {
    sourceEndpoint: `dl-${sourceId}-mysql`,
    targetEndpoint: `dl-${sourceId}-landing`,
    task: taskName ? `dl-${sourceId}-${taskName}` : undefined,
  };
}

/** Runs an AWS call and maps its failure to `@backstage/errors`. */
export async function aws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBackstageError(error);
  }
}

/** The names of the fields whose values differ (compared as JSON). */
export function differingFields(
  wanted: Record<string, unknown>,
  actual: Record<string, unknown>,
): string[] {
  return Object.keys(wanted).filter(
    key => JSON.stringify(wanted[key]) !== JSON.stringify(actual[key]),
  );
}

export function conflict(
  kind: string,
  id: string,
  fields: string[],
): ConflictError {
  return new ConflictError(
    `DMS ${kind} '${id}' already exists with a different ${fields.join(
      ', ',
    )}; delete it or choose another name (nothing was changed)`,
  );
}

export function requireLanding(options: DmsActionOptions): DmsLandingConfig {
  if (!options.landing) {
    throw new InputError(
      'datalake.dms.landing (bucketName, serviceAccessRoleArn) is not configured',
    );
  }
  return options.landing;
}

/**
 * The ARN of the source's replication instance: configured, or looked up by identifier (an
 * instance's ARN holds a random id, so demo and emulator configuration can only name it).
 */
export async function replicationInstanceArnOf(
  dms: DatabaseMigrationServiceClient,
  config: Extract<MysqlSourceDmsConfig, { mode: 'replication-instance' }>,
): Promise<string> {
  if ('replicationInstanceArn' in config) {
    return config.replicationInstanceArn;
  }
  const id = config.replicationInstanceIdentifier;
  const result = await aws(() =>
    dms.send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: 'replication-instance-id', Values: [id] }],
      }),
    ),
  ).catch(error => {
    if (error.name === 'NotFoundError') return { ReplicationInstances: [] };
    throw error;
  });
  const arn = result.ReplicationInstances?.[0]?.ReplicationInstanceArn;
  if (!arn) {
    throw new NotFoundError(
      `DMS replication instance '${id}' (datalake.sources[].dms.replicationInstanceIdentifier) does not exist`,
    );
  }
  return arn;
}
