/*
 * Who loads a cache key when several backend instances miss it at the same moment.
 *
 * Backstage's CacheService has no set-if-absent, so a claim written through it and read back
 * after a short delay is a race: an instance whose event loop stalls longer than the delay
 * writes its claim after the first loader checked its own, and both call AWS. Where the cache
 * store is Redis (or Valkey, which speaks its protocol), the claim is one atomic
 * `SET key token NX PX ttl`, so exactly one instance holds it
 * (https://redis.io/docs/latest/commands/set/), and it is released only by its holder.
 * The in-memory store is private to one instance, where the in-process coalescing is already
 * single-flight, so nothing needs claiming. Other stores keep the write-and-read-back claim,
 * which is best effort.
 */
import {
  CacheService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { createClient } from '@redis/client';

/**
 * A claim to load one cache key, shared by the backend instances that share a cache store.
 *
 * @public
 */
export interface CacheClaims {
  /**
   * Tries to claim `key` for `ttlMs`: true when the caller holds it, false when another holder
   * does, undefined when the store cannot coordinate (the caller then loads by itself).
   */
  claim(
    key: string,
    token: string,
    ttlMs: number,
  ): Promise<boolean | undefined>;
  /** Gives up a claim the caller holds; a claim held by another token is left alone. */
  release(key: string, token: string): Promise<void>;
  /** Closes what the claims hold open (a Redis connection). */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** One instance, in-memory store: the in-process coalescing already lets one reader load. */
class InstanceClaims implements CacheClaims {
  async claim() {
    return true;
  }
  async release() {}
  async close() {}
}

/** Claims written through the CacheService and read back: best effort, see the file comment. */
export class CacheServiceClaims implements CacheClaims {
  constructor(
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
    private readonly settleMs = 30,
  ) {}

  async claim(key: string, token: string, ttlMs: number) {
    try {
      if (await this.cache.get(key)) {
        return false;
      }
      await this.cache.set(key, token, { ttl: ttlMs });
      await sleep(this.settleMs);
      return (await this.cache.get(key)) === token;
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not claim cache key ${key}: ${e.message}`);
      return undefined;
    }
  }

  async release(key: string, token: string) {
    try {
      if ((await this.cache.get(key)) === token) {
        await this.cache.delete(key);
      }
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not release cache key ${key}: ${e.message}`);
    }
  }

  async close() {}
}

// Deletes the key only while it still holds the caller's token, in one step on the server, so a
// holder whose claim expired cannot delete the claim of the instance that took over.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Atomic claims on the Redis or Valkey server that holds the cache. */
class RedisClaims implements CacheClaims {
  private client?: Promise<ReturnType<typeof createClient>>;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly logger: LoggerService,
  ) {}

  /**
   * The connection, opened on first use and again after it was lost. A claim must never wait
   * on a Redis that is down (the caller then loads by itself), so commands fail at once while
   * disconnected instead of queueing, and connecting gives up after a few tries.
   */
  private async connect() {
    const current = await this.client?.catch(() => undefined);
    if (current?.isReady) {
      return current;
    }
    const client = createClient({
      url: this.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2_000,
        reconnectStrategy: retries =>
          retries >= 3
            ? new Error('Redis unreachable')
            : Math.min(100 * (retries + 1), 500),
      },
    });
    // Errors surface on the commands; the listener keeps them from being unhandled.
    client.on('error', () => {});
    this.client = client.connect().then(() => client);
    void current?.disconnect().catch(() => {});
    return this.client;
  }

  async claim(key: string, token: string, ttlMs: number) {
    try {
      const client = await this.connect();
      const reply = await client.set(`${this.prefix}${key}`, token, {
        NX: true,
        PX: Math.max(1, Math.round(ttlMs)),
      });
      return reply === 'OK';
    } catch (e) {
      assertError(e);
      // The message, never the connection string: it may carry a password.
      this.logger.warn(`Could not claim cache key ${key}: ${e.message}`);
      return undefined;
    }
  }

  async release(key: string, token: string) {
    try {
      const client = await this.connect();
      await client.eval(RELEASE_SCRIPT, {
        keys: [`${this.prefix}${key}`],
        arguments: [token],
      });
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not release cache key ${key}: ${e.message}`);
    }
  }

  async close() {
    const client = await this.client?.catch(() => undefined);
    this.client = undefined;
    if (client?.isOpen) {
      await client.quit();
    }
  }
}

/**
 * The claims that fit the configured cache store (`backend.cache`). `namespace` keeps the claims
 * of one plugin apart from other users of the same Redis, as the CacheService does for values.
 *
 * @public
 */
export function cacheClaimsFromConfig(options: {
  config: RootConfigService;
  cache: CacheService;
  logger: LoggerService;
  namespace: string;
}): CacheClaims {
  const { config, cache, logger, namespace } = options;
  const store = config.getOptionalString('backend.cache.store') ?? 'memory';
  if (store === 'memory') {
    return new InstanceClaims();
  }
  const connection = config.getOptional('backend.cache.connection');
  if (
    (store === 'redis' || store === 'valkey') &&
    typeof connection === 'string'
  ) {
    return new RedisClaims(connection, `${namespace}:claim:`, logger);
  }
  logger.info(
    `Cache store ${store} has no atomic claim here; backend instances coordinate their AWS reads on a best-effort basis`,
  );
  return new CacheServiceClaims(cache, logger);
}
