import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ScaledClock } from './clock';
import { FaultConfig, FaultInjector } from './faults';
import { codecs } from './protocols';
import { parseCredentialScope } from './sigv4';
import { FileBackedState } from './state';
import {
  AwsError,
  EmulatorResource,
  EmulatorSettings,
  RawHttpRequest,
  RawHttpResponse,
  ServiceContext,
  ServiceDefinition,
} from './types';

/** Options of {@link startEmulator}. @public */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 4566. */
  port?: number;
  host?: string;
  /** Where state and S3 object bodies live. Default `.aws-local/` at the repository root. */
  stateDir?: string;
  /** Delete the state directory before starting. */
  reset?: boolean;
  /** Emulator time runs this many times faster than real time (job runs, DMS tasks). */
  clockSpeed?: number;
  faults?: FaultConfig;
  /** Default `000000000000`. */
  accountId?: string;
  /** Region for requests that carry none (admin calls, unsigned requests). */
  defaultRegion?: string;
  settings?: Partial<EmulatorSettings>;
  /** The services to serve; default: all of them. */
  services?: ServiceDefinition[];
}

/** A running emulator. @public */
export interface RunningEmulator {
  url: string;
  port: number;
  /** Direct access for tests and tools in the same process. */
  emulator: Emulator;
  close(): Promise<void>;
}

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
const ADMIN_PREFIX = '/_aws-local/';

export const DEFAULT_SETTINGS: EmulatorSettings = {
  glueJobExecution: 'spark',
  glueSparkWorkers: 1,
  glueJobStartingMs: 5_000,
  glueJobRunningMs: 30_000,
  dmsTaskCreatingMs: 5_000,
  dmsTaskStartingMs: 5_000,
  dmsFullLoadMs: 30_000,
  dmsConnectTimeoutMs: 5_000,
};

