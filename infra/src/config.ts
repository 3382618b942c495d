/*
 * What the CDK app builds, read from the same configuration files the Backstage backend reads:
 * the `datalake` section the plugins use (buckets, layers, sources, region, role names) and an
 * infra-only `datalakeInfra` section (Lake Formation administrators, who may assume the backend
 * role, lifecycle days). Defaults mirror the plugins' own defaults, so that an unset value means
 * the same thing on both sides.
 */
import { Config } from '@backstage/config';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** @public */
export type LakeLayer = 'bronze' | 'silver' | 'gold';

/** @public */
export const LAKE_LAYERS: readonly LakeLayer[] = ['bronze', 'silver', 'gold'];

/** A configured MySQL source (`datalake.sources[]`): what its secret and databases need. @public */
export type InfraSource = {
  id: string;
  owner: string;
  host: string;
  port: number;
  database: string;
  user: string;
};

/** @public */
export type InfraLayer = {
  /** The database pattern, `{source}` replaced per source (`datalake.pipeline.layers.<l>.database`). */
  databasePattern: string;
  bucket: string;
  prefix: string;
};

/** Everything the stack is built from. @public */
export type InfraConfig = {
  stackName: string;
  /** The account to deploy to; undefined leaves the stack environment-agnostic (synth offline). */
  account?: string;
  region: string;
  landing: { bucket: string; folder: string };
  layers: Record<LakeLayer, InfraLayer>;
  scripts: { bucket: string; prefix: string };
  sources: InfraSource[];
  /** IAM role names, taken from the role ARNs in `datalake` config when present. */
  roleNames: {
    glue: string;
    stepFunctions: string;
    dmsS3: string;
    /** One role per distinct `datalake.sources[].secretsManagerAccessRoleArn` (default one). */
    dmsSecrets: string;
    backend: string;
    scheduler: string;
    lakeFormationDataAccess: string;
  };
  lakeFormation: {
    /** IAM principal ARNs that become data lake administrators (besides the deploy role). */
    admins: string[];
    readOnlyAdmins: string[];
    /** Registers the buckets in hybrid access mode (accounts migrating from IAM-only access). */
    hybridAccess: boolean;
  };
  backend: {
    /** Principal ARNs allowed to assume the backend role; empty means this account's principals. */
    trustedPrincipals: string[];
    externalId?: string;
  };
  dms: {
    /** Create the account-wide `dms-vpc-role` and `dms-cloudwatch-logs-role`; false when they exist. */
    createServiceRoles: boolean;
  };
  lifecycle: {
    landingExpirationDays: number;
    noncurrentVersionExpirationDays: number;
    accessLogExpirationDays: number;
  };
  /** Glue databases per source and layer, created by the stack. */
  databases: Array<{ name: string; layer: LakeLayer; sourceId: string }>;
};

/** The plugins' defaults (plugins/scaffolder-backend-module-datalake pipelineConfig.ts). */
const DEFAULT_BUCKETS = {
  landing: 'datalake-landing',
  bronze: 'datalake-bronze',
  silver: 'datalake-silver',
  gold: 'datalake-gold',
  scripts: 'datalake-scripts',
};

const DEFAULT_ROLE_NAMES: InfraConfig['roleNames'] = {
  glue: 'datalake-glue',
  stepFunctions: 'datalake-pipeline',
  dmsS3: 'datalake-dms-s3',
  dmsSecrets: 'datalake-dms-secrets',
  backend: 'datalake-backend',
  scheduler: 'datalake-scheduler',
  lakeFormationDataAccess: 'datalake-lakeformation-data-access',
};

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const SOURCE_ID = /^[a-z0-9][a-z0-9-]*$/;

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

function bucketName(value: string, key: string): string {
  if (!BUCKET_NAME.test(value) || value.includes('..')) {
    throw new Error(`${key} '${value}' is not a valid S3 bucket name`);
  }
  return value;
}

function roleName(config: Config, key: string, fallback: string): string {
  const arn = config.getOptionalString(key);
  if (!arn) return fallback;
  const match = ROLE_ARN.exec(arn);
  if (!match) throw new Error(`${key} is not an IAM role ARN: '${arn}'`);
  return match[1];
}

