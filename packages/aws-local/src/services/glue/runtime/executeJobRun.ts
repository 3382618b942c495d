import fs from 'node:fs/promises';
import path from 'node:path';
import { ServiceContext } from '../../../core/types';
import { appendLogEvents } from '../../cloudwatchlogs';
import { JobArgumentsError, sparkRunSettings } from './glueJobArguments';
import { findSparkRuntime } from './sparkHome';
import { SparkDriverPool } from './SparkDriverPool';

/** What a real run records as it goes; the Glue view reads it. */
export type JobRunExecution = {
  state:
    | 'STARTING'
    | 'RUNNING'
    | 'STOPPING'
    | 'STOPPED'
    | 'SUCCEEDED'
    | 'FAILED'
    | 'TIMEOUT';
  /** Epoch ms when a driver took the run, and when it ended. */
  runningAtMs?: number;
  endedAtMs?: number;
  errorMessage?: string;
};

/** Log groups Glue writes a run's driver output and errors to; the stream is the run id. */
export const GLUE_OUTPUT_LOG_GROUP = '/aws-glue/jobs/output';
export const GLUE_ERROR_LOG_GROUP = '/aws-glue/jobs/error';

const POOL = 'glue.spark-drivers';
const LIVE = 'glue.live-runs';

/** Runs this emulator process is executing; a stored active run not in it died with a restart. */
export function liveRuns(ctx: ServiceContext): Set<string> {
  return ctx.resource(LIVE, () =>
    Object.assign(new Set<string>(), { close() {} }),
  );
}

/**
 * The emulator's pool of warm drivers, or why there is none. The runtime is looked up once per
 * emulator (it is files on disk), not on every run.
 */
function driverPool(
  ctx: ServiceContext,
): SparkDriverPool | { missing: string } {
  return ctx.resource<SparkDriverPool | { missing: string; close(): void }>(
    POOL,
    () => {
      const runtime = findSparkRuntime(
        (ctx.settings.sparkHome as string | undefined) ?? undefined,
      );
      if ('missing' in runtime) return { ...runtime, close() {} };
      const endpoint = String(
        ctx.settings.endpointUrl ?? 'http://127.0.0.1:4566',
      );
      return new SparkDriverPool(
        runtime,
        Math.max(1, ctx.settings.glueSparkWorkers),
        {
          ...process.env,
          // Iceberg's AWS clients in the driver sign with these; the emulator accepts any key.
          AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'aws-local',
          AWS_SECRET_ACCESS_KEY:
            process.env.AWS_SECRET_ACCESS_KEY ?? 'aws-local',
          AWS_REGION: ctx.region,
        },
        s3FileSystemConf(endpoint),
      );
    },
  );
}

/**
 * Glue reads and lists `s3://` paths itself (a job's `spark.read.parquet("s3://…")`, Hadoop's
 * FileSystem API); locally Hadoop's S3A file system serves that scheme, pointed at the emulator.
 */
function s3FileSystemConf(endpoint: string): Record<string, string> {
  const conf: Record<string, string> = {
    'fs.s3.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
    'fs.s3a.endpoint': endpoint,
    'fs.s3a.path.style.access': 'true',
    'fs.s3a.connection.ssl.enabled': String(endpoint.startsWith('https:')),
    'fs.s3a.aws.credentials.provider':
      'org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider',
    'fs.s3a.access.key': process.env.AWS_ACCESS_KEY_ID ?? 'aws-local',
    'fs.s3a.secret.key': process.env.AWS_SECRET_ACCESS_KEY ?? 'aws-local',
  };
  return Object.fromEntries(
    Object.entries(conf).map(([k, v]) => [`spark.hadoop.${k}`, v]),
  );
}

function splitS3Uri(uri: string) {
  const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { Bucket: match[1], Key: match[2] } : undefined;
}

async function readLines(file: string): Promise<string[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(line => line.length > 0);
}

