/*
 * `datalake.pipeline`: where the medallion pipeline's tables, scripts and jobs go, and the roles
 * Glue and Step Functions run as. Everything AWS-side comes from here, never from a template.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_LAYER_BUCKETS } from '@datalake-portal/backstage-plugin-datalake-common';

/** The three layers of the lake. @public */
export type LakeLayer = 'bronze' | 'silver' | 'gold';

/** @public */
export const LAKE_LAYERS: readonly LakeLayer[] = ['bronze', 'silver', 'gold'];

/**
 * Where one layer's tables live.
 *
 * @public
 */
export type LayerLocation = {
  /** Glue database name; `{source}` is replaced by the source id (dashes become underscores). */
  database: string;
  bucket: string;
  /** Folder in the bucket; tables go to `s3://<bucket>/<prefix>/<database>/<table>`. */
  prefix: string;
};

/**
 * The resolved `datalake.pipeline` configuration.
 *
 * @public
 */
export type PipelineConfig = {
  layers: Record<LakeLayer, LayerLocation>;
  /** Where DMS writes (`datalake.dms.landing`); a source lands below `s3://bucket/folder/<source>`. */
  landing: { bucket: string; folder: string };
  scripts: { bucket: string; prefix: string };
  table: {
    writeMode: 'merge-on-read' | 'copy-on-write';
    snapshotRetentionDays: number;
    orphanFileRetentionDays: number;
  };
  glue: {
    roleArn: string;
    workerType: string;
    numberOfWorkers: number;
    timeoutMinutes: number;
    maxConcurrentRuns: number;
    /** Iceberg catalog name inside Spark (`--catalog`). */
    catalog: string;
  };
  stepFunctions: {
    roleArn: string;
    /** Retries of a failed job run (`States.TaskFailed`); 0 turns them off. */
    taskFailedMaxAttempts: number;
  };
  /**
   * EventBridge Scheduler: the role schedules invoke their targets as, and when table maintenance
   * runs. Absent when `datalake.pipeline.scheduler` is not configured; the schedule action then
   * refuses to run.
   */
  scheduler?: {
    roleArn: string;
    /** When the maintenance jobs run, a Scheduler expression (default `cron(0 3 * * ? *)`). */
    maintenanceSchedule: string;
    /** The time zone both the pipeline and the maintenance schedules are evaluated in. */
    timezone: string;
  };
  sparkTemplatesDir: string;
};

/** @public */
export const DEFAULT_SCRIPTS_BUCKET = 'datalake-scripts';
/** @public */
export const DEFAULT_LANDING_BUCKET = 'datalake-landing';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const WORKER_TYPES = new Set([
  'G.025X',
  'G.1X',
  'G.2X',
  'G.4X',
  'G.8X',
  'Z.2X',
]);

/** The repository's `spark-templates/`, two folders above this package. */
function defaultSparkTemplatesDir(): string {
  return resolvePackagePath(
    '@datalake-portal/backstage-plugin-scaffolder-backend-module-datalake',
    '../../spark-templates',
  );
}

function roleArn(config: Config | undefined, key: string): string {
  const value = config?.getOptionalString('roleArn');
  if (!value) {
    throw new InputError(`datalake.pipeline.${key}.roleArn is not configured`);
  }
  if (!ROLE_ARN.test(value)) {
    throw new InputError(
      `datalake.pipeline.${key}.roleArn is not an IAM role ARN: '${value}'`,
    );
  }
  return value;
}

/**
 * Reads `datalake.pipeline` (and the landing bucket from `datalake.dms.landing`); undefined when
 * the section is absent, so that a portal without pipelines still starts.
 *
 * @public
 */
