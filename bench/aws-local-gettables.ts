/*
 * `yarn bench aws-local-gettables`: how many GetTables calls per second the local AWS emulator
 * answers on loopback (issue target: at least 2,000), so that it never dominates other
 * benchmarks.
 *
 * The emulator runs on a worker thread. Three measurements, each ~32 calls in flight for 5 s:
 *  - emulator, light client: signed-looking JSON 1.1 requests over keep-alive HTTP, so that the
 *    figure is the emulator's capacity and not the load generator's;
 *  - baseline, light client: a plain Node HTTP server on a worker thread answering the same
 *    response bytes — what this machine's loopback HTTP does at best; the emulator is reported
 *    as a ratio of it;
 *  - emulator, real SDK client: `@aws-sdk/client-glue`, as the plugins call it (client-bound on a
 *    two-core machine: signing and parsing cost more than answering).
 * Writes bench/results/aws-local.json.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';

const TABLES = 300;
const CONCURRENCY = 32;
const DURATION_MS = 5_000;
const PAGE_SIZE = 10;
const TARGET = 2000;

type Server = { url: string; close(): Promise<void> };

function startWorker(source: string, workerData: unknown): Promise<Server> {
  const worker = new Worker(source, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (url: string) =>
      resolve({
        url,
        close: () =>
          new Promise<void>(done => {
            worker.once('exit', () => done());
            worker.postMessage('close');
          }),
      }),
    );
  });
}

const emulatorWorker = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { startEmulator } = require(workerData.entry);
  startEmulator({ port: 0, stateDir: workerData.stateDir }).then(running => {
    parentPort.postMessage(running.url);
    parentPort.once('message', () => running.close().then(() => process.exit(0)));
  });`;

const baselineWorker = `
  const { parentPort, workerData } = require('node:worker_threads');
  const http = require('node:http');
  const body = Buffer.from(workerData.body);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    parentPort.postMessage('http://127.0.0.1:' + server.address().port);
    parentPort.once('message', () => server.close(() => process.exit(0)));
  });`;

/** Keeps CONCURRENCY requests in flight for DURATION_MS; returns calls per second. */
async function loadLoop(send: (i: number) => Promise<void>) {
  let calls = 0;
  let errors = 0;
  let next = 0;
  const started = Date.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        try {
          await send(next++);
          calls++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return {
    calls,
    errors,
    seconds,
    callsPerSecond: Math.round(calls / seconds),
  };
}

/** A GetTables request as the SDK sends it (the emulator does not verify signatures). */
function rawGetTables(agent: http.Agent, url: string, body: string) {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname,
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSGlue.GetTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=bench/20261124/us-east-1/glue/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-local-bench-'));
  const emulator = await startWorker(emulatorWorker, {
    stateDir,
    entry: path.resolve(__dirname, '../packages/aws-local/src/index.ts'),
  });
  const glue = new GlueClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let baseline: Server | undefined;
  try {
    await glue.send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: 'bench' } }),
    );
    for (let i = 0; i < TABLES; i++) {
      await glue.send(
        new CreateTableCommand({
          DatabaseName: 'bench',
          TableInput: {
            Name: `table_${String(i).padStart(4, '0')}`,
            TableType: 'EXTERNAL_TABLE',
            Parameters: { table_type: 'ICEBERG' },
            StorageDescriptor: {
              Location: `s3://lake/bench/table_${i}`,
              Columns: [
                { Name: 'id', Type: 'bigint' },
                { Name: 'name', Type: 'string' },
                { Name: 'amount', Type: 'decimal(10,2)' },
                { Name: 'updated_at', Type: 'timestamp' },
              ],
            },
          },
        }),
      );
    }

    // Request bodies for every page, so that calls spread over the whole table list.
    const bodies: string[] = [];
    let token: string | undefined;
    do {
      const body = JSON.stringify({
        DatabaseName: 'bench',
        MaxResults: PAGE_SIZE,
        NextToken: token,
      });
      bodies.push(body);
      token = JSON.parse(
        await rawGetTables(agent, emulator.url, body),
      ).NextToken;
    } while (token);
    const sampleResponse = await rawGetTables(agent, emulator.url, bodies[0]);

    const emulatorLight = await loadLoop(i =>
      rawGetTables(agent, emulator.url, bodies[i % bodies.length]).then(
        () => undefined,
      ),
    );
    baseline = await startWorker(baselineWorker, { body: sampleResponse });
    const baselineLight = await loadLoop(i =>
      rawGetTables(agent, baseline!.url, bodies[i % bodies.length]).then(
        () => undefined,
      ),
    );
    const tokens = bodies.map(
      b => JSON.parse(b).NextToken as string | undefined,
    );
    const emulatorSdk = await loadLoop(async i => {
      await glue.send(
        new GetTablesCommand({
          DatabaseName: 'bench',
          MaxResults: PAGE_SIZE,
          NextToken: tokens[i % tokens.length],
        }),
      );
    });

    const result = {
      benchmark: 'aws-local GetTables',
      setup: {
        tables: TABLES,
        pageSize: PAGE_SIZE,
        concurrency: CONCURRENCY,
        seconds: DURATION_MS / 1000,
      },
      target: { callsPerSecond: TARGET },
      emulator: emulatorLight,
      baselinePlainHttpServer: baselineLight,
      ratioToBaseline: +(
        emulatorLight.callsPerSecond / baselineLight.callsPerSecond
      ).toFixed(3),
      emulatorThroughTheSdkClient: emulatorSdk,
      meetsTarget: emulatorLight.callsPerSecond >= TARGET,
      node: process.version,
      cpus: os.cpus().length,
      loadAverageBefore: os.loadavg()[0],
      date: new Date().toISOString(),
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'aws-local.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    agent.destroy();
    glue.destroy();
    await baseline?.close();
    await emulator.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
