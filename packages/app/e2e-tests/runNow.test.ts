import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';

/*
 * A row travels: `yarn demo-changes` inserts an actor into the demo MariaDB, the emulator's DMS
 * writes the change from the binary log into the landing bucket, an owner presses "Run now" on
 * the table's Runs tab, the pipeline runs on Spark, and the table page shows the new snapshot,
 * its freshness and the new row count.
 */

const endpoint = process.env.DATALAKE_AWS_ENDPOINT ?? 'http://127.0.0.1:4577';
const aws = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
};
const TABLE = '/catalog/default/resource/sakila_silver.actor';

async function until<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 2_000));
  }
}

test('a change made in MariaDB reaches the table after Run now', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  const sfn = new SFNClient(aws);
  const cdcFiles = async () =>
    (
      (
        await s3.send(
          new ListObjectsV2Command({
            Bucket: 'datalake-landing',
            Prefix: 'landing/sakila/sakila/actor/',
          }),
        )
      ).Contents ?? []
    )
      .map(o => o.Key!)
      .filter(k => !/\/LOAD[0-9A-F]{8}\./.test(k));
  const before = await cdcFiles();

  const changes = JSON.parse(
    execFileSync('node', ['packages/demo-seed/bin/demo-changes', '--json'], {
      encoding: 'utf8',
    }),
  );
  expect(changes.actor.inserted).toBe(1);
  // DMS writes the change within its batch interval, from the binary log.
  await until(
    'the CDC file of the change',
    async () => ((await cdcFiles()).length > before.length ? true : undefined),
    120_000,
  );

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the app shows its navigation; a page load before that signs out again.
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Data lake' }),
  ).toBeVisible();
  await page.goto(`${TABLE}/runs`);
  const runNow = page.getByRole('button', { name: 'Run now' });
  await expect(runNow).toBeEnabled({ timeout: 60_000 });
  await runNow.click();
  const started = page.getByText(/^Started execution run-now-/);
  await expect(started).toBeVisible();
  const executionName = (await started.textContent())!.replace(
    'Started execution ',
    '',
  );
  await page.screenshot({ path: 'test-results/run-now-started.png' });

  const { stateMachines = [] } = await sfn.send(
    new ListStateMachinesCommand({}),
  );
  const stateMachineArn = stateMachines.find(m => m.name === 'datalake-sakila')!
    .stateMachineArn!;
  const { executions = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn }),
  );
  const executionArn = executions.find(e => e.name === executionName)!
    .executionArn!;
  const finished = await until(
    `execution ${executionName}`,
    async () => {
      const e = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return e.status === 'RUNNING' ? undefined : e;
    },
    480_000,
  );
  expect(finished.status).toBe('SUCCEEDED');

  // The overview: the new row count and a data change moments ago.
  await expect(async () => {
    await page.goto(TABLE);
    await expect(page.getByRole('row', { name: /^Records/ })).toContainText(
      String(changes.actor.rows),
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 120_000 });
  await expect(
    page.getByRole('row', { name: /Last data change/i }).first(),
  ).toContainText(/(seconds?|minutes?) ago/);
  await page.screenshot({
    path: 'test-results/run-now-overview.png',
    fullPage: true,
  });
  // The snapshots: the newest holds the new row count.
  await page.getByRole('link', { name: 'Snapshots', exact: true }).click();
  const newest = page.getByRole('row').nth(1);
  await expect(newest).toContainText(String(changes.actor.rows));
  await page.screenshot({
    path: 'test-results/run-now-snapshots.png',
    fullPage: true,
  });
});