export function readPipelineConfig(config: Config): PipelineConfig | undefined {
  const pipeline = config.getOptionalConfig('datalake.pipeline');
  if (!pipeline) {
    return undefined;
  }
  const layer = (name: LakeLayer): LayerLocation => {
    const c = pipeline.getOptionalConfig(`layers.${name}`);
    return {
      database: c?.getOptionalString('database') ?? `{source}_${name}`,
      bucket: c?.getOptionalString('bucket') ?? DEFAULT_LAYER_BUCKETS[name],
      prefix: trimSlashes(c?.getOptionalString('prefix') ?? ''),
    };
  };
  const landing = config.getOptionalConfig('datalake.dms.landing');
  const glue = pipeline.getOptionalConfig('glue');
  const sfn = pipeline.getOptionalConfig('stepFunctions');
  const scheduler = pipeline.getOptionalConfig('scheduler');
  const writeMode =
    pipeline.getOptionalString('table.writeMode') ?? 'merge-on-read';
  if (writeMode !== 'merge-on-read' && writeMode !== 'copy-on-write') {
    throw new InputError(
      `datalake.pipeline.table.writeMode must be merge-on-read or copy-on-write, got '${writeMode}'`,
    );
  }
  const workerType = glue?.getOptionalString('workerType') ?? 'G.1X';
  if (!WORKER_TYPES.has(workerType)) {
    throw new InputError(
      `datalake.pipeline.glue.workerType '${workerType}' is not a Glue 5.0 worker type`,
    );
  }
  return {
    layers: {
      bronze: layer('bronze'),
      silver: layer('silver'),
      gold: layer('gold'),
    },
    landing: {
      bucket:
        landing?.getOptionalString('bucketName') ?? DEFAULT_LANDING_BUCKET,
      folder: trimSlashes(
        landing?.getOptionalString('bucketFolder') ?? 'landing',
      ),
    },
    scripts: {
      bucket:
        pipeline.getOptionalString('scripts.bucket') ?? DEFAULT_SCRIPTS_BUCKET,
      prefix: trimSlashes(
        pipeline.getOptionalString('scripts.prefix') ?? 'jobs',
      ),
    },
    table: {
      writeMode,
      snapshotRetentionDays:
        pipeline.getOptionalNumber('table.snapshotRetentionDays') ?? 7,
      orphanFileRetentionDays:
        pipeline.getOptionalNumber('table.orphanFileRetentionDays') ?? 3,
    },
    glue: {
      roleArn: roleArn(glue, 'glue'),
      workerType,
      numberOfWorkers: glue?.getOptionalNumber('numberOfWorkers') ?? 2,
      timeoutMinutes: glue?.getOptionalNumber('timeoutMinutes') ?? 120,
      maxConcurrentRuns: glue?.getOptionalNumber('maxConcurrentRuns') ?? 1,
      catalog: glue?.getOptionalString('catalog') ?? 'glue_catalog',
    },
    stepFunctions: {
      roleArn: roleArn(sfn, 'stepFunctions'),
      taskFailedMaxAttempts:
        sfn?.getOptionalNumber('taskFailedMaxAttempts') ?? 0,
    },
    ...(scheduler
      ? {
          scheduler: {
            roleArn: roleArn(scheduler, 'scheduler'),
            maintenanceSchedule:
              scheduler.getOptionalString('maintenanceSchedule') ??
              'cron(0 3 * * ? *)',
            timezone: scheduler.getOptionalString('timezone') ?? 'UTC',
          },
        }
      : {}),
    sparkTemplatesDir:
      pipeline.getOptionalString('sparkTemplatesDir') ??
      defaultSparkTemplatesDir(),
  };
}

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

/** The Glue database of a layer for a source. @public */
export function layerDatabase(
  config: PipelineConfig,
  layer: LakeLayer,
  sourceId: string,
) {
  return config.layers[layer].database.replace(
    /\{source\}/g,
    sourceId.replace(/-/g, '_'),
  );
}

/** The S3 location of a table. @public */
export function tableLocation(
  config: PipelineConfig,
  layer: LakeLayer,
  database: string,
  table: string,
): string {
  const { bucket, prefix } = config.layers[layer];
  return `s3://${bucket}/${prefix ? `${prefix}/` : ''}${database}/${table}`;
}

/** Requires the pipeline configuration, for actions that cannot run without it. */
export function requirePipelineConfig(
  config: PipelineConfig | undefined,
): PipelineConfig {
  if (!config) {
    throw new InputError(
      'datalake.pipeline (glue.roleArn, stepFunctions.roleArn, layer buckets) is not configured',
    );
  }
  return config;
}
