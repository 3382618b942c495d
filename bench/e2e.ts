/*
 * `yarn bench e2e`: a row from a MySQL commit to bronze, silver and gold, on this machine's whole
 * data path: the CDC-ready MariaDB on 127.0.0.1:3306, the emulator's DMS reading its binary log,
 * and Step Functions executions whose Glue runs execute the generated PySpark jobs on Spark with
 * Iceberg. Writes bench/results/e2e.json.
 *
 * 1. The pipeline's wall time for Sakila's 16 tables: the demo seed onboards Sakila through the
 *    product's actions and runs the first load (StartExecution to the execution's end; the demo's
 *    address silver job fails in it for real, see the README).
 * 2. Commit-to-readable latency, E2E_BENCH_ROUNDS (3) rounds: one UPDATE of a payment, its commit
 *    time taken when the statement returns. The baseline, in the same round, is DMS alone: commit
 *    to the CDC file being listed in the landing bucket (the task's CdcMaxBatchInterval is 10 s in
 *    the demo). The pipeline is started as soon as that file is listed; a layer is readable when
 *    Glue's table points at a new Iceberg snapshot (GetTable's metadata_location changed), which
 *    is when any engine reading through the catalog sees the row: sakila_bronze.payment,
 *    sakila_silver.payment and sakila_gold.revenue_by_store_month (its SQL reads payment).
 *    Reported as ratios: layer latency over the DMS latency of the same round.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import mysql from 'mysql2/promise';
import { startEmulator } from '../packages/aws-local/src/start';
import { DEFAULT_SAKILA_DIR } from '../packages/demo-seed/src/sakilaFixture';
import { seedDemoLake } from '../packages/demo-seed/src/seedDemoLake';

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = Number(process.env.E2E_BENCH_ROUNDS ?? 3);
const POLL_MS = 100;
const LAYERS = {
  bronze: ['sakila_bronze', 'payment'],
  silver: ['sakila_silver', 'payment'],
  gold: ['sakila_gold', 'revenue_by_store_month'],
} as const;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-')),
  });
  const aws = {
    endpoint: running.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const glue = new GlueClient(aws);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  const sfn = new SFNClient(aws);
  const source = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
  });
  try {
    // 1. The first load of Sakila's 16 tables.
    const seeded = await seedDemoLake({
      endpoint: running.url,
      reset: true,
      fixtureDir: DEFAULT_SAKILA_DIR,
      mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
      logger: { info: () => undefined, warn: m => console.warn(m) },
    });
    const firstLoad = seeded.firstLoad;
    if (!firstLoad) throw new Error('the seed ran no first load');
    console.log(
      `first load: ${firstLoad.status} in ${firstLoad.seconds} s, ${firstLoad.runs.succeeded} runs succeeded, ${firstLoad.runs.failed} failed`,
    );

    const stateMachineArn = (
      await sfn.send(new ListStateMachinesCommand({}))
    ).stateMachines!.find(m => m.name === 'datalake-sakila')!.stateMachineArn!;
    const metadataLocation = async ([database, table]: readonly [
      string,
      string,
    ]) =>
      (
        await glue.send(
          new GetTableCommand({ DatabaseName: database, Name: table }),
        )
      ).Table!.Parameters!.metadata_location;
    const cdcFiles = async () =>
      (
        (
          await s3.send(
            new ListObjectsV2Command({
              Bucket: 'datalake-landing',
              Prefix: 'landing/sakila/sakila/payment/',
            }),
          )
        ).Contents ?? []
      )
        .map(o => o.Key!)
        .filter(k => !/\/LOAD[0-9A-F]{8}\./.test(k));

    // 2. Commit to readable, round by round.
    const rounds: {
      round: number;
      executionStatus: string;
      dmsMs: number;
      readableMs: Record<keyof typeof LAYERS, number>;
    }[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const before = {
        files: (await cdcFiles()).length,
        bronze: await metadataLocation(LAYERS.bronze),
        silver: await metadataLocation(LAYERS.silver),
        gold: await metadataLocation(LAYERS.gold),
      };
      // Alternating sign, so that the demo data ends where it started after an even count.
      await source.query(
        `UPDATE sakila.payment SET amount = amount ${
          round % 2 ? '+' : '-'
        } 0.01 WHERE payment_id = 1`,
      );
      const committedAt = Date.now();
      while ((await cdcFiles()).length <= before.files) await sleep(POLL_MS);
      const dmsMs = Date.now() - committedAt;

      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn }),
      );
      const readable: Partial<Record<keyof typeof LAYERS, number>> = {};
      let status = 'RUNNING';
      while (status === 'RUNNING' || Object.keys(readable).length < 3) {
        for (const layer of Object.keys(LAYERS) as (keyof typeof LAYERS)[]) {
          if (
            readable[layer] === undefined &&
            (await metadataLocation(LAYERS[layer])) !== before[layer]
          ) {
            readable[layer] = Date.now() - committedAt;
          }
        }
        if (status === 'RUNNING') {
          status = (
            await sfn.send(new DescribeExecutionCommand({ executionArn }))
          ).status!;
        } else if (Object.keys(readable).length < 3) {
          throw new Error(
            `round ${round}: the execution ended ${status} before every layer had a new snapshot: ${JSON.stringify(
              readable,
            )}`,
          );
        }
        await sleep(POLL_MS);
      }
      const result = {
        round,
        executionStatus: status,
        dmsMs,
        readableMs: readable as Record<keyof typeof LAYERS, number>,
      };
      console.log(JSON.stringify(result));
      rounds.push(result);
    }

    const dms = median(rounds.map(r => r.dmsMs));
    const layerSummary = Object.fromEntries(
      (Object.keys(LAYERS) as (keyof typeof LAYERS)[]).map(layer => {
        const ms = median(rounds.map(r => r.readableMs[layer]));
        return [
          layer,
          {
            table: LAYERS[layer].join('.'),
            medianMs: Math.round(ms),
            overDmsRatio: +median(
              rounds.map(r => r.readableMs[layer] / r.dmsMs),
            ).toFixed(2),
          },
        ];
      }),
    );
    const results = {
      machine: { cpus: os.cpus().length, node: process.version },
      pipeline: {
        tables: 16,
        firstLoad: {
          status: firstLoad.status,
          wallSeconds: firstLoad.seconds,
          jobRuns: firstLoad.runs,
        },
      },
      commitToReadable: {
        rounds: rounds.length,
        dmsAloneMedianMs: Math.round(dms),
        layers: layerSummary,
        perRound: rounds,
      },
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(
      path.join(ROOT, 'bench/results/e2e.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(JSON.stringify(results.commitToReadable.layers));
  } finally {
    await source.end();
    await running.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
