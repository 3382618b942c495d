import { Clock } from './types';

/**
 * Wall-clock time, with durations scaled by `speed`: at speed 100 a 10 s Glue job run takes
 * 100 ms of real time. Timestamps stay real so that state written at one speed reads
 * sensibly after a restart at another.
 */
export class ScaledClock implements Clock {
  constructor(readonly speed: number = 1) {
    if (!(speed > 0)) {
      throw new Error(`Clock speed must be positive, got ${speed}`);
    }
  }

  now(): Date {
    return new Date();
  }

  /** Real milliseconds that `ms` of emulator time take. */
  realMs(ms: number): number {
    return ms / this.speed;
  }

  sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      setTimeout(resolve, this.realMs(ms));
    });
  }
}
