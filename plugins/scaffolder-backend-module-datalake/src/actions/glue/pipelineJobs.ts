/*
 * The Glue jobs of a pipeline: which job renders which template for which table, and the job
 * definition Glue 5.0 runs it with. The Step Functions action reads the same list, so the state
 * machine starts exactly the jobs this module creates.
 */
import { CreateJobCommandInput, WorkerType } from '@aws-sdk/client-glue';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { SparkJobKind } from '@datalake-portal/backstage-plugin-datalake-node';
import { LakeLayer, PipelineConfig } from './pipelineConfig';
import { goldJobSpec, ResolvedPipeline } from './pipelineSpecs';

/**
 * One Glue job of a pipeline.
 *
 * @public
 */
export type PipelineJob = {
  name: string;
  kind: SparkJobKind;
  /** The layer the job writes; a maintenance job keeps several layers' tables. */
  layer: LakeLayer | 'maintenance';
  /** The table the job writes (gold: the gold table). */
  table: string;
  spec: PipelineSpec;
  /** The jobs of the pipeline whose tables this job reads: a silver job its bronze job, a gold job its upstream silver jobs. */
  after: string[];
};

/** @public */
export const ICEBERG_SPARK_EXTENSIONS =
  'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions';

/**
 * The jobs of a pipeline in run order: bronze per table, silver per table, gold per gold table and,
 * when asked, one maintenance job per source table. A maintenance job keeps its table's bronze and
 * silver tables and the gold tables whose first upstream table it is, so that every table of the
 * pipeline is maintained by exactly one job.
 *
 * @public
 */
export function pipelineJobs(
  pipeline: ResolvedPipeline,
  options: { maintenance?: boolean } = {},
): PipelineJob[] {
  const name = (layer: string, table: string) =>
    `${pipeline.pipelineName}-${layer}-${table}`;
  return [
    ...pipeline.specs.map(spec => ({
      name: name('bronze', spec.bronze.table),
      kind: 'landing_to_bronze' as const,
      layer: 'bronze' as const,
      table: spec.bronze.table,
      spec,
      after: [],
    })),
    ...pipeline.specs.map(spec => ({
      name: name('silver', spec.silver.table),
      kind: 'bronze_to_silver' as const,
      layer: 'silver' as const,
      table: spec.silver.table,
      spec,
      after: [name('bronze', spec.bronze.table)],
    })),
    ...pipeline.gold.map(gold => ({
      name: name('gold', gold.table),
      kind: 'silver_to_gold' as const,
      layer: 'gold' as const,
      table: gold.table,
      spec: goldJobSpec(pipeline, gold),
      // Upstream tables of other pipelines are not this execution's to wait for.
      after: pipeline.specs
        .filter(s =>
          gold.upstreamTables.includes(
            `${s.silver.database}.${s.silver.table}`,
          ),
        )
        .map(s => name('silver', s.silver.table)),
    })),
    ...(options.maintenance
      ? pipeline.specs.map(spec => ({
          name: name('maintenance', spec.bronze.table),
          kind: 'maintenance' as const,
          layer: 'maintenance' as const,
          table: spec.bronze.table,
          spec: maintenanceSpec(pipeline, spec),
          after: [],
        }))
      : []),
  ];
}

/** A source table's spec carrying the gold tables its maintenance job also keeps. */
function maintenanceSpec(
  pipeline: ResolvedPipeline,
  spec: PipelineSpec,
): PipelineSpec {
  const silver = `${spec.silver.database}.${spec.silver.table}`;
  const first = (gold: ResolvedPipeline['gold'][number]) =>
    pipeline.specs.some(
      s => `${s.silver.database}.${s.silver.table}` === gold.upstreamTables[0],
    )
      ? gold.upstreamTables[0]
      : `${pipeline.specs[0].silver.database}.${pipeline.specs[0].silver.table}`;
  return {
    ...spec,
    gold: pipeline.gold
      .filter(g => first(g) === silver)
      .map(g => ({
        table: g.table,
        database: g.database,
        location: g.location,
        sql: g.sql,
        upstream: g.upstreamTables,
      })),
  };
}

/** Where a job's script goes. @public */
export function scriptLocation(
  config: PipelineConfig,
  pipeline: ResolvedPipeline,
  job: PipelineJob,
): { bucket: string; key: string; uri: string } {
  const { bucket, prefix } = config.scripts;
  const key = `${prefix ? `${prefix}/` : ''}${pipeline.pipelineName}/${
    job.name
  }.py`;
  return { bucket, key, uri: `s3://${bucket}/${key}` };
}

/**
 * The Spark configuration that makes `<catalog>` an Iceberg catalog backed by Glue. Glue takes one
 * `--conf` argument, so the further settings are chained inside its value, as AWS documents.
 *
 * @public
 */
export function icebergSparkConf(config: PipelineConfig): string {
  const catalog = `spark.sql.catalog.${config.glue.catalog}`;
  const warehouse = `s3://${config.layers.silver.bucket}/`;
  return [
    `spark.sql.extensions=${ICEBERG_SPARK_EXTENSIONS}`,
    `${catalog}=org.apache.iceberg.spark.SparkCatalog`,
    `${catalog}.warehouse=${warehouse}`,
    `${catalog}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
    `${catalog}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
  ].join(' --conf ');
}

function jobArguments(
  job: PipelineJob,
  config: PipelineConfig,
): Record<string, string> {
  const base: Record<string, string> = {
    '--job-language': 'python',
    '--datalake-formats': 'iceberg',
    '--conf': icebergSparkConf(config),
    '--catalog': config.glue.catalog,
    '--enable-metrics': 'true',
    '--enable-continuous-cloudwatch-log': 'true',
  };
  switch (job.kind) {
    case 'landing_to_bronze':
      return {
        ...base,
        '--landing_path': job.spec.source.landingPath,
        '--clock_skew_minutes': '15',
      };
    case 'maintenance':
      return {
        ...base,
        '--snapshot_retention_days': String(config.table.snapshotRetentionDays),
        '--orphan_file_retention_days': String(
          config.table.orphanFileRetentionDays,
        ),
        '--retain_last': '10',
      };
    default:
      return base;
  }
}

/**
 * The Glue 5.0 job definition of a pipeline job: script, role, workers and arguments from config.
 *
 * @public
 */
export function jobDefinition(
  job: PipelineJob,
  config: PipelineConfig,
  pipeline: ResolvedPipeline,
): Omit<CreateJobCommandInput, 'Name' | 'Tags'> {
  return {
    Description: `${job.kind} of ${
      job.layer === 'gold' ? 'gold table' : 'table'
    } ${job.table} (data lake pipeline ${pipeline.pipelineName})`,
    Role: config.glue.roleArn,
    Command: {
      Name: 'glueetl',
      ScriptLocation: scriptLocation(config, pipeline, job).uri,
      PythonVersion: '3',
    },
    GlueVersion: '5.0',
    WorkerType: config.glue.workerType as WorkerType,
    NumberOfWorkers: config.glue.numberOfWorkers,
    Timeout: config.glue.timeoutMinutes,
    // Retries belong to the pipeline (Step Functions), where they are visible and bounded.
    MaxRetries: 0,
    ExecutionProperty: { MaxConcurrentRuns: config.glue.maxConcurrentRuns },
    DefaultArguments: jobArguments(job, config),
  };
}
