/*
 * A read-through cache of AWS answers, one entry per AWS resource, with request coalescing.
 *
 * Within one backend instance concurrent readers of a key share one in-flight promise. Across
 * instances that share a cache store (Redis), the first reader claims a short "loading" key (see
 * `cacheClaims.ts`) and the others poll for the value instead of calling AWS. A claim expires
 * after `claimTtlMs`, so a crashed loader delays the others by at most that long.
 *
 * Failures are cached too, for `errorTtlMs`, so that a throttled or failing AWS API is not hit
 * again by every waiting viewer.
 */
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { assertError, ServiceUnavailableError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { CacheClaims, CacheServiceClaims } from './cacheClaims';

type Entry<T> =
  | { ok: true; value: T; at: string }
  | { ok: false; error: { name: string; message: string }; at: string };

/** Options of {@link CoalescingCache}. @public */
export interface CoalescingCacheOptions {
  cache: CacheService;
  logger: LoggerService;
  /** How long a successful answer is kept. */
  ttlMs: number;
  /** How long a failure is kept; defaults to 5 seconds (at most `ttlMs`). */
  errorTtlMs?: number;
  /**
   * Who loads a key that several instances miss at once; defaults to claims written through
   * `cache`, which are best effort (`cacheClaimsFromConfig` picks the store's atomic claims).
   */
  claims?: CacheClaims;
  /** How long a claim to load a key lasts; defaults to 10 seconds. */
  claimTtlMs?: number;
  /** Poll interval of readers waiting for another instance; defaults to 50 ms. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Rebuilds a cached failure as an error with the original name and message. */
function toError(error: { name: string; message: string }): Error {
  const e: Error = new ServiceUnavailableError(error.message);
  Object.defineProperty(e, 'name', { value: error.name });
  return e;
}

/**
 * Read-through cache with in-process and cross-instance request coalescing.
 *
 * @public
 */
export class CoalescingCache {
  private readonly inFlight = new Map<string, Promise<Entry<unknown>>>();
  private readonly cache: CacheService;
  private readonly logger: LoggerService;
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly claims: CacheClaims;
  private readonly claimTtlMs: number;
  private readonly pollMs: number;

  constructor(options: CoalescingCacheOptions) {
    this.cache = options.cache;
    this.logger = options.logger;
    this.ttlMs = options.ttlMs;
    this.errorTtlMs = Math.min(options.errorTtlMs ?? 5_000, options.ttlMs);
    this.claims =
      options.claims ?? new CacheServiceClaims(options.cache, options.logger);
    this.claimTtlMs = options.claimTtlMs ?? 10_000;
    this.pollMs = options.pollMs ?? 50;
  }

  /**
   * The cached answer for `key`, or the result of `load` (called at most once per key across the
   * readers that coalesce). `ttlMs` overrides the default, e.g. for immutable answers.
   */
  async get<T>(
    key: string,
    load: () => Promise<T>,
    options: { ttlMs?: number } = {},
  ): Promise<T> {
    const entry = await this.entry(key, load, options.ttlMs ?? this.ttlMs);
    if (!entry.ok) {
      throw toError(entry.error);
    }
    return entry.value as T;
  }

  /** Drops the answer for `key`, after a change that makes it stale (an execution started). */
  async forget(key: string): Promise<void> {
    this.inFlight.delete(key);
    try {
      await this.cache.delete(key);
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not delete cache key ${key}: ${e.message}`);
    }
  }

  private async entry<T>(
    key: string,
    load: () => Promise<T>,
    ttlMs: number,
  ): Promise<Entry<unknown>> {
    const cached = await this.read(key);
    if (cached) {
      return cached;
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.loadShared(key, load, ttlMs).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async loadShared<T>(
    key: string,
    load: () => Promise<T>,
    ttlMs: number,
  ): Promise<Entry<unknown>> {
    const claimKey = `${key}:loading`;
    const token = randomUUID();
    const deadline = Date.now() + this.claimTtlMs;
    while (Date.now() < deadline) {
      const held = await this.claims.claim(claimKey, token, this.claimTtlMs);
      // An unusable claim store (undefined) means nobody can coordinate: load locally.
      if (held !== false) {
        try {
          // Another instance may have loaded and released between our miss and our claim.
          return (
            (await this.read(key)) ??
            (await this.loadAndStore(key, load, ttlMs))
          );
        } finally {
          if (held) {
            await this.claims.release(claimKey, token);
          }
        }
      }
      await sleep(this.pollMs);
      const loaded = await this.read(key);
      if (loaded) {
        return loaded;
      }
    }
    this.logger.warn(
      `Cache claim on ${key} was not released in ${this.claimTtlMs} ms; loading it here`,
    );
    return this.loadAndStore(key, load, ttlMs);
  }

  private async loadAndStore<T>(
    key: string,
    load: () => Promise<T>,
    ttlMs: number,
  ): Promise<Entry<unknown>> {
    let entry: Entry<unknown>;
    try {
      entry = { ok: true, value: await load(), at: new Date().toISOString() };
      await this.write(key, JSON.stringify(entry), ttlMs);
    } catch (e) {
      assertError(e);
      entry = {
        ok: false,
        error: { name: e.name, message: e.message },
        at: new Date().toISOString(),
      };
      await this.write(key, JSON.stringify(entry), this.errorTtlMs);
    }
    return entry;
  }

  private async read(key: string): Promise<Entry<unknown> | undefined> {
    const raw = await this.tryRead<string>(key);
    return raw ? (JSON.parse(raw) as Entry<unknown>) : undefined;
  }

  /** Cache store failures cost AWS calls, never answers. */
  private async tryRead<T>(key: string): Promise<T | undefined> {
    try {
      return (await this.cache.get(key)) as T | undefined;
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not read cache key ${key}: ${e.message}`);
      return undefined;
    }
  }

  private async write(key: string, value: string, ttlMs: number) {
    try {
      await this.cache.set(key, value, { ttl: ttlMs });
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not write cache key ${key}: ${e.message}`);
    }
  }
}
