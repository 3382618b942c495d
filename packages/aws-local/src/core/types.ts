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
  /**
   * Values whose key starts with `prefix`, in key order. Found by binary search over the
   * sorted keys, so a service that prefixes child keys with their parent's (e.g.
   * `database/table`) lists one parent's children without scanning the collection.
   */
  valuesWithPrefix?(prefix: string): T[];
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
  /** The service's own signing name (`glue`, `dms`…), handy for ARNs. */
  service?: string;
  accountId: string;
  state: EmulatorState;
  clock: Clock;
  /**
   * In-process call of another emulated service's operation (e.g. Step Functions → Glue), with
   * the same handlers, fault injection and errors (`AwsError`) as over HTTP. `service` is the
   * signing name. The output is a structured clone: timestamps are what the handler returns
   * (epoch seconds for JSON services, `Date` for S3), S3 bodies are `Buffer`s.
   */
  invoke(service: string, operation: string, input: any): Promise<any>;
  /** Settings of this emulator run (clock speed, job durations, faults…). */
  settings: EmulatorSettings;
  /**
   * A long-lived resource of this emulator (a pool of Spark drivers, say), made on first use and
   * closed when the emulator closes.
   */
  resource<T extends EmulatorResource>(key: string, create: () => T): T;
}

/** Something an emulator owns and closes with it. */
export interface EmulatorResource {
  close(): void | Promise<void>;
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
  /**
   * REST bindings for `rest-xml` services (S3): how a raw request maps to an operation and its
   * input, and how an output becomes a raw response. `rest-json` services without bindings
   * use `POST /OperationName` with a JSON body, as Lake Formation does.
   */
  rest?: RestBinding;
  /** The error code and status this service uses when throttling (default ThrottlingException/400). */
  throttlingError?: { code: string; statusCode: number };
  /** The error code and status of an injected internal failure (default InternalFailure/500). */
  internalError?: { code: string; statusCode: number };
  /** JSON key of the error message in this service's error bodies (Glue: `Message`). */
  errorMessageKey?: string;
  /** XML namespace of `query` protocol responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  xmlNamespace?: string;
  /**
   * Non-AWS admin routes under `/_aws-local/<signingName>/<route>` (POST with a JSON body), e.g.
   * `glue/fail-next`. They are not SigV4 and not subject to fault injection.
   */
  adminRoutes?: Record<string, OperationHandler>;
}

/** A raw HTTP request as the core received it. */
export interface RawHttpRequest {
  method: string;
  /** The decoded path, e.g. `/bucket/some/key`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP response that a REST binding builds. */
export interface RawHttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RestBinding {
  /** The operation and input of a request; `undefined` when no operation matches. */
  route(req: RawHttpRequest): { operation: string; input: any } | undefined;
  encode(operation: string, output: any): RawHttpResponse;
}

export interface EmulatorSettings {
  /**
   * How Glue job runs happen: `spark` executes the job's script on the local Spark + Iceberg
   * runtime (the default); `simulated` only moves the run through its states on a timer, for
   * tests of the control plane that need no data to move.
   */
  glueJobExecution: 'spark' | 'simulated';
  /** Warm Spark drivers, so Glue job runs executed at once (default 1). */
  glueSparkWorkers: number;
  /** Milliseconds a simulated Glue job run spends in STARTING, then RUNNING. */
  glueJobStartingMs: number;
  glueJobRunningMs: number;
  /** The emulator's own URL once it listens: the endpoint that job runs' AWS clients use. */
  endpointUrl?: string;
  /** Extra free-form settings that services read. */
  [key: string]: unknown;
}
