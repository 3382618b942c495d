export * from './dialect';
export * from './types';
export * from './mysqlDdl';
export * from './buildPipelineSpec';
export * from './bronzeMerge';
export * from './silverMerge';
export * from './sparkJobs';
