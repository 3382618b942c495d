import { randomBytes } from 'node:crypto';
import { AwsError, ServiceContext } from '../../core/types';
import { pageSize } from '../../core/pagination';
import {
  collections,
  invalidInput,
  notFound,
  requireString,
  withPrefix,
} from './common';
import { getJobOrThrow } from './jobs';

type RunState =
  | 'STARTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'STOPPED'
  | 'SUCCEEDED'
  | 'FAILED';

/** A run as stored: its timeline is planned at start, in real epoch milliseconds. */
interface StoredJobRun {
  Id: string;
  JobName: string;
  Attempt: number;
  PreviousRunId?: string;
  Arguments: Record<string, string>;
  StartedOn: number;
  Timeout: number;
  WorkerType?: string;
  NumberOfWorkers?: number;
  GlueVersion?: string;
  plan: {
    runningAtMs: number;
    endsAtMs: number;
    outcome: 'SUCCEEDED' | 'FAILED';
    errorMessage?: string;
    /** Emulated seconds the run lasts: what ExecutionTime reports. */
    executionSeconds: number;
    stopRequestedAtMs?: number;
    /** When a requested stop completes (STOPPING lasts one emulated second). */
    stoppedAtMs?: number;
  };
}

/** Test hook: the next run of a job fails with this message. */
interface FailNext {
  JobName: string;
  message: string;
}

const FAIL_ARGUMENT = '--aws-local-fail';
const FAIL_MESSAGE_ARGUMENT = '--aws-local-fail-message';
const DURATION_ARGUMENT = '--aws-local-duration-ms';
const ACTIVE_STATES = new Set<RunState>(['STARTING', 'RUNNING', 'STOPPING']);

const runs = (ctx: ServiceContext) =>
  ctx.state.collection<StoredJobRun>(collections.jobRuns);
const failNext = (ctx: ServiceContext) =>
  ctx.state.collection<FailNext>(collections.failNext);
const runKey = (jobName: string, runId: string) => `${jobName}/${runId}`;

const speed = (ctx: ServiceContext) => Number(ctx.settings.clockSpeed ?? 1);

/** The run's state at `nowMs`, derived from its planned timeline. */
function stateAt(run: StoredJobRun, nowMs: number): RunState {
  const { plan } = run;
  if (plan.stopRequestedAtMs !== undefined) {
    return nowMs < (plan.stoppedAtMs ?? plan.stopRequestedAtMs + 1000)
      ? 'STOPPING'
      : 'STOPPED';
  }
  if (nowMs < plan.runningAtMs) return 'STARTING';
  if (nowMs < plan.endsAtMs) return 'RUNNING';
  return plan.outcome;
}

/** The JobRun shape Glue returns, as of now. */
function view(run: StoredJobRun, ctx: ServiceContext) {
  const nowMs = ctx.clock.now().getTime();
  const state = stateAt(run, nowMs);
  const finished = !ACTIVE_STATES.has(state);
  const completedMs =
    run.plan.stopRequestedAtMs !== undefined
      ? run.plan.stoppedAtMs ?? run.plan.stopRequestedAtMs + 1000
      : run.plan.endsAtMs;
  const workers = run.NumberOfWorkers ?? 10;
  const executionSeconds = finished
    ? run.plan.executionSeconds
    : Math.max(
        0,
        Math.round(((nowMs - run.plan.runningAtMs) / 1000) * speed(ctx)),
      );
  return {
    Id: run.Id,
    Attempt: run.Attempt,
    PreviousRunId: run.PreviousRunId,
    JobName: run.JobName,
    JobMode: 'SCRIPT',
    StartedOn: run.StartedOn,
    LastModifiedOn: Math.min(nowMs, finished ? completedMs : nowMs) / 1000,
    CompletedOn: finished ? completedMs / 1000 : undefined,
    JobRunState: state,
    Arguments: run.Arguments,
    ErrorMessage: state === 'FAILED' ? run.plan.errorMessage : undefined,
    PredecessorRuns: [],
    AllocatedCapacity: workers,
    ExecutionTime: executionSeconds,
    Timeout: run.Timeout,
    MaxCapacity: workers,
    WorkerType: run.WorkerType ?? 'G.1X',
    NumberOfWorkers: workers,
    GlueVersion: run.GlueVersion,
    DPUSeconds: executionSeconds * workers,
    ExecutionClass: 'STANDARD',
  };
}

function newRunId() {
  return `jr_${randomBytes(32).toString('hex')}`;
}

function getRunOrThrow(ctx: ServiceContext, jobName: string, runId: string) {
  const run = runs(ctx).get(runKey(jobName, runId));
  if (!run) throw notFound(`Job run ${runId} of job ${jobName} not found.`);
  return run;
}

