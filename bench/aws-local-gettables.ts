/*
 * Benchmark: GetTables calls per second that the local AWS emulator answers through the
 * real @aws-sdk/client-glue client, with ~32 calls in flight for ~5 s. The emulator runs in
 * this process on a worker thread, so that the SDK client's own cost (signing, parsing) does
 * not share one event loop with the server it measures.
 * Run: node -r @backstage/cli/config/nodeTransform.cjs bench/aws-local-gettables.ts
 * Writes bench/results/aws-local.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { Worker } from 'node:worker_threads';

const TABLES = 300;
const CONCURRENCY = 32;
const DURATION_MS = 5_000;
const PAGE_SIZE = 10;

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-local-bench-'));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { startEmulator } = require(workerData.entry);
     startEmulator({ port: 0, stateDir: workerData.stateDir }).then(running => {
       parentPort.postMessage(running.url);
       parentPort.once('message', () => running.close().then(() => process.exit(0)));
     });`,
    {
      eval: true,
      workerData: {
        stateDir,
        entry: path.resolve(__dirname, '../packages/aws-local/src/index.ts'),
      },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const running = {
    url,
    close: () =>
      new Promise<void>(resolve => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      }),
  };
  const glue = new GlueClient({
    endpoint: running.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
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
    let calls = 0;
    let errors = 0;
    let tokenIndex = 0;
    const tokens: (string | undefined)[] = [undefined];
    const deadline = Date.now() + DURATION_MS;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const token = tokens[tokenIndex++ % tokens.length];
          try {
            const out = await glue.send(
              new GetTablesCommand({
                DatabaseName: 'bench',
                MaxResults: PAGE_SIZE,
                NextToken: token,
              }),
            );
            if (out.NextToken && tokens.length < TABLES / PAGE_SIZE) {
              tokens.push(out.NextToken);
            }
            calls++;
          } catch {
            errors++;
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const result = {
      benchmark: 'aws-local GetTables',
      tables: TABLES,
      pageSize: PAGE_SIZE,
      concurrency: CONCURRENCY,
      seconds,
      calls,
      errors,
      callsPerSecond: Math.round(calls / seconds),
      target: 2000,
      node: process.version,
      date: new Date().toISOString(),
    };
    const outDir = path.join(__dirname, 'results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'aws-local.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    glue.destroy();
    await running.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
