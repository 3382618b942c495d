import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { GetJobRunsCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { emulatorClientConfig as aws, signInAsGuest, until } from './support';

/*
 * A row travels: `yarn demo-changes` inserts an actor into the demo MariaDB, the emulator's DMS
 * writes the change from the binary log into the landing bucket, an owner presses "Run now" on
 * the table's Runs tab, the pipeline runs on Spark, and the table page shows the new snapshot,
 * its freshness and the new row count.
 */

const TABLE = '/catalog/default/resource/sakila_silver.actor';

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
    { timeoutMs: 120_000, intervalMs: 2_000 },
  );

  await signInAsGuest(page);
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
    { timeoutMs: 480_000, intervalMs: 2_000 },
  );
  // The demo's address silver job fails every run for real (README, "What the demo shows"), so
  // the execution ends failed; the actor's jobs ran in it all the same.
  expect(finished.status).toBe('FAILED');
  const glue = new GlueClient(aws);
  const lastRun = async (job: string) =>
    (await glue.send(new GetJobRunsCommand({ JobName: job, MaxResults: 1 })))
      .JobRuns?.[0];
  for (const job of [
    'datalake-sakila-bronze-actor',
    'datalake-sakila-silver-actor',
  ]) {
    const run = await lastRun(job);
    expect({
      job,
      state: run?.JobRunState,
      inThisExecution: run!.StartedOn! >= finished.startDate!,
    }).toEqual({ job, state: 'SUCCEEDED', inThisExecution: true });
  }
  expect(
    (await lastRun('datalake-sakila-silver-address'))?.ErrorMessage,
  ).toMatch(/value '14033335568' of column phone does not fit int/);

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
  // The current snapshot's row (the table marks it), not a position: header rows vary.
  const newest = page.getByRole('row').filter({ hasText: '(current)' });
  await expect(newest).toHaveCount(1);
  await expect(newest).toContainText(String(changes.actor.rows));
  await page.screenshot({
    path: 'test-results/run-now-snapshots.png',
    fullPage: true,
  });
});
