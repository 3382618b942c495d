/*
 * Cooperative cancellation for running executions: StopExecution cancels the root, a failing
 * Parallel branch or Map iteration cancels its siblings. Sleeps race the cancellation so that a
 * stopped execution does not linger in a long Wait.
 */
import { Clock } from '../../core/types';
import { ExecutionCancelled } from './errors';

export class Cancellation {
  private done = false;
  private readonly listeners: Array<() => void> = [];
  readonly promise: Promise<void>;

  constructor(private readonly parent?: Cancellation) {
    this.promise = new Promise(resolve => this.listeners.push(resolve));
    parent?.listeners.push(() => this.cancel());
    if (parent?.cancelled) {
      this.cancel();
    }
  }

  get cancelled(): boolean {
    return this.done || (this.parent?.cancelled ?? false);
  }

  cancel(): void {
    if (this.done) {
      return;
    }
    this.done = true;
    for (const listener of this.listeners.splice(0)) {
      listener();
    }
  }

  child(): Cancellation {
    return new Cancellation(this);
  }

  throwIfCancelled(): void {
    if (this.cancelled) {
      throw new ExecutionCancelled();
    }
  }

  /** Sleeps `ms` of emulator time, or throws ExecutionCancelled as soon as this is cancelled. */
  async sleep(clock: Clock, ms: number): Promise<void> {
    this.throwIfCancelled();
    if (ms > 0) {
      await Promise.race([clock.sleep(ms), this.promise]);
    }
    this.throwIfCancelled();
  }
}