/** `.aws-local/` in the repository root (the folder holding yarn.lock) at or above the cwd. */
export function defaultStateDir(): string {
  let dir = process.cwd();
  for (;;) {
    if (fs.existsSync(path.join(dir, 'yarn.lock'))) {
      return path.join(dir, '.aws-local');
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve('.aws-local');
    dir = parent;
  }
}

/** The registry of services, the state, clock and faults, and request dispatch. @public */
export class Emulator {
  readonly state: FileBackedState;
  readonly clock: ScaledClock;
  readonly faults: FaultInjector;
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly settings: EmulatorSettings;
  readonly stateDir: string;
  private readonly services = new Map<string, ServiceDefinition>();
  private readonly servicesByTarget = new Map<string, ServiceDefinition>();
  private readonly callCounts = new Map<string, number>();
  private readonly resources = new Map<string, EmulatorResource>();

  constructor(options: EmulatorOptions & { services: ServiceDefinition[] }) {
    this.stateDir = path.resolve(options.stateDir ?? defaultStateDir());
    if (options.reset) {
      fs.rmSync(this.stateDir, { recursive: true, force: true });
    }
    fs.mkdirSync(this.stateDir, { recursive: true });
    this.state = FileBackedState.open(this.stateDir);
    this.clock = new ScaledClock(options.clockSpeed ?? 1);
    this.faults = new FaultInjector(options.faults ?? {});
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.defaultRegion = options.defaultRegion ?? DEFAULT_REGION;
    this.settings = {
      ...DEFAULT_SETTINGS,
      ...options.settings,
      clockSpeed: this.clock.speed,
      stateDir: this.stateDir,
    };
    for (const service of options.services) {
      this.register(service);
    }
  }

  register(service: ServiceDefinition) {
    if (this.services.has(service.signingName)) {
      throw new Error(`Service '${service.signingName}' is registered twice`);
    }
    this.services.set(service.signingName, service);
    if (service.targetPrefix) {
      this.servicesByTarget.set(service.targetPrefix, service);
    }
  }

  serviceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  context(service: string, region: string): ServiceContext {
    return {
      region,
      service,
      accountId: this.accountId,
      state: this.state,
      clock: this.clock,
      settings: this.settings,
      invoke: (target, operation, input) =>
        this.invoke(target, operation, input, region),
      resource: (key, create) => this.resource(key, create),
    };
  }

  /** A resource of this emulator, made once and closed by {@link Emulator.close}. */
  resource<T extends EmulatorResource>(key: string, create: () => T): T {
    let resource = this.resources.get(key);
    if (!resource) {
      resource = create();
      this.resources.set(key, resource);
    }
    return resource as T;
  }

  /**
   * Calls an operation in-process, with fault injection, as an HTTP request would; the
   * output is a structured clone so that callers cannot change stored state.
   */
  async invoke(
    service: string,
    operation: string,
    input: any,
    region: string = this.defaultRegion,
  ): Promise<any> {
    const definition = this.services.get(service);
    if (!definition) {
      throw new AwsError(
        'UnknownServiceException',
        `Service '${service}' is not emulated`,
      );
    }
    const output = await this.call(definition, operation, input ?? {}, region);
    return output === undefined ? {} : structuredClone(output);
  }

  /** Runs the operation's handler after fault injection. */
  async call(
    service: ServiceDefinition,
    operation: string,
    input: any,
    region: string,
  ): Promise<any> {
    const handler = Object.prototype.hasOwnProperty.call(
      service.operations,
      operation,
    )
      ? service.operations[operation]
      : undefined;
    if (!handler) {
      throw new AwsError(
        'UnknownOperationException',
        `Operation '${operation}' is not supported by the ${service.signingName} emulator`,
      );
    }
    const outcome = await this.faults.apply(service.signingName, operation);
    if (outcome === 'throttled') {
      const { code, statusCode } = service.throttlingError ?? {
        code: 'ThrottlingException',
        statusCode: 400,
      };
      throw new AwsError(code, 'Rate exceeded', statusCode);
    }
    if (outcome === 'error') {
      const { code, statusCode } = service.internalError ?? {
        code: 'InternalFailure',
        statusCode: 500,
      };
      throw new AwsError(code, 'Injected internal failure', statusCode);
    }
    return handler(input, this.context(service.signingName, region));
  }

  /** Handles one HTTP request (admin or AWS). */
  async handle(req: RawHttpRequest): Promise<RawHttpResponse> {
    if (req.path.startsWith(ADMIN_PREFIX)) {
      return this.handleAdmin(req);
    }
    const scope = parseCredentialScope(
      headerValue(req, 'authorization'),
      req.query,
    );
    const service = scope
      ? this.services.get(scope.service)
      : this.serviceByTarget(headerValue(req, 'x-amz-target'));
    if (!service) {
      return jsonResponse(400, {
        __type: 'UnrecognizedClientException',
        message: scope
          ? `Service '${scope.service}' is not emulated`
          : 'Missing SigV4 Authorization header with a credential scope',
      });
    }
    const codec = codecs[service.protocol];
    try {
      const { operation, input } = codec.decode(service, req);
      const counter = `${service.signingName}.${operation}`;
      this.callCounts.set(counter, (this.callCounts.get(counter) ?? 0) + 1);
      const output = await this.call(
        service,
        operation,
        input,
        scope?.region ?? this.defaultRegion,
      );
      return codec.encode(service, operation, output, req);
    } catch (error) {
      const awsError =
        error instanceof AwsError
          ? error
          : new AwsError(
              service.internalError?.code ?? 'InternalFailure',
              `Internal emulator error: ${(error as Error)?.message ?? error}`,
              500,
            );
      return codec.encodeError(service, awsError, req);
    }
  }

  private serviceByTarget(target: string | undefined) {
    const prefix = target?.slice(0, target.lastIndexOf('.'));
    return prefix ? this.servicesByTarget.get(prefix) : undefined;
  }

  private async handleAdmin(req: RawHttpRequest): Promise<RawHttpResponse> {
    const route = req.path.slice(ADMIN_PREFIX.length);
    try {
      const body = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
      if (route === 'health' && req.method === 'GET') {
        return jsonResponse(200, {
          status: 'ok',
          accountId: this.accountId,
          clockSpeed: this.clock.speed,
          // Clients (the demo seed) tell real job runs from timed ones by this.
          glueJobExecution: this.settings.glueJobExecution,
          services: this.serviceNames(),
        });
      }
      if (route === 'faults') {
        if (req.method === 'POST') this.faults.set(body);
        return jsonResponse(200, { faults: this.faults.get() });
      }
      // Calls received over HTTP per `service.Operation`, for benchmarks that count AWS calls.
      if (route === 'stats') {
        const calls = Object.fromEntries([...this.callCounts].sort());
        if (req.method === 'DELETE') this.callCounts.clear();
        return jsonResponse(200, { calls });
      }
      if (route === 'reset' && req.method === 'POST') {
        this.reset();
        return jsonResponse(200, { status: 'reset' });
      }
      const slash = route.indexOf('/');
      const service = this.services.get(route.slice(0, slash));
      const handler = service?.adminRoutes?.[route.slice(slash + 1)];
      if (service && handler && req.method === 'POST') {
        const result = await handler(
          body,
          this.context(service.signingName, this.defaultRegion),
        );
        return jsonResponse(200, result ?? {});
      }
      return jsonResponse(404, {
        message: `No admin route ${req.method} ${req.path}`,
      });
    } catch (error) {
      const status = error instanceof AwsError ? error.statusCode : 400;
      return jsonResponse(status, { message: (error as Error).message });
    }
  }

  /** Forgets all state and stored objects. */
  reset() {
    this.state.clear();
    for (const entry of fs.readdirSync(this.stateDir)) {
      if (entry !== 'state') {
        fs.rmSync(path.join(this.stateDir, entry), {
          recursive: true,
          force: true,
        });
      }
    }
  }

  async close() {
    const resources = [...this.resources.values()];
    this.resources.clear();
    await Promise.all(resources.map(r => r.close()));
    this.state.close();
  }
}

function headerValue(req: RawHttpRequest, name: string) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonResponse(statusCode: number, body: unknown): RawHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** Serves an {@link Emulator} over HTTP. */
export async function serveEmulator(
  emulator: Emulator,
  { port = 4566, host = '127.0.0.1' }: { port?: number; host?: string },
): Promise<RunningEmulator> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const response = await emulator.handle({
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: await readBody(req),
      });
      res.writeHead(response.statusCode, response.headers);
      res.end(req.method === 'HEAD' ? undefined : response.body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          __type: 'InternalFailure',
          message: String((error as Error)?.message ?? error),
        }),
      );
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  emulator.settings.endpointUrl = `http://${host}:${actualPort}`;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    emulator,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      await emulator.close();
    },
  };
}
