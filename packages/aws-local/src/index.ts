/**
 * A local emulator of the AWS services the data lake plugins use (Glue, Lake Formation,
 * Step Functions, DMS, S3, STS), speaking their real wire protocols so that the official
 * AWS SDK v3 clients work against it unchanged.
 *
 * @packageDocumentation
 */

export { startEmulator } from './start';
export {
  Emulator,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  defaultStateDir,
} from './core/emulator';
export type { EmulatorOptions, RunningEmulator } from './core/emulator';
export type { FaultConfig, FaultSpec } from './core/faults';
export { AwsError } from './core/types';
export type {
  AwsProtocol,
  Clock,
  EmulatorSettings,
  EmulatorState,
  OperationHandler,
  RawHttpRequest,
  RawHttpResponse,
  RestBinding,
  ServiceContext,
  ServiceDefinition,
  StateCollection,
} from './core/types';
export { allServices } from './services';
export { main as runCli } from './cli';
