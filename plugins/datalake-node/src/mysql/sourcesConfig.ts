import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  SOURCE_ID_PATTERN,
  SourceSummary,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlConnectionOptions } from './MysqlSession';

/**
 * How DMS runs for a source.
 *
 * @public
 */
export type MysqlSourceDmsConfig =
  | { mode: 'replication-instance'; replicationInstanceArn: string }
  | {
      mode: 'replication-instance';
      /**
       * The instance's identifier, resolved to its ARN when a task is created: an instance's ARN
       * holds a random id, so configuration that is written before the instance exists (a demo,
       * an emulator) can only name it by identifier.
       */
      replicationInstanceIdentifier: string;
    }
  | {
      mode: 'serverless';
      subnetGroupId: string;
      securityGroupIds: string[];
      maxCapacityUnits: number;
    };

/**
 * One entry of `datalake.sources`.
 *
 * @public
 */
export type MysqlSourceConfig = {
  id: string;
  title: string;
  owner: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** Only for connections from the backend itself (local development, inspection). */
  password?: string;
  /** The Secrets Manager secret DMS reads the credentials from in AWS. */
  secretArn?: string;
  /** The role DMS assumes to read `secretArn`. */
  secretsManagerAccessRoleArn?: string;
  connectTimeoutMs: number;
  dms?: MysqlSourceDmsConfig;
};

/** Source ids become parts of DMS identifiers, which allow letters, digits and hyphens. */

/** DMS serverless capacity steps. */
const DMS_CAPACITY_UNITS = [1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384];

function readDms(
  config: Config | undefined,
  id: string,
): MysqlSourceDmsConfig | undefined {
  if (!config) {
    return undefined;
  }
  const instance = config.getOptionalString('replicationInstanceArn');
  const instanceIdentifier = config.getOptionalString(
    'replicationInstanceIdentifier',
  );
  const serverless = config.getOptionalConfig('serverless');
  if ([instance, instanceIdentifier, serverless].filter(Boolean).length > 1) {
    throw new Error(
      `datalake.sources[${id}].dms: set only one of replicationInstanceArn, replicationInstanceIdentifier or serverless`,
    );
  }
  if (instance) {
    return { mode: 'replication-instance', replicationInstanceArn: instance };
  }
  if (instanceIdentifier) {
    if (!/^[a-zA-Z](?:-?[a-zA-Z0-9]){0,62}$/.test(instanceIdentifier)) {
      throw new Error(
        `datalake.sources[${id}].dms.replicationInstanceIdentifier '${instanceIdentifier}' is not a DMS identifier (a letter, then letters, digits and single hyphens, at most 63)`,
      );
    }
    return {
      mode: 'replication-instance',
      replicationInstanceIdentifier: instanceIdentifier,
    };
  }
  if (serverless) {
    const maxCapacityUnits = serverless.getNumber('maxCapacityUnits');
    if (!DMS_CAPACITY_UNITS.includes(maxCapacityUnits)) {
      throw new Error(
        `datalake.sources[${id}].dms.serverless.maxCapacityUnits must be one of ${DMS_CAPACITY_UNITS.join(
          ', ',
        )}`,
      );
    }
    return {
      mode: 'serverless',
      subnetGroupId: serverless.getString('subnetGroupId'),
      securityGroupIds: serverless.getStringArray('securityGroupIds'),
      maxCapacityUnits,
    };
  }
  throw new Error(
    `datalake.sources[${id}].dms: set replicationInstanceArn, replicationInstanceIdentifier or serverless`,
  );
}

/**
 * Reads and checks `datalake.sources`. Throws on invalid configuration so that the backend fails
 * at startup rather than at the first request.
 *
 * @public
 */
export function readMysqlSourcesConfig(config: Config): MysqlSourceConfig[] {
  const entries = config.getOptionalConfigArray('datalake.sources') ?? [];
  const seen = new Set<string>();
  return entries.map(entry => {
    const id = entry.getString('id');
    if (!SOURCE_ID_PATTERN.test(id)) {
      throw new Error(
        `datalake.sources: id '${id}' must start with a lower-case letter and hold only a-z, 0-9 and '-' (at most 40 characters)`,
      );
    }
    if (seen.has(id)) {
      throw new Error(`datalake.sources: id '${id}' appears twice`);
    }
    seen.add(id);
    return {
      id,
      title: entry.getOptionalString('title') ?? id,
      owner: entry.getString('owner'),
      host: entry.getString('host'),
      port: entry.getOptionalNumber('port') ?? 3306,
      database: entry.getString('database'),
      user: entry.getString('user'),
      password: entry.getOptionalString('password'),
      secretArn: entry.getOptionalString('secretArn'),
      secretsManagerAccessRoleArn: entry.getOptionalString(
        'secretsManagerAccessRoleArn',
      ),
      connectTimeoutMs: entry.getOptionalNumber('connectTimeoutMs') ?? 5000,
      dms: readDms(entry.getOptionalConfig('dms'), id),
    };
  });
}

/**
 * Finds a configured source by id.
 *
 * @public
 */
export function findMysqlSource(
  sources: readonly MysqlSourceConfig[],
  id: string,
): MysqlSourceConfig {
  const source = sources.find(s => s.id === id);
  if (!source) {
    throw new NotFoundError(
      `No data lake source with id '${id}' is configured`,
    );
  }
  return source;
}

/**
 * The connection the backend opens to inspect a source. Needs the password in config: the backend
 * does not read Secrets Manager.
 *
 * @public
 */
export function mysqlConnectionFor(
  source: MysqlSourceConfig,
): MysqlConnectionOptions {
  if (source.password === undefined) {
    throw new InputError(
      `Source '${source.id}' has no password in config (datalake.sources[].password); the backend cannot connect to inspect it`,
    );
  }
  return {
    host: source.host,
    port: source.port,
    user: source.user,
    password: source.password,
    database: source.database,
    connectTimeoutMs: source.connectTimeoutMs,
  };
}

/**
 * The view of a source for API responses: no credentials, and no host or port (backend-only).
 *
 * @public
 */
export function toSourceSummary(source: MysqlSourceConfig): SourceSummary {
  return {
    id: source.id,
    title: source.title,
    owner: source.owner,
    database: source.database,
    dmsMode: source.dms?.mode ?? null,
  };
}
