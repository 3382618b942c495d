export { createMysqlSourceInspectAction } from './mysql/inspectSource';
export { createDmsEndpointCreateAction } from './dms/createEndpoints';
export { createDmsTaskCreateAction } from './dms/createTask';
export { createDmsTaskStartAction } from './dms/startTask';
export type {
  DmsActionOptions,
  DmsLandingConfig,
} from './dms/dmsActionContext';
export { createIcebergTableCreateAction } from './glue/createIcebergTables';
export { createGlueJobCreateAction } from './glue/createGlueJobs';
export { createSfnPipelineCreateAction } from './sfn/createPipeline';
export { createSchedulerScheduleCreateAction } from './sfn/createSchedules';
export * from './glue/pipelineExports';
export { createIngestionPlanAction } from './pipeline/planIngestion';
export {
  createPipelineCatalogRegisterAction,
  type PipelineCatalogOptions,
} from './pipeline/registerPipelineEntities';
export { createGoldTablePlanAction } from './pipeline/planGoldTable';
export {
  INGESTION_ANNOTATION,
  type IngestionRecord,
} from './pipeline/ingestionRecord';
