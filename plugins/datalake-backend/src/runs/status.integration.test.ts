/*
 * Lineage and run status against the local AWS emulator seeded with the demo lake, through the
 * real SDK clients, the real catalog provider's entities and the routes.
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LineageResponse,
  RunsResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { RunningEmulator } from '@datalake-portal/aws-local';
import express from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createLineageRouter } from '../lineage';
import { createRunsRouter } from './createRunsRouter';
import { DatalakeStatusServices } from './DatalakeStatusServices';
import {
  RunErrorAuthorizer,
  tableDataPermissionRules,
} from './runErrorPermission';
import {
  catalogEntities,
  SEEDED_PROVIDER_CONFIG,
  emulatorCalls,
  setFaults,
  startSeededLake,
} from './__testUtils__/seededLake';

jest.setTimeout(180_000);

const GOLD = 'resource:default/sakila_gold.film_rentals';
const SILVER_RENTAL = 'resource:default/sakila_silver.rental';
const SILVER_PAYMENT = 'resource:default/sakila_silver.payment';

let running: RunningEmulator;
let entities: Entity[];

beforeAll(async () => {
  running = await startSeededLake();
  entities = await catalogEntities(running);
});

const opened: DatalakeStatusServices[] = [];

afterAll(async () => {
  await Promise.all(opened.map(s => s.close()));
  await running?.close();
});

function app(
  options: { cacheStore?: 'memory' | 'redis'; namespace?: string } = {},
) {
  const config = new ConfigReader({
    ...SEEDED_PROVIDER_CONFIG,
    datalake: {
      aws: { endpoint: running.url, region: 'us-east-1' },
      runs: { cacheTtlSeconds: 60 },
    },
  });
  const cacheConfig =
    options.cacheStore === 'redis'
      ? {
          backend: {
            cache: { store: 'redis', connection: 'redis://127.0.0.1:6379' },
          },
        }
      : {};
  const namespace = options.namespace ?? `datalake-${randomUUID()}`;
  const cache = CacheManager.fromConfig(
    new ConfigReader(cacheConfig),
  ).forPlugin(namespace);
  // One root config, as a backend instance has: the plugin reads the cache store from it too.
  const status = DatalakeStatusServices.create({
    config: mockServices.rootConfig({
      data: { ...(config.get() as any), ...cacheConfig },
    }),
    cacheNamespace: namespace,
    logger: mockServices.logger.mock(),
    cache,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    // Everyone may read every run error here; who may is runErrors.integration.test.ts's subject.
    runErrors: new RunErrorAuthorizer(
      mockServices.permissions(),
      {
        getRuleByName: name =>
          Object.values(tableDataPermissionRules).find(r => r.name === name)!,
      },
      async () => [],
    ),
  });
  opened.push(status);
  const httpAuth = mockServices.httpAuth();
  return express()
    .use(createLineageRouter({ httpAuth, ...status.routeOptions }))
    .use(createRunsRouter({ httpAuth, runs: status.runs }))
    .use(mockErrorHandler());
}

describe('lineage against the seeded lake', () => {
  it('reaches the Sakila source table from a gold table through silver, bronze, landing and DMS', async () => {
    const res = await request(app())
      .get('/v1/lineage')
      .query({ entityRef: GOLD });
    expect(res.status).toBe(200);
    const graph = res.body as LineageResponse;
    const labels = graph.nodes.map(n => `${n.kind}:${n.label}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'table:sakila_gold.film_rentals',
        'table:sakila_silver.rental',
        'table:sakila_bronze.rental',
        'mysql-table:sakila.rental',
        'glue-job:datalake-sakila-silver-rental',
      ]),
    );
    const landing = graph.nodes.find(
      n => n.kind === 'landing' && n.label.endsWith('/sakila/rental/'),
    );
    expect(landing?.label).toMatch(/^s3:\/\/.+\/sakila\/sakila\/rental\/$/);
    const dms = graph.nodes.filter(n => n.kind === 'dms-task');
    expect(dms.length).toBeGreaterThan(0);

    // A path of edges leads from the MySQL table to the gold table.
    const next = new Map<string, string[]>();
    for (const e of graph.edges) {
      next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    }
    const reachable = new Set<string>(['mysql:sakila/sakila.rental']);
    for (const id of reachable) {
      for (const to of next.get(id) ?? []) reachable.add(to);
    }
    expect(reachable).toContain(graph.rootId);
    expect(reachable).toContain(landing!.id);
    expect(reachable).toContain(dms[0].id);

    // Column lineage from the gold SQL: rentals counts silver rental ids.
    expect(graph.columnEdges).toEqual(
      expect.arrayContaining([
        {
          from: 'table:resource:default/sakila_silver.rental',
          fromColumn: 'rental_id',
          to: graph.rootId,
          toColumn: 'rentals',
          transform: 'aggregate',
        },
        expect.objectContaining({
          from: 'table:resource:default/sakila_silver.film',
          fromColumn: 'title',
          toColumn: 'title',
          transform: 'identity',
        }),
      ]),
    );
    expect(graph.warnings).toEqual([]);
  });

  it('exports the same facts as OpenLineage run events', async () => {
    const res = await request(app())
      .get('/v1/lineage/openlineage')
      .query({ entityRef: GOLD });
    expect(res.status).toBe(200);
    const gold = res.body.events.find(
      (e: any) => e.job.name === 'glue/datalake-sakila-gold-film_rentals',
    );
    expect(gold).toMatchObject({
      eventType: expect.stringMatching(/COMPLETE|FAIL/),
      job: { namespace: 'datalake-portal' },
      outputs: [
        {
          namespace: 'arn:aws:glue:us-east-1:000000000000',
          name: 'table/sakila_gold/film_rentals',
        },
      ],
      schemaURL: expect.stringContaining('openlineage.io/spec'),
    });
    expect(gold.inputs.map((i: any) => i.name).sort()).toEqual([
      'table/sakila_silver/film',
      'table/sakila_silver/inventory',
      'table/sakila_silver/rental',
    ]);
    expect(
      res.body.events.some(
        (e: any) =>
          e.job.name.startsWith('dms/') &&
          e.inputs[0].namespace === 'mysql://sakila',
      ),
    ).toBe(true);
  });

  it('answers 400 and 404 with messages', async () => {
    const bad = await request(app()).get('/v1/lineage').query({
      entityRef: GOLD,
      depth: '11',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/depth/);
    const missing = await request(app())
      .get('/v1/runs')
      .query({ entityRef: 'resource:default/nope' });
    expect(missing.status).toBe(404);
  });
});

describe('run status against the seeded lake', () => {
  it('shows a failed job run with its error, the failed execution and the DMS statistics', async () => {
    const res = await request(app())
      .get('/v1/runs')
      .query({ entityRef: SILVER_PAYMENT, limit: 100 });
    expect(res.status).toBe(200);
    const body = res.body as RunsResponse;
    expect(body.sources).toEqual({
      dms: { status: 'ok' },
      glue: { status: 'ok' },
      stepFunctions: { status: 'ok' },
      logs: { status: 'ok' },
      scheduler: { status: 'ok' },
    });
    // The seed's nightly schedule of the pipeline, read from the emulator's Scheduler.
    expect(body.schedule).toMatchObject({
      name: 'datalake-sakila',
      expression: 'cron(0 2 * * ? *)',
      timezone: 'UTC',
      state: 'ENABLED',
    });
    const nextRun = Date.parse(body.schedule!.nextRunAt!);
    expect(new Date(nextRun).toISOString()).toMatch(/T02:00:00\.000Z$/);
    expect(nextRun - Date.now()).toBeGreaterThan(0);
    expect(nextRun - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    const failedExecution = body.runs.find(
      r => r.source === 'stepFunctions' && r.status === 'failed',
    );
    expect(failedExecution?.error).toMatch(/Cannot cast "N\/A"/);
    expect(failedExecution?.failedState).toBe('datalake-sakila-silver-payment');
    const failedJobRun = body.runs.find(
      r => r.source === 'glue' && r.status === 'failed',
    );
    expect(failedJobRun?.error?.length).toBeGreaterThan(0);
    expect(failedJobRun?.dpuSeconds).toBeGreaterThan(0);
    const starts = body.runs.map(r => r.startedAt);
    expect([...starts].sort().reverse()).toEqual(starts);
    expect(body.dms[0].tables.map(t => t.table)).toEqual(['payment']);
    expect(body.dms[0].tables[0].fullLoadRows).toBeGreaterThan(0);
  });

  it('pages newest first with a cursor', async () => {
    const server = app();
    const all = (
      await request(server).get('/v1/runs').query({
        entityRef: SILVER_RENTAL,
        limit: 100,
      })
    ).body as RunsResponse;
    const first = (
      await request(server).get('/v1/runs').query({
        entityRef: SILVER_RENTAL,
        limit: 2,
      })
    ).body as RunsResponse;
    const second = (
      await request(server).get('/v1/runs').query({
        entityRef: SILVER_RENTAL,
        limit: 2,
        cursor: first.nextCursor,
      })
    ).body as RunsResponse;
    expect(all.runs.length).toBeGreaterThan(3);
    expect([...first.runs, ...second.runs].map(r => r.id)).toEqual(
      all.runs.slice(0, 4).map(r => r.id),
    );
  });

  it('still answers with Step Functions data and names the error when Glue fails', async () => {
    await setFaults(running, { 'glue.*': { errorRate: 1 } });
    try {
      const res = await request(app())
        .get('/v1/runs')
        .query({ entityRef: SILVER_RENTAL });
      expect(res.status).toBe(200);
      const body = res.body as RunsResponse;
      expect(body.sources.glue.status).toBe('error');
      expect(body.sources.glue.error).toMatch(/^Glue: datalake-sakila-/);
      expect(body.sources.stepFunctions).toEqual({ status: 'ok' });
      expect(body.runs.length).toBeGreaterThan(0);
      expect(body.runs.every(r => r.source === 'stepFunctions')).toBe(true);
      expect(body.sources.dms).toEqual({ status: 'ok' });
    } finally {
      await setFaults(running, {});
    }
  });
});

describe('request coalescing', () => {
  it('200 concurrent requests for one entity cause one GetJobRuns call per job', async () => {
    const server = app();
    await emulatorCalls(running, true);
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        request(server).get('/v1/runs').query({ entityRef: SILVER_RENTAL }),
      ),
    );
    expect(responses.every(r => r.status === 200)).toBe(true);
    const jobs = new Set(
      (responses[0].body as RunsResponse).runs
        .filter(r => r.source === 'glue')
        .map(r => r.name),
    );
    expect(jobs).toEqual(
      new Set([
        'datalake-sakila-bronze-rental',
        'datalake-sakila-silver-rental',
      ]),
    );
    const calls = await emulatorCalls(running);
    expect(calls['glue.GetJobRuns']).toBe(jobs.size);
    expect(calls['states.ListExecutions']).toBe(1);
  });

  it('two instances sharing Redis cause one GetJobRuns call per job', async () => {
    const namespace = `datalake-coalesce-${randomUUID()}`;
    const first = app({ cacheStore: 'redis', namespace });
    const second = app({ cacheStore: 'redis', namespace });
    await emulatorCalls(running, true);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(i % 2 ? first : second)
          .get('/v1/runs')
          .query({ entityRef: SILVER_RENTAL }),
      ),
    );
    expect(responses.every(r => r.status === 200)).toBe(true);
    const calls = await emulatorCalls(running);
    expect(calls['glue.GetJobRuns']).toBe(2);
    expect(calls['states.ListExecutions']).toBe(1);
  });
});
