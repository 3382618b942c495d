import { test, expect } from '@playwright/test';
import {
  GetJobRunCommand,
  GlueClient,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { emulatorClientConfig as aws, signInAsGuest, until } from './support';

/*
 * A run that really fails, seen in the Runs tab: a broken file lands in a table's landing folder
 * (as a truncated upload would), the table's bronze job runs on the emulator's Spark and fails
 * reading it, and the table page shows Spark's own error and the tail of the run's error log
 * from CloudWatch Logs.
 */

const JOB = 'datalake-sakila-bronze-film_text';
const BROKEN = {
  Bucket: 'datalake-landing',
  // Named as DMS names a CDC file, in the folder the job reads.
  Key: 'landing/sakila/sakila/film_text/20261202-031500123.parquet',
};

test('a job run that fails on a broken landing file shows its real error and log tail', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  const glue = new GlueClient(aws);
  await s3.send(
    new PutObjectCommand({ ...BROKEN, Body: 'PAR1 cut off in transfer' }),
  );
  try {
    const { JobRunId } = await glue.send(
      new StartJobRunCommand({ JobName: JOB }),
    );
    const run = await until(
      `job run ${JobRunId}`,
      async () => {
        const { JobRun } = await glue.send(
          new GetJobRunCommand({ JobName: JOB, RunId: JobRunId }),
        );
        return ['STARTING', 'RUNNING', 'WAITING'].includes(JobRun!.JobRunState!)
          ? undefined
          : JobRun!;
      },
      { timeoutMs: 240_000 },
    );
    expect(run.JobRunState).toBe('FAILED');
    // Spark's reader found the file is no Parquet: the error is the run's own.
    expect(run.ErrorMessage).toMatch(/parquet/i);

    await signInAsGuest(page);
    await page.goto('/catalog/default/resource/sakila_bronze.film_text/runs');
    const failed = page.getByRole('row').filter({ hasText: JobRunId! });
    await expect(failed).toContainText(/failed/i, { timeout: 60_000 });
    await expect(failed).toContainText(/parquet/i);
    await failed.getByText('Log tail').click();
    const tail = failed.getByLabel('Log tail');
    await expect(tail).toBeVisible();
    await expect(tail).toContainText(/Traceback|Exception/);
    await failed.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: 'test-results/runs-real-failure.png',
      fullPage: true,
    });
  } finally {
    await s3.send(new DeleteObjectCommand(BROKEN));
  }
});
