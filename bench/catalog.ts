/*
 * `yarn bench catalog`: the Glue catalog sync at scale.
 *
 * The emulator (its own process) holds 50 databases × 1,000 tables of 20 columns and answers
 * every Glue call 20 ms late; the backend (its own process, SQLite on disk) runs the catalog
 * with the datalake provider. Measured: the first sync (wall time, Glue calls against the minimum
 * — one GetTables page of 100 per database page plus the GetDatabases pages —, peak RSS increase
 * of the backend) and a second sync with nothing changed (calls, wall time, entities the catalog
 * rewrote). Baselines come from the same run: the minimum call count; the time those calls
 * take at the configured concurrency with the injected latency; the time a bare HTTP client that
 * only parses the JSON takes for the same calls against the same emulator (the floor of this
 * machine); and the cost of one page through the stock Glue client against the product's.
 *
 * BENCH_STATE_DIR=<dir> keeps the seeded emulator state there and reuses it on the next run
 * (seeding 50,000 tables takes minutes); without it every run seeds afresh.
 */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { ConfigReader } from '@backstage/config';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  sampleRss,
  rssBytes,
  startNode,
  waitUntil,
} from './support/processes';

const DATABASES = Number(process.env.BENCH_DATABASES ?? 50);
const TABLES_PER_DATABASE = Number(process.env.BENCH_TABLES ?? 1000);
const COLUMNS = 20;
const LATENCY_MS = 20;
// A divisor of the database count, so that no round of database reads runs part-empty.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const PAGE = 100;
const TOKEN = 'bench-catalog-static-token-0123456789';

const root = path.resolve(__dirname, '..');
const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');

