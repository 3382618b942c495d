/*
 * The public building blocks of the pipeline actions, for the demo seed and other callers that
 * run the actions' handlers or need the same names.
 */
export {
  pipelineActionOptions,
  type PipelineActionOptions,
} from './actionSupport';
export {
  readPipelineConfig,
  layerDatabase,
  tableLocation,
  LAKE_LAYERS,
  DEFAULT_LANDING_BUCKET,
  DEFAULT_SCRIPTS_BUCKET,
  type LakeLayer,
  type LayerLocation,
  type PipelineConfig,
} from './pipelineConfig';
export {
  resolvePipeline,
  pipelineNameOf,
  goldJobSpec,
  type GoldTableInput,
  type PartitionFieldInput,
  type PipelineInput,
  type ResolvedGoldTable,
  type ResolvedPipeline,
} from './pipelineSpecs';
export {
  pipelineTables,
  createTableInput,
  icebergProperties,
  icebergTypeToGlue,
  sparkTypeToIceberg,
  type IcebergTableDefinition,
} from './icebergTables';
export {
  pipelineJobs,
  jobDefinition,
  scriptLocation,
  icebergSparkConf,
  ICEBERG_SPARK_EXTENSIONS,
  type PipelineJob,
} from './pipelineJobs';
export { inspectionReportFromDdl } from './inspectionFromDdl';
export {
  buildPipelineDefinition,
  GLUE_SYNC_RESOURCE,
  PIPELINE_FAILED_STATE,
  type PipelineRetryPolicy,
} from '../sfn/pipelineDefinition';
export { SCHEDULE_TAG, encodeScheduleTag } from '../sfn/createPipeline';