function principals(config: Config, key: string): string[] {
  const values = config.getOptionalStringArray(key) ?? [];
  for (const value of values) {
    if (!PRINCIPAL_ARN.test(value)) {
      throw new Error(`${key} holds '${value}', not an IAM role or user ARN`);
    }
  }
  return values;
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${key} must be a positive whole number of days`);
  }
  return value;
}

/** The Glue database of a layer for a source, as the actions name it (`layerDatabase`). */
export function layerDatabase(pattern: string, sourceId: string): string {
  return pattern.replace(/\{source\}/g, sourceId.replace(/-/g, '_'));
}

/**
 * Reads the infrastructure configuration from a Backstage config.
 *
 * @public
 */
export function readInfraConfig(config: Config): InfraConfig {
  const infra = config.getOptionalConfig('datalakeInfra');
  const layers = {} as Record<LakeLayer, InfraLayer>;
  for (const layer of LAKE_LAYERS) {
    const key = `datalake.pipeline.layers.${layer}`;
    layers[layer] = {
      databasePattern:
        config.getOptionalString(`${key}.database`) ?? `{source}_${layer}`,
      bucket: bucketName(
        config.getOptionalString(`${key}.bucket`) ?? DEFAULT_BUCKETS[layer],
        `${key}.bucket`,
      ),
      prefix: trimSlashes(config.getOptionalString(`${key}.prefix`) ?? ''),
    };
  }

  const sources: InfraSource[] = (
    config.getOptionalConfigArray('datalake.sources') ?? []
  ).map(source => {
    const id = source.getString('id');
    if (!SOURCE_ID.test(id)) {
      throw new Error(
        `datalake.sources id '${id}' must be lower-case letters, digits and hyphens`,
      );
    }
    return {
      id,
      owner: source.getString('owner'),
      host: source.getString('host'),
      port: source.getOptionalNumber('port') ?? 3306,
      database: source.getString('database'),
      user: source.getString('user'),
    };
  });
  const ids = sources.map(s => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`datalake.sources has '${duplicate}' twice`);

  const secretRoles = new Set(
    (config.getOptionalConfigArray('datalake.sources') ?? []).map(source =>
      roleName(
        source,
        'secretsManagerAccessRoleArn',
        DEFAULT_ROLE_NAMES.dmsSecrets,
      ),
    ),
  );
  if (secretRoles.size > 1) {
    throw new Error(
      `datalake.sources name ${secretRoles.size} different secretsManagerAccessRoleArn roles; the stack creates one, so give every source the same`,
    );
  }

  const databases: InfraConfig['databases'] = [];
  for (const layer of LAKE_LAYERS) {
    for (const source of sources) {
      const name = layerDatabase(layers[layer].databasePattern, source.id);
      if (!databases.some(d => d.name === name)) {
        databases.push({ name, layer, sourceId: source.id });
      }
    }
  }

  const names = DEFAULT_ROLE_NAMES;
  return {
    stackName: infra?.getOptionalString('stackName') ?? 'DatalakeFoundation',
    account:
      infra?.getOptionalString('account') ??
      config.getOptionalString('datalake.aws.accountId'),
    region: config.getOptionalString('datalake.aws.region') ?? 'us-east-1',
    landing: {
      bucket: bucketName(
        config.getOptionalString('datalake.dms.landing.bucketName') ??
          DEFAULT_BUCKETS.landing,
        'datalake.dms.landing.bucketName',
      ),
      folder: trimSlashes(
        config.getOptionalString('datalake.dms.landing.bucketFolder') ??
          'landing',
      ),
    },
    layers,
    scripts: {
      bucket: bucketName(
        config.getOptionalString('datalake.pipeline.scripts.bucket') ??
          DEFAULT_BUCKETS.scripts,
        'datalake.pipeline.scripts.bucket',
      ),
      prefix: trimSlashes(
        config.getOptionalString('datalake.pipeline.scripts.prefix') ?? 'jobs',
      ),
    },
    sources,
    roleNames: {
      glue: roleName(config, 'datalake.pipeline.glue.roleArn', names.glue),
      stepFunctions: roleName(
        config,
        'datalake.pipeline.stepFunctions.roleArn',
        names.stepFunctions,
      ),
      dmsS3: roleName(
        config,
        'datalake.dms.landing.serviceAccessRoleArn',
        names.dmsS3,
      ),
      dmsSecrets: [...secretRoles][0] ?? names.dmsSecrets,
      backend: infra?.getOptionalString('roleNames.backend') ?? names.backend,
      scheduler:
        infra?.getOptionalString('roleNames.scheduler') ?? names.scheduler,
      lakeFormationDataAccess:
        infra?.getOptionalString('roleNames.lakeFormationDataAccess') ??
        names.lakeFormationDataAccess,
    },
    lakeFormation: {
      admins: principals(config, 'datalakeInfra.lakeFormation.admins'),
      readOnlyAdmins: principals(
        config,
        'datalakeInfra.lakeFormation.readOnlyAdmins',
      ),
      hybridAccess:
        infra?.getOptionalBoolean('lakeFormation.hybridAccess') ?? false,
    },
    backend: {
      trustedPrincipals: principals(
        config,
        'datalakeInfra.backend.trustedPrincipals',
      ),
      externalId: infra?.getOptionalString('backend.externalId'),
    },
    dms: {
      createServiceRoles:
        infra?.getOptionalBoolean('dms.createServiceRoles') ?? true,
    },
    lifecycle: {
      landingExpirationDays: positive(
        config,
        'datalakeInfra.lifecycle.landingExpirationDays',
        90,
      ),
      noncurrentVersionExpirationDays: positive(
        config,
        'datalakeInfra.lifecycle.noncurrentVersionExpirationDays',
        30,
      ),
      accessLogExpirationDays: positive(
        config,
        'datalakeInfra.lifecycle.accessLogExpirationDays',
        365,
      ),
    },
    databases,
  };
}

/** The repository root: the nearest folder above the working directory with backstage.json. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'backstage.json'))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(
        `No backstage.json above ${start}: run inside the repository`,
      );
    }
  }
}

/** @public */
export const REPO_ROOT = findRepoRoot(process.cwd());

/** The files read when none are named: the repository's app-config.yaml and infra defaults. */
export const DEFAULT_CONFIG_FILES = ['app-config.yaml', 'infra/config.yaml'];

/**
 * Loads the named config files (relative to the repository root), merged in order like the
 * backend's `--config` arguments, with `${ENV}` substitution; unset variables drop their key.
 *
 * @public
 */
export async function loadInfraConfig(
  files: string[] = DEFAULT_CONFIG_FILES,
  env: Record<string, string | undefined> = process.env,
): Promise<InfraConfig> {
  const paths = files.map(f => (isAbsolute(f) ? f : resolve(REPO_ROOT, f)));
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`Config file ${path} not found`);
  }
  const source = ConfigSources.merge(
    paths.map(path =>
      FileConfigSource.create({
        path,
        watch: false,
        substitutionFunc: async name => env[name],
      }),
    ),
  );
  const config = await ConfigSources.toConfig(source);
  try {
    return readInfraConfig(config);
  } finally {
    config.close();
  }
}