export const jobRunOperations = {
  StartJobRun(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    const job = getJobOrThrow(ctx, jobName);
    const nowMs = ctx.clock.now().getTime();
    const active = withPrefix(runs(ctx), `${jobName}/`).filter(run =>
      ACTIVE_STATES.has(stateAt(run, nowMs)),
    ).length;
    if (active >= job.ExecutionProperty.MaxConcurrentRuns) {
      throw new AwsError(
        'ConcurrentRunsExceededException',
        `Concurrent runs exceeded for ${jobName}`,
      );
    }
    const args: Record<string, string> = {
      ...job.DefaultArguments,
      ...input.Arguments,
    };
    const startingMs = Number(ctx.settings.glueJobStartingMs);
    const runningMs = Number(
      args[DURATION_ARGUMENT] ?? ctx.settings.glueJobRunningMs,
    );
    if (!(runningMs >= 0)) {
      throw invalidInput(
        `${DURATION_ARGUMENT} must be a number of milliseconds`,
      );
    }
    const forcedFailure = failNext(ctx).get(jobName);
    if (forcedFailure) failNext(ctx).delete(jobName);
    const fails = forcedFailure || args[FAIL_ARGUMENT] === 'true';
    const runningAtMs = nowMs + startingMs / speed(ctx);
    const id = newRunId();
    runs(ctx).put(runKey(jobName, id), {
      Id: id,
      JobName: jobName,
      Attempt: 0,
      PreviousRunId: input.JobRunId,
      Arguments: args,
      StartedOn: nowMs / 1000,
      Timeout: input.Timeout ?? (job.Timeout as number | undefined) ?? 2880,
      WorkerType: input.WorkerType ?? (job.WorkerType as string | undefined),
      NumberOfWorkers:
        input.NumberOfWorkers ?? (job.NumberOfWorkers as number | undefined),
      GlueVersion: job.GlueVersion as string | undefined,
      plan: {
        runningAtMs,
        endsAtMs: runningAtMs + runningMs / speed(ctx),
        outcome: fails ? 'FAILED' : 'SUCCEEDED',
        errorMessage: fails
          ? forcedFailure?.message ??
            args[FAIL_MESSAGE_ARGUMENT] ??
            'An error occurred while calling o123.pyWriteDynamicFrame (failure requested by --aws-local-fail)'
          : undefined,
        executionSeconds: Math.round(runningMs / 1000),
      },
    });
    return { JobRunId: id };
  },

  GetJobRun(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    const run = getRunOrThrow(ctx, jobName, requireString(input, 'RunId'));
    return { JobRun: view(run, ctx) };
  },

  /** Newest first; the token is an offset, as runs only ever get added at the front. */
  GetJobRuns(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    getJobOrThrow(ctx, jobName);
    const limit = pageSize(input.MaxResults, {
      min: 1,
      max: 200,
      fallback: 200,
      field: 'maxResults',
    });
    const all = withPrefix(runs(ctx), `${jobName}/`).sort(
      (a, b) => b.StartedOn - a.StartedOn || (a.Id < b.Id ? -1 : 1),
    );
    let start = 0;
    if (input.NextToken) {
      const after = Buffer.from(
        String(input.NextToken),
        'base64url',
      ).toString();
      const index = all.findIndex(run => run.Id === after);
      if (index < 0) throw invalidInput('The pagination token is invalid');
      start = index + 1;
    }
    const page = all.slice(start, start + limit);
    return {
      JobRuns: page.map(run => view(run, ctx)),
      NextToken:
        start + limit < all.length
          ? Buffer.from(page[page.length - 1].Id).toString('base64url')
          : undefined,
    };
  },

  BatchStopJobRun(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    const nowMs = ctx.clock.now().getTime();
    const successful = [];
    const errors = [];
    for (const runId of input.JobRunIds ?? []) {
      const run = runs(ctx).get(runKey(jobName, runId));
      const state = run && stateAt(run, nowMs);
      if (!run || !state || !ACTIVE_STATES.has(state)) {
        errors.push({
          JobName: jobName,
          JobRunId: runId,
          ErrorDetail: run
            ? {
                ErrorCode: 'InvalidInputException',
                ErrorMessage: `Job run ${runId} is already ${state}.`,
              }
            : {
                ErrorCode: 'EntityNotFoundException',
                ErrorMessage: `Job run ${runId} not found.`,
              },
        });
        continue;
      }
      if (state !== 'STOPPING') {
        runs(ctx).put(runKey(jobName, runId), {
          ...run,
          plan: {
            ...run.plan,
            stopRequestedAtMs: nowMs,
            stoppedAtMs: nowMs + 1000 / speed(ctx),
            executionSeconds: Math.max(
              0,
              Math.round(((nowMs - run.plan.runningAtMs) / 1000) * speed(ctx)),
            ),
          },
        });
      }
      successful.push({ JobName: jobName, JobRunId: runId });
    }
    return { SuccessfulSubmissions: successful, Errors: errors };
  },
};

export const jobRunAdminRoutes = {
  /** `POST /_aws-local/glue/fail-next {JobName, message}`: the job's next run fails. */
  'fail-next'(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    const message =
      typeof input.message === 'string' && input.message
        ? input.message
        : `Job run of ${jobName} failed (requested through /_aws-local/glue/fail-next)`;
    failNext(ctx).put(jobName, { JobName: jobName, message });
    return { JobName: jobName, message };
  },
};
