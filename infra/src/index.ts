/**
 * The AWS CDK app that prepares an AWS account for the data lake.
 *
 * @packageDocumentation
 */
export * from './backendApiCalls';
export * from './config';
export * from './DatalakeFoundationStack';
export * from './pluginApiCalls';
export { buildApp, configFiles, main } from './app';
export type { BuildAppOptions } from './app';
