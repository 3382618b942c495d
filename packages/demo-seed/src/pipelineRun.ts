/*
 * Runs the demo pipeline once and reports its progress: the first load of the demo lake takes
 * minutes on a laptop's Spark, so the seed says which jobs have finished while it waits instead
 * of going quiet.
 */
import { GetJobRunsCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SeedLogger } from './actionRunner';

/** How one execution of the pipeline ended. */
export type PipelineExecution = {
  name: string;
  status: string;
  /** The Glue runs it caused, by outcome. */
  runs: { succeeded: number; failed: number };
  /** The failed jobs and their errors, as Glue reported them. */
  failures: Array<{ job: string; error: string }>;
  seconds: number;
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Starts execution `name` of the state machine and waits for it, logging progress. */
export async function runPipeline(options: {
  sfn: SFNClient;
  glue: GlueClient;
  logger: SeedLogger;
  stateMachineArn: string;
  name: string;
  /** The pipeline's jobs, to count and report their runs. */
  jobNames: string[];
  /** Give up after this long; the first load of Sakila takes a few minutes. */
  timeoutMs?: number;
  pollMs?: number;
}): Promise<PipelineExecution> {
  const { sfn, glue, logger, stateMachineArn, name, jobNames } = options;
  const startedMs = Date.now();
  const { executionArn, startDate } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name }),
  );
  logger.info(
    `Pipeline execution ${name} started: ${jobNames.length} Glue jobs over the DMS full load`,
  );
  const since = startDate ?? new Date(startedMs);
  const deadline = startedMs + (options.timeoutMs ?? 30 * 60_000);
  let reported = -1;
  for (;;) {
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    const runs = await runsSince(glue, jobNames, since);
    const finished = runs.filter(r => r.finished).length;
    if (execution.status !== 'RUNNING') {
      const failures = runs
        .filter(r => r.state === 'FAILED' || r.state === 'TIMEOUT')
        .map(r => ({ job: r.job, error: r.error ?? r.state }));
      const result: PipelineExecution = {
        name,
        status: execution.status ?? 'UNKNOWN',
        runs: {
          succeeded: runs.filter(r => r.state === 'SUCCEEDED').length,
          failed: failures.length,
        },
        failures,
        seconds: Math.round((Date.now() - startedMs) / 1000),
      };
      logger.info(
        `Pipeline execution ${name}: ${result.status} after ${result.seconds} s, ${result.runs.succeeded} job runs succeeded, ${result.runs.failed} failed`,
      );
      for (const f of failures) {
        logger.warn(`Job ${f.job} failed: ${f.error.split('\n')[0]}`);
      }
      return result;
    }
    if (finished !== reported) {
      reported = finished;
      logger.info(
        `Pipeline execution ${name}: ${finished} of ${
          jobNames.length
        } job runs finished (${Math.round((Date.now() - startedMs) / 1000)} s)`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Pipeline execution ${name} still running after ${Math.round(
          (Date.now() - startedMs) / 1000,
        )} s`,
      );
    }
    await sleep(options.pollMs ?? 2_000);
  }
}

async function runsSince(glue: GlueClient, jobNames: string[], since: Date) {
  const runs = await Promise.all(
    jobNames.map(async job => {
      const { JobRuns = [] } = await glue.send(
        new GetJobRunsCommand({ JobName: job, MaxResults: 5 }),
      );
      return JobRuns.filter(
        r => r.StartedOn && r.StartedOn.getTime() >= since.getTime() - 1_000,
      ).map(r => ({
        job,
        state: r.JobRunState ?? 'UNKNOWN',
        finished: !['STARTING', 'RUNNING', 'STOPPING', 'WAITING'].includes(
          r.JobRunState ?? '',
        ),
        error: r.ErrorMessage,
      }));
    }),
  );
  return runs.flat();
}
