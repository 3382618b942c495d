/*
 * A small in-memory ServiceContext for unit tests of service handlers: Map-backed collections,
 * a clock that runs 1000 times faster than real time, and an `invoke` that dispatches to the
 * service definitions the test provides.
 */
import {
  AwsError,
  EmulatorState,
  ServiceContext,
  ServiceDefinition,
  StateCollection,
} from '../../../core/types';

class MemoryCollection<T> implements StateCollection<T> {
  private readonly entries = new Map<string, T>();
  get(key: string) {
    return this.entries.get(key);
  }
  has(key: string) {
    return this.entries.has(key);
  }
  put(key: string, value: T) {
    this.entries.set(key, structuredClone(value));
  }
  delete(key: string) {
    return this.entries.delete(key);
  }
  keys() {
    return [...this.entries.keys()].sort();
  }
  values() {
    return this.keys().map(k => this.entries.get(k)!);
  }
}

export class MemoryState implements EmulatorState {
  private readonly collections = new Map<string, MemoryCollection<unknown>>();
  collection<T>(name: string): StateCollection<T> {
    if (!this.collections.has(name)) {
      this.collections.set(name, new MemoryCollection());
    }
    return this.collections.get(name) as MemoryCollection<T>;
  }
  /** A copy of everything, as a restarted emulator would load it from disk. */
  reload(): MemoryState {
    const copy = new MemoryState();
    for (const [name, collection] of this.collections) {
      for (const key of collection.keys()) {
        copy.collection(name).put(key, collection.get(key));
      }
    }
    return copy;
  }
}

export const CLOCK_SPEED = 1000;

export function memoryContext(
  services: Record<string, ServiceDefinition> = {},
  state: MemoryState = new MemoryState(),
): ServiceContext & { state: MemoryState } {
  const ctx: ServiceContext & { state: MemoryState } = {
    region: 'us-east-1',
    accountId: '123456789012',
    state,
    clock: {
      now: () => new Date(),
      sleep: ms =>
        new Promise(resolve => setTimeout(resolve, ms / CLOCK_SPEED)),
    },
    // State-machine semantics only: job runs move through their states on a timer.
    settings: {
      glueJobExecution: 'simulated',
      glueSparkWorkers: 1,
      glueJobStartingMs: 100,
      glueJobRunningMs: 200,
    },
    resource() {
      throw new Error('the in-memory context holds no emulator resources');
    },
    async invoke(service, operation, input) {
      const handler = services[service]?.operations[operation];
      if (!handler) {
        throw new AwsError(
          'UnknownOperationException',
          `${service}.${operation} is not available`,
        );
      }
      return structuredClone(await handler(structuredClone(input), ctx));
    },
  };
  return ctx;
}