async function mapLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function json(url: string, init: RequestInit = {}) {
  const response = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status}`);
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}

function snapshotCatalog(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        // What a provider's mutation writes: the unprocessed entity, its hash and discovery time.
        `SELECT entity_ref AS ref, unprocessed_hash AS u, last_discovery_at AS d FROM refresh_state`,
      )
      .all() as Array<{ ref: string; u: string; d: string }>;
    return new Map(rows.map(row => [row.ref, `${row.u}|${row.d}`]));
  } finally {
    db.close();
  }
}

/**
 * Client cost of one GetTables page of 100 tables from the emulator, without injected latency:
 * the stock Glue client against the one the product's AWS access layer builds, alternating so that
 * both see the same machine state. The emulator's own time is in both.
 */
async function comparePageCost(
  stock: GlueClient,
  endpoint: string,
  database: string,
) {
  const ours = await DatalakeAwsClientFactory.fromConfig(
    new ConfigReader({ datalake: { aws: { endpoint } } }),
  ).glue();
  const page = (client: GlueClient) =>
    client.send(
      new GetTablesCommand({ DatabaseName: database, MaxResults: PAGE }),
    );
  const timeOf = async (client: GlueClient, rounds: number) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await page(client);
    return Number(process.hrtime.bigint() - started) / 1e6 / rounds;
  };
  await timeOf(stock, 30);
  await timeOf(ours, 30);
  const stockMs: number[] = [];
  const oursMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    stockMs.push(await timeOf(stock, 40));
    oursMs.push(await timeOf(ours, 40));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
  const body = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSGlue.GetTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/glue/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ DatabaseName: database, MaxResults: PAGE }),
  }).then(r => r.arrayBuffer());
  ours.destroy();
  return {
    pageBytes: body.byteLength,
    stockClientMsPerPage: +median(stockMs).toFixed(2),
    productClientMsPerPage: +median(oursMs).toFixed(2),
    ratio: +(median(oursMs) / median(stockMs)).toFixed(2),
  };
}

/**
 * Reads every table page the way the provider does (one GetDatabases, then GetTables pages of 100
 * per database, `CONCURRENCY` databases at a time) with nothing but `node:http` and `JSON.parse`.
 */
async function rawClientRead(endpoint: string, databases: string[]) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const call = (target: string, body: object) =>
    new Promise<any>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `AWSGlue.${target}`,
            authorization:
              'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/glue/aws4_request, SignedHeaders=host, Signature=0',
          },
        },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', chunk => chunks.push(chunk));
          response.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (response.statusCode !== 200) {
              reject(new Error(`${target}: ${response.statusCode}`));
            } else resolve(parsed);
          });
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(body));
    });
  const started = Date.now();
  let calls = 0;
  const listed = await call('GetDatabases', { MaxResults: PAGE });
  calls += 1;
  if (listed.DatabaseList.length < databases.length) {
    throw new Error('The raw client saw fewer databases than were seeded');
  }
  await mapLimit(databases, CONCURRENCY, async database => {
    let token: string | undefined;
    do {
      const page = await call('GetTables', {
        DatabaseName: database,
        MaxResults: PAGE,
        NextToken: token,
      });
      calls += 1;
      token = page.NextToken;
    } while (token);
  });
  const ms = Date.now() - started;
  agent.destroy();
  return { calls, ms };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-catalog-'));
  const processes: Array<{ kill(): boolean }> = [];
  const stateDir = process.env.BENCH_STATE_DIR ?? path.join(work, 'aws');
  const seededMarker = path.join(stateDir, 'bench-seeded');
  const seedShape = `${DATABASES}x${TABLES_PER_DATABASE}x${COLUMNS}`;
  const reuseState =
    !!process.env.BENCH_STATE_DIR &&
    fs.existsSync(seededMarker) &&
    fs.readFileSync(seededMarker, 'utf8') === seedShape;
  try {
    const emulatorPort = await freePort();
    const endpoint = `http://127.0.0.1:${emulatorPort}`;
    processes.push(
      startNode(
        path.join(root, 'packages/aws-local/bin/aws-local'),
        [
          '--port',
          String(emulatorPort),
          '--state-dir',
          stateDir,
          ...(reuseState ? [] : ['--reset']),
        ],
        { cwd: root, logFile: path.join(work, 'emulator.log') },
      ),
    );
    await waitUntil(
      'the emulator',
      async () =>
        (await fetch(`${endpoint}/_aws-local/health`)).ok || undefined,
      60_000,
    );

    const glue = new GlueClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 10,
    });
    const seedStarted = Date.now();
    const databases = Array.from(
      { length: DATABASES },
      (_, d) => `bench_db_${String(d).padStart(2, '0')}`,
    );
    if (!reuseState) {
      for (const name of databases) {
        await glue.send(
          new CreateDatabaseCommand({ DatabaseInput: { Name: name } }),
        );
      }
      const tables = databases.flatMap(database =>
        Array.from({ length: TABLES_PER_DATABASE }, (_, t) => ({
          database,
          name: `t${String(t).padStart(4, '0')}`,
        })),
      );
      await mapLimit(tables, 32, async ({ database, name }) => {
        await glue.send(
          new CreateTableCommand({
            DatabaseName: database,
            TableInput: {
              Name: name,
              TableType: 'EXTERNAL_TABLE',
              Parameters: {
                table_type: 'ICEBERG',
                metadata_location: `s3://bench-lake/${database}/${name}/metadata/00001.metadata.json`,
                'datalake.owner': 'group:default/data-engineering',
              },
              StorageDescriptor: {
                Location: `s3://bench-lake/${database}/${name}`,
                Columns: Array.from({ length: COLUMNS }, (_, c) => ({
                  Name: `column_${c}`,
                  Type:
                    c % 3 === 0
                      ? 'bigint'
                      : c % 3 === 1
                      ? 'string'
                      : 'timestamp',
                  Comment: `Column ${c} of ${name}`,
                })),
              },
            },
          }),
        );
      });
      if (process.env.BENCH_STATE_DIR)
        fs.writeFileSync(seededMarker, seedShape);
    }
    const seedMs = reuseState ? null : Date.now() - seedStarted;
    await json(`${endpoint}/_aws-local/faults`, {
      method: 'POST',
      body: JSON.stringify({}),
    });
    const deserialization = await comparePageCost(glue, endpoint, databases[0]);
    await json(`${endpoint}/_aws-local/faults`, {
      method: 'POST',
      body: JSON.stringify({ 'glue.*': { latencyMs: LATENCY_MS } }),
    });

    // The floor on this machine: the same calls at the same concurrency and latency, made by a
    // bare keep-alive HTTP client that only parses the JSON, before the backend starts.
    const floor = await rawClientRead(endpoint, databases);

    const backendPort = await freePort();
    const backendUrl = `http://localhost:${backendPort}`;
    const configFile = path.join(work, 'app-config.yaml');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        backend: {
          baseUrl: backendUrl,
          listen: { port: backendPort },
          database: {
            client: 'better-sqlite3',
            connection: { directory: path.join(work, 'db') },
          },
          auth: {
            externalAccess: [
              { type: 'static', options: { token: TOKEN, subject: 'bench' } },
            ],
          },
        },
        datalake: { aws: { region: 'us-east-1', endpoint } },
        catalog: {
          providers: {
            datalake: {
              bench: {
                databases: { include: ['bench_db_.*'] },
                concurrency: CONCURRENCY,
                schedule: {
                  frequency: { trigger: 'manual' },
                  timeout: { minutes: 15 },
                },
              },
            },
          },
        },
      }),
    );
    const backendLog = path.join(work, 'backend.log');
    const backend = startNode(
      path.join(root, 'bench/support/catalogBackend.ts'),
      ['--config', configFile],
      {
        cwd: root,
        logFile: backendLog,
        transform,
        env: { NODE_ENV: 'production', LOG_LEVEL: 'info' },
      },
    );
    processes.push(backend);
    await waitUntil(
      'the backend',
      async () =>
        (await fetch(`${backendUrl}/.backstage/health/v1/readiness`)).ok ||
        undefined,
      120_000,
      250,
    );

    const taskId = 'datalake-provider:bench:refresh';
    const taskUrl = `${backendUrl}/api/catalog/.backstage/scheduler/v1/tasks`;
    const syncLines = () =>
      fs
        .readFileSync(backendLog, 'utf8')
        .split('\n')
        .filter(line => line.includes('Glue databases and'));

    async function sync(label: string) {
      await json(`${endpoint}/_aws-local/stats`, { method: 'DELETE' });
      const linesBefore = syncLines().length;
      const rssBefore = rssBytes(backend.pid!);
      const sampler = sampleRss(backend.pid!);
      // The scheduler answers 409 while the previous run is still being closed.
      await waitUntil(
        'the sync task to be idle',
        async () => {
          const { tasks } = await json(taskUrl);
          const task = tasks.find(
            (t: { taskId: string }) => t.taskId === taskId,
          );
          return task?.taskState?.status !== 'running' || undefined;
        },
        120_000,
        50,
      );
      const started = Date.now();
      await json(`${taskUrl}/${encodeURIComponent(taskId)}/trigger`, {
        method: 'POST',
      });
      const line = await waitUntil(
        `${label} sync`,
        async () => syncLines()[linesBefore],
        15 * 60_000,
        20,
      );
      const triggerToLogMs = Date.now() - started;
      const peak = sampler.stop();
      const { calls } = await json(`${endpoint}/_aws-local/stats`);
      const timing = /read (\d+) ms, built (\d+) ms, applied (\d+) ms/.exec(
        line,
      );
      if (!timing) throw new Error(`No timing in the sync log line: ${line}`);
      const [readMs, buildMs, applyMs] = timing.slice(1).map(Number);
      return {
        // The sync itself, as the provider timed it; the scheduler's trigger latency is apart.
        wallMs: readMs + buildMs + applyMs,
        readMs,
        buildMs,
        applyMs,
        triggerToLogMs,
        glueCalls: Object.entries(calls as Record<string, number>)
          .filter(([op]) => op.startsWith('glue.'))
          .reduce((sum, [, n]) => sum + n, 0),
        callsByOperation: calls,
        rssBeforeMb: Math.round(rssBefore / 2 ** 20),
        peakRssMb: Math.round(peak / 2 ** 20),
        rssIncreaseMb: Math.round((peak - rssBefore) / 2 ** 20),
      };
    }

    const expectedEntities = DATABASES * (TABLES_PER_DATABASE + 1);
    const processed = async (): Promise<number> => {
      const response = await json(
        `${backendUrl}/api/catalog/entities/by-query?filter=kind=resource&limit=1`,
      );
      return response.totalItems;
    };

    const first = await sync('first');
    const catalogFile = path.join(work, 'db', 'catalog.sqlite');
    const before = snapshotCatalog(catalogFile);
    if (before.size !== expectedEntities) {
      throw new Error(
        `The catalog holds ${before.size} entities, expected ${expectedEntities}`,
      );
    }
    // The catalog keeps processing (stitching) the new entities in the background; that is its own
    // work, not the provider's, and is reported as the share done by the second sync.
    const second = await sync('second');
    const after = snapshotCatalog(catalogFile);
    const processedByNow = await processed().catch(() => undefined);
    let rewritten = 0;
    for (const [ref, state] of after)
      if (before.get(ref) !== state) rewritten += 1;

    const databasePages = Math.ceil(DATABASES / PAGE);
    const minimumCalls =
      databasePages + DATABASES * Math.ceil(TABLES_PER_DATABASE / PAGE);
    const callBudget = Math.floor(1.1 * minimumCalls);
    const wallBudgetMs = Math.round(
      (1.5 * minimumCalls * LATENCY_MS) / CONCURRENCY,
    );
    const result = {
      benchmark: 'catalog sync of the Glue Data Catalog',
      setup: {
        databases: DATABASES,
        tablesPerDatabase: TABLES_PER_DATABASE,
        columnsPerTable: COLUMNS,
        injectedLatencyMs: LATENCY_MS,
        concurrency: CONCURRENCY,
        seedMs,
        entities: expectedEntities,
      },
      baseline: {
        minimumGlueCalls: minimumCalls,
        minimumReadMsAtConcurrency: Math.round(
          (minimumCalls * LATENCY_MS) / CONCURRENCY,
        ),
      },
      deserialization,
      rawClientFloor: {
        ...floor,
        ratioToIdeal: +(
          floor.ms /
          ((minimumCalls * LATENCY_MS) / CONCURRENCY)
        ).toFixed(2),
      },
      targets: {
        maxGlueCalls: callBudget,
        maxWallMs: wallBudgetMs,
        maxRssIncreaseMb: 400,
        rewrittenOnUnchangedSync: 0,
      },
      firstSync: {
        ...first,
        readRatioToRawClientFloor: +(first.readMs / floor.ms).toFixed(2),
        callsRatioToMinimum: +(first.glueCalls / minimumCalls).toFixed(3),
      },
      entitiesProcessedByTheCatalogAtSecondSync: processedByNow,
      secondSync: {
        ...second,
        callsRatioToMinimum: +(second.glueCalls / minimumCalls).toFixed(3),
        entitiesRewritten: rewritten,
      },
      verdict: {
        callsWithinBudget:
          first.glueCalls <= callBudget && second.glueCalls <= callBudget,
        readWithinWallBudget: first.readMs <= wallBudgetMs,
        rawClientFloorWithinWallBudget: floor.ms <= wallBudgetMs,
        syncWithinWallBudget: first.wallMs <= wallBudgetMs,
        unchangedSyncRewritesNothing: rewritten === 0,
        rssIncreaseWithinBudget: first.rssIncreaseMb < 400,
      },
    };
    fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'bench/results/catalog.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const p of processes.reverse()) p.kill();
    await new Promise(resolve => setTimeout(resolve, 500));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
