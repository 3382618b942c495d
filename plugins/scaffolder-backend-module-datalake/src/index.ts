/**
 * The data lake module for the scaffolder: actions that inspect MySQL sources and create their
 * DMS endpoints and tasks.
 *
 * @packageDocumentation
 */

export { scaffolderModule as default } from './module';
export * from './actions';
export { guardPipelineActions } from './guard/guardActions';
export { InspectionSeal } from './guard/inspectionSeal';
export { PipelineActionAccess } from './guard/pipelineActionAccess';
