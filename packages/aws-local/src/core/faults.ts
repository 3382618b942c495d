/**
 * Fault injection for one operation, one service (`glue.*`) or everything (`*`). Keys are
 * `<signingName>.<Operation>`; the most specific key that is set wins.
 * @public
 */
export interface FaultSpec {
  /** Added latency in real milliseconds. */
  latencyMs?: number;
  /** Token bucket: `rate` requests per second refilled, up to `burst` tokens. */
  throttle?: { rate: number; burst: number };
  /** Probability (0–1) that a request fails with the service's internal error. */
  errorRate?: number;
}

/** @public */
export type FaultConfig = Record<string, FaultSpec>;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type FaultOutcome = 'ok' | 'throttled' | 'error';

export class FaultInjector {
  private config: FaultConfig = {};
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    config: FaultConfig = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(config);
  }

  /** Replaces the whole configuration (and refills every bucket). */
  set(config: FaultConfig) {
    validateFaultConfig(config);
    this.config = { ...config };
    this.buckets.clear();
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  private specFor(service: string, operation: string) {
    const exact = `${service}.${operation}`;
    if (this.config[exact]) return { key: exact, spec: this.config[exact] };
    const wildcard = `${service}.*`;
    if (this.config[wildcard]) {
      return { key: wildcard, spec: this.config[wildcard] };
    }
    if (this.config['*']) return { key: '*', spec: this.config['*'] };
    return undefined;
  }

  /** Waits for any injected latency, then says whether the request goes through. */
  async apply(service: string, operation: string): Promise<FaultOutcome> {
    const found = this.specFor(service, operation);
    if (!found) return 'ok';
    const { key, spec } = found;
    if (spec.latencyMs) {
      await new Promise(resolve => setTimeout(resolve, spec.latencyMs));
    }
    if (spec.throttle && !this.take(key, spec.throttle)) {
      return 'throttled';
    }
    if (spec.errorRate && this.random() < spec.errorRate) {
      return 'error';
    }
    return 'ok';
  }

  private take(key: string, { rate, burst }: { rate: number; burst: number }) {
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function validateFaultConfig(config: unknown): asserts config is FaultConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new TypeError(
      'Fault config must be an object keyed by service.Operation',
    );
  }
  for (const [key, spec] of Object.entries(config)) {
    if (typeof spec !== 'object' || spec === null) {
      throw new TypeError(`Fault '${key}' must be an object`);
    }
    const { latencyMs, throttle, errorRate } = spec as FaultSpec;
    if (latencyMs !== undefined && !(latencyMs >= 0)) {
      throw new TypeError(`Fault '${key}': latencyMs must be >= 0`);
    }
    if (errorRate !== undefined && !(errorRate >= 0 && errorRate <= 1)) {
      throw new TypeError(`Fault '${key}': errorRate must be between 0 and 1`);
    }
    if (
      throttle !== undefined &&
      !(throttle.rate >= 0 && throttle.burst >= 0)
    ) {
      throw new TypeError(
        `Fault '${key}': throttle needs a rate >= 0 and a burst >= 0`,
      );
    }
  }
}
