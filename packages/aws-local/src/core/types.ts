/*
 * The contract between the emulator's HTTP core and the service implementations.
 * The core decodes a request (by SigV4 signing name and protocol), finds the service and
 * operation, and calls the handler with the decoded input; the handler returns the output
 * shape (or throws an AwsError), and the core encodes it in that service's protocol.
 */

/** The wire protocol of a service, as the AWS SDK speaks it. */
export type AwsProtocol = 'json' | 'rest-json' | 'rest-xml' | 'query';

/** An AWS error as the SDK expects to parse it: its name (code), HTTP status and message. */
export class AwsError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly extra?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    statusCode = 400,
    extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusCode = statusCode;
    this.extra = extra;
  }
}

/** A durable, JSON-serialisable keyed store; the core persists it on disk. */
export interface StateCollection<T> {
  get(key: string): T | undefined;
  has(key: string): boolean;
  put(key: string, value: T): void;
  delete(key: string): boolean;
  /** Values in key order, so that pagination is stable. */
  values(): T[];
  keys(): string[];
}

export interface EmulatorState {
  /** One named collection per resource kind, e.g. `glue.tables`. */
  collection<T>(name: string): StateCollection<T>;
}

/** The emulator's notion of time, so that tests and benchmarks can drive state machines. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of emulator time (scaled by the configured clock speed). */
  sleep(ms: number): Promise<void>;
}

export interface ServiceContext {
  region: string;
  accountId: string;
  state: EmulatorState;
  clock: Clock;
  /** In-process call of another emulated service's operation (e.g. Step Functions → Glue). */
  invoke(service: string, operation: string, input: any): Promise<any>;
  /** Settings of this emulator run (clock speed, job durations, faults…). */
  settings: EmulatorSettings;
}

export type OperationHandler = (
  input: any,
  ctx: ServiceContext,
) => Promise<any> | any;

export interface ServiceDefinition {
  /** The SigV4 signing name: glue, lakeformation, states, dms, s3, sts. */
  signingName: string;
  protocol: AwsProtocol;
  /** JSON 1.1 target prefix, e.g. `AWSGlue` for `X-Amz-Target: AWSGlue.GetTables`. */
  targetPrefix?: string;
  operations: Record<string, OperationHandler>;
}

export interface EmulatorSettings {
  /** Milliseconds a Glue job run spends in STARTING, then RUNNING. */
  glueJobStartingMs: number;
  glueJobRunningMs: number;
  /** Extra free-form settings that services read. */
  [key: string]: unknown;
}