/**
 * Executes a Glue job run on the local Spark runtime: fetches the job's script from the emulator's
 * S3, turns the arguments into session settings as Glue does, runs it on a warm driver, and records
 * the run's state, error and logs (CloudWatch Logs) from what happened.
 */
export async function executeJobRun(
  ctx: ServiceContext,
  run: {
    id: string;
    jobName: string;
    scriptLocation: string;
    arguments: Record<string, string>;
    timeoutMinutes: number;
  },
  update: (change: Partial<JobRunExecution>) => JobRunExecution | undefined,
): Promise<void> {
  const live = liveRuns(ctx);
  live.add(run.id);
  const finish = async (
    change: Partial<JobRunExecution>,
    files?: { stdout: string; stderr: string },
  ) => {
    const endedAtMs = Date.now();
    if (files) {
      appendLogEvents(
        ctx,
        GLUE_OUTPUT_LOG_GROUP,
        run.id,
        await readLines(files.stdout),
      );
    }
    const errorLines = files ? await readLines(files.stderr) : [];
    if (change.errorMessage) errorLines.push(change.errorMessage);
    if (errorLines.length > 0) {
      appendLogEvents(ctx, GLUE_ERROR_LOG_GROUP, run.id, errorLines);
    }
    update({ ...change, endedAtMs });
    live.delete(run.id);
  };
  const pool = driverPool(ctx);
  if ('missing' in pool) {
    await finish({
      state: 'FAILED',
      errorMessage: `aws-local did not execute this run: ${pool.missing}`,
    });
    return;
  }
  const location = splitS3Uri(run.scriptLocation);
  if (!location) {
    await finish({
      state: 'FAILED',
      errorMessage: `Command.ScriptLocation '${run.scriptLocation}' is not an s3:// URI`,
    });
    return;
  }
  const dir = path.join(
    String(ctx.settings.stateDir ?? '.'),
    'glue-runs',
    run.id,
  );
  await fs.mkdir(dir, { recursive: true });
  const files = {
    script: path.join(dir, path.posix.basename(location.Key)),
    stdout: path.join(dir, 'stdout.log'),
    stderr: path.join(dir, 'stderr.log'),
  };
  let settings;
  try {
    const object = await ctx.invoke('s3', 'GetObject', location);
    await fs.writeFile(files.script, object.Body as Buffer);
    settings = sparkRunSettings({
      jobName: run.jobName,
      runId: run.id,
      arguments: run.arguments,
      endpointUrl: String(ctx.settings.endpointUrl ?? 'http://127.0.0.1:4566'),
      region: ctx.region,
    });
  } catch (error) {
    const message =
      error instanceof JobArgumentsError
        ? error.message
        : `Cannot read the script ${run.scriptLocation}: ${
            (error as Error).message
          }`;
    await finish({ state: 'FAILED', errorMessage: message });
    return;
  }
  // Glue stops a run at its Timeout (minutes) with the state TIMEOUT.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    pool.stop(run.id);
  }, run.timeoutMinutes * 60_000);
  timer.unref();
  pool.submit(
    {
      id: run.id,
      script: files.script,
      args: settings.scriptArgs,
      conf: settings.conf,
      stdout: files.stdout,
      stderr: files.stderr,
    },
    {
      onStarted: () => {
        update({ state: 'RUNNING', runningAtMs: Date.now() });
      },
      onFinished: outcome => {
        clearTimeout(timer);
        const state = timedOut ? 'TIMEOUT' : outcome.state;
        void finish(
          {
            state,
            errorMessage:
              state === 'TIMEOUT'
                ? `Job run timed out after ${run.timeoutMinutes} minutes`
                : outcome.error,
          },
          files,
        );
      },
    },
  );
}

/** Asks the driver to stop a run (BatchStopJobRun); the run ends STOPPED when it has. */
export function stopJobRun(ctx: ServiceContext, runId: string) {
  const pool = driverPool(ctx);
  if (!('missing' in pool)) pool.stop(runId);
}
