/*
 * Cross-instance coalescing over the real Redis the project's services script starts: two
 * backend instances that miss one key at the same moment call AWS once, even when one
 * instance's event loop is slow, which a write-then-read-back claim cannot promise.
 */
import { CacheService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { randomUUID } from 'node:crypto';
import { cacheClaimsFromConfig } from './cacheClaims';
import { CoalescingCache } from './CoalescingCache';

const REDIS = {
  backend: {
    cache: { store: 'redis', connection: 'redis://127.0.0.1:6379' },
  },
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A cache whose writes land `delayMs` late, as on an instance whose event loop is busy. */
function slowWrites(cache: CacheService, delayMs: number): CacheService {
  return {
    get: key => cache.get(key),
    delete: key => cache.delete(key),
    set: async (key, value, options) => {
      await sleep(delayMs);
      return cache.set(key, value, options);
    },
    withOptions: () => {
      throw new Error('not used');
    },
  } as CacheService;
}

describe('load claims on the Redis cache store', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(closers.map(close => close()));
  });

  function instance(namespace: string, writeDelayMs = 0) {
    const config = mockServices.rootConfig({ data: REDIS });
    const logger = mockServices.logger.mock();
    const cache = CacheManager.fromConfig(new ConfigReader(REDIS)).forPlugin(
      namespace,
    );
    const claims = cacheClaimsFromConfig({ config, cache, logger, namespace });
    closers.push(() => claims.close());
    return new CoalescingCache({
      cache: slowWrites(cache, writeDelayMs),
      logger,
      claims,
      ttlMs: 60_000,
    });
  }

  it('lets one of two instances load a key both miss, when one writes late', async () => {
    const namespace = `datalake-claims-${randomUUID()}`;
    const fast = instance(namespace);
    const slow = instance(namespace, 120);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await sleep(300);
      return { runs: 3 };
    };
    const answers = await Promise.all([
      fast.get('glue:job:a', load),
      slow.get('glue:job:a', load),
    ]);
    expect(answers).toEqual([{ runs: 3 }, { runs: 3 }]);
    expect(loads).toBe(1);
  });

  it('gives the key to the next instance when the holder releases it, and not before', async () => {
    const namespace = `datalake-claims-${randomUUID()}`;
    const config = mockServices.rootConfig({ data: REDIS });
    const logger = mockServices.logger.mock();
    const cache = mockServices.cache.mock();
    const first = cacheClaimsFromConfig({ config, cache, logger, namespace });
    const second = cacheClaimsFromConfig({ config, cache, logger, namespace });
    closers.push(
      () => first.close(),
      () => second.close(),
    );
    expect(await first.claim('k', 'one', 5_000)).toBe(true);
    expect(await second.claim('k', 'two', 5_000)).toBe(false);
    // A release by a token that does not hold the claim leaves it in place.
    await second.release('k', 'two');
    expect(await second.claim('k', 'two', 5_000)).toBe(false);
    await first.release('k', 'one');
    expect(await second.claim('k', 'two', 5_000)).toBe(true);
  });

  it('loads locally, with a warning and no claim, when Redis cannot be reached', async () => {
    const config = mockServices.rootConfig({
      data: {
        backend: {
          cache: { store: 'redis', connection: 'redis://127.0.0.1:1' },
        },
      },
    });
    const logger = mockServices.logger.mock();
    const claims = cacheClaimsFromConfig({
      ...{ config, logger, namespace: 'datalake' },
      cache: mockServices.cache.mock(),
    });
    closers.push(() => claims.close());
    expect(await claims.claim('k', 'one', 1_000)).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Could not claim cache key k'),
    );
  });
});
