/*
 * `yarn bench actions`: the read-only data lake actions against the same data read through the
 * REST routes, in one run, over the seeded lake (the demo seed in the AWS emulator, catalog
 * entities from the Glue provider). Both sides go over HTTP to the same backend: the actions
 * through the actions registry's invoke route, which is what the MCP actions backend calls for
 * each tool call. Each pair reads the same table the same number of times, alternating, and
 * reports p50/p95 of both and the p95 ratio action/REST.
 *
 * find-tables has no REST twin (the portal's search reads the catalog); it is reported alone,
 * against one catalog query of the table entities, which is what it costs at least.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { datalakePlugin } from '../plugins/datalake-backend/src/plugin';
import {
  catalogEntities,
  SEEDED_PROVIDER_CONFIG,
  startSeededLake,
} from '../plugins/datalake-backend/src/runs/__testUtils__/seededLake';

const ROUNDS = Number(process.env.BENCH_ACTIONS_ROUNDS ?? 60);
const TABLE = 'resource:default/sakila_silver.rental';
const GOLD = 'resource:default/sakila_gold.film_rentals';

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
const round = (n: number) => Math.round(n * 100) / 100;
const summary = (values: number[]) => ({
  p50Ms: round(percentile(values, 50)),
  p95Ms: round(percentile(values, 95)),
});

async function timed(fn: () => Promise<unknown>, into: number[]) {
  const start = performance.now();
  await fn();
  into.push(performance.now() - start);
}

async function main() {
  const lake = await startSeededLake();
  const entities = await catalogEntities(lake);
  const catalog = catalogServiceMock({ entities });
  const backend = await startTestBackend({
    features: [
      datalakePlugin,
      mockServices.rootConfig.factory({
        data: {
          ...SEEDED_PROVIDER_CONFIG,
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          datalake: {
            aws: { endpoint: lake.url, region: 'us-east-1' },
            access: { defaultPrincipal: 'arn:aws:iam::000000000000:role/x' },
          },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      // The real registry, with its HTTP routes under the plugin's router.
      actionsRegistryServiceFactory,
      mockServices.rootLogger.factory({ level: 'none' }),
    ],
  });
  const credentials = mockCredentials.user('user:default/ana');
  const auth = mockCredentials.user.header('user:default/ana');
  const invoke = (name: string, input: Record<string, unknown>) =>
    request(backend.server)
      .post(
        `/api/datalake/.backstage/actions/v1/actions/datalake:${name}/invoke`,
      )
      .set('Authorization', auth)
      .send(input)
      .then(r => {
        if (r.status !== 200) {
          throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        return r;
      });
  const get = (route: string) =>
    request(backend.server)
      .get(`/api/datalake/v1/${route}`)
      .set('Authorization', auth)
      .then(r => {
        if (r.status !== 200) throw new Error(`${route}: ${r.status}`);
        return r;
      });

  const pairs: Array<{
    name: string;
    action: () => Promise<unknown>;
    rest: () => Promise<unknown>;
  }> = [
    {
      name: 'describe-table',
      action: () => invoke('describe-table', { entityRef: TABLE }),
      rest: () =>
        Promise.all([
          get(`freshness?entityRef=${encodeURIComponent(TABLE)}`),
          get(`tables/metadata?entityRef=${encodeURIComponent(TABLE)}`),
        ]),
    },
    {
      name: 'get-table-lineage',
      action: () => invoke('get-table-lineage', { entityRef: GOLD, depth: 6 }),
      rest: () => get(`lineage?entityRef=${encodeURIComponent(GOLD)}&depth=6`),
    },
    {
      name: 'get-table-runs',
      action: () => invoke('get-table-runs', { entityRef: TABLE, limit: 10 }),
      rest: () => get(`runs?entityRef=${encodeURIComponent(TABLE)}&limit=10`),
    },
  ];

  const results: Record<string, unknown> = {};
  try {
    // One warm-up of each, so that caches hold the same for both sides.
    for (const pair of pairs) {
      await pair.action();
      await pair.rest();
    }
    for (const pair of pairs) {
      const actionMs: number[] = [];
      const restMs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await timed(pair.action, actionMs);
        await timed(pair.rest, restMs);
      }
      const a = summary(actionMs);
      const r = summary(restMs);
      results[pair.name] = {
        action: a,
        rest: r,
        p95Ratio: round(a.p95Ms / r.p95Ms),
      };
      console.log(
        `${pair.name}: action p95 ${a.p95Ms} ms, REST p95 ${
          r.p95Ms
        } ms, ratio ${round(a.p95Ms / r.p95Ms)}`,
      );
    }
    const findMs: number[] = [];
    const queryMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await timed(() => invoke('find-tables', { text: 'rental_date' }), findMs);
      await timed(
        () =>
          catalog.queryEntities(
            {
              filter: {
                kind: 'resource',
                'spec.type': ['iceberg-table', 'glue-table'],
              },
            },
            { credentials },
          ),
        queryMs,
      );
    }
    const f = summary(findMs);
    const q = summary(queryMs);
    results['find-tables'] = {
      action: f,
      catalogQuery: q,
      p95Ratio: round(f.p95Ms / q.p95Ms),
      tables: entities.length,
    };
    console.log(
      `find-tables: action p95 ${f.p95Ms} ms, catalog query p95 ${q.p95Ms} ms over ${entities.length} entities`,
    );
    const out = path.resolve(__dirname, 'results/actions.json');
    fs.writeFileSync(
      out,
      `${JSON.stringify(
        { rounds: ROUNDS, measuredAt: new Date().toISOString(), results },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${out}`);
  } finally {
    await backend.stop();
    await lake.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
