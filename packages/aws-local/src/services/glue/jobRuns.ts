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
import {
  executeJobRun,
  JobRunExecution,
  liveRuns,
  stopJobRun,
} from './runtime/executeJobRun';

type RunState = JobRunExecution['state'];

/**
 * A run as stored. An executed run (`glueJobExecution: spark`, the default) records what happens
 * to it in `execution`; a simulated run's timeline is planned at start in `plan`, in real epoch
 * milliseconds.
 */
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
  execution?: JobRunExecution;
  plan?: {
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

/** The run's state at `nowMs`: what its execution recorded, or where its planned timeline is. */
function stateAt(run: StoredJobRun, nowMs: number): RunState {
  if (run.execution) return run.execution.state;
  const plan = run.plan!;
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
  const timing = run.execution
    ? executedTiming(run.execution)
    : plannedTiming(run, ctx, nowMs);
  const { state, finished, completedMs, executionSeconds, errorMessage } =
    timing;
  const workers = run.NumberOfWorkers ?? 10;
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
    ErrorMessage: errorMessage,
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

type RunTiming = {
  state: RunState;
  finished: boolean;
  completedMs: number;
  executionSeconds: number;
  errorMessage?: string;
};

/** An executed run: its times are measured, in real time, as on AWS. */
function executedTiming(execution: JobRunExecution): RunTiming {
  const finished = !ACTIVE_STATES.has(execution.state);
  const nowMs = Date.now();
  const completedMs = execution.endedAtMs ?? nowMs;
  const executionSeconds = execution.runningAtMs
    ? Math.max(0, Math.round((completedMs - execution.runningAtMs) / 1000))
    : 0;
  return {
    state: execution.state,
    finished,
    completedMs,
    executionSeconds,
    errorMessage: ['FAILED', 'TIMEOUT'].includes(execution.state)
      ? execution.errorMessage
      : undefined,
  };
}

function plannedTiming(
  run: StoredJobRun,
  ctx: ServiceContext,
  nowMs: number,
): RunTiming {
  const plan = run.plan!;
  const state = stateAt(run, nowMs);
  const finished = !ACTIVE_STATES.has(state);
  const completedMs =
    plan.stopRequestedAtMs !== undefined
      ? plan.stoppedAtMs ?? plan.stopRequestedAtMs + 1000
      : plan.endsAtMs;
  const executionSeconds = finished
    ? plan.executionSeconds
    : Math.max(0, Math.round(((nowMs - plan.runningAtMs) / 1000) * speed(ctx)));
  return {
    state,
    finished,
    completedMs,
    executionSeconds,
    errorMessage: state === 'FAILED' ? plan.errorMessage : undefined,
  };
}

/**
 * An executed run that is still active in the store but not in this process died with an earlier
 * emulator process; it is recorded as failed, as a run whose driver disappeared is on Glue.
 */
function settleOrphan(ctx: ServiceContext, run: StoredJobRun): StoredJobRun {
  if (
    !run.execution ||
    !ACTIVE_STATES.has(run.execution.state) ||
    liveRuns(ctx).has(run.Id)
  ) {
    return run;
  }
  const settled: StoredJobRun = {
    ...run,
    execution: {
      ...run.execution,
      state: 'FAILED',
      endedAtMs: run.execution.endedAtMs ?? Date.now(),
      errorMessage: 'The emulator stopped while the run was active',
    },
  };
  runs(ctx).put(runKey(run.JobName, run.Id), settled);
  return settled;
}

function newRunId() {
  return `jr_${randomBytes(32).toString('hex')}`;
}

function getRunOrThrow(ctx: ServiceContext, jobName: string, runId: string) {
  const run = runs(ctx).get(runKey(jobName, runId));
  if (!run) throw notFound(`Job run ${runId} of job ${jobName} not found.`);
  return settleOrphan(ctx, run);
}

/** Applies a change to an executed run as it happens (a late change after close is dropped). */
function recordExecution(
  ctx: ServiceContext,
  jobName: string,
  runId: string,
  change: Partial<JobRunExecution>,
): JobRunExecution | undefined {
  try {
    const run = runs(ctx).get(runKey(jobName, runId));
    if (!run?.execution) return undefined;
    // A stop request wins over a driver that reports RUNNING after it.
    const applied =
      run.execution.state === 'STOPPING' && change.state === 'RUNNING'
        ? { runningAtMs: change.runningAtMs }
        : change;
    const execution = { ...run.execution, ...applied };
    runs(ctx).put(runKey(jobName, runId), { ...run, execution });
    return execution;
  } catch {
    return undefined;
  }
}

export const jobRunOperations = {
  StartJobRun(input: any, ctx: ServiceContext) {
    const jobName = requireString(input, 'JobName');
    const job = getJobOrThrow(ctx, jobName);
    const nowMs = ctx.clock.now().getTime();
    const active = withPrefix(runs(ctx), `${jobName}/`).filter(run =>
      ACTIVE_STATES.has(stateAt(settleOrphan(ctx, run), nowMs)),
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
    const timeoutMinutes =
      input.Timeout ?? (job.Timeout as number | undefined) ?? 2880;
    const id = newRunId();
    // What every run records, executed or simulated.
    const base = {
      Id: id,
      JobName: jobName,
      Attempt: 0,
      PreviousRunId: input.JobRunId,
      Arguments: args,
      StartedOn: nowMs / 1000,
      Timeout: timeoutMinutes,
      WorkerType: input.WorkerType ?? (job.WorkerType as string | undefined),
      NumberOfWorkers:
        input.NumberOfWorkers ?? (job.NumberOfWorkers as number | undefined),
      GlueVersion: job.GlueVersion as string | undefined,
    };
    if (ctx.settings.glueJobExecution !== 'simulated') {
      runs(ctx).put(runKey(jobName, id), {
        ...base,
        execution: { state: 'STARTING' },
      });
      void executeJobRun(
        ctx,
        {
          id,
          jobName,
          scriptLocation: String(
            (job.Command as { ScriptLocation?: string })?.ScriptLocation ?? '',
          ),
          arguments: args,
          timeoutMinutes,
        },
        change => recordExecution(ctx, jobName, id, change),
      );
      return { JobRunId: id };
    }
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
    runs(ctx).put(runKey(jobName, id), {
      ...base,
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
      JobRuns: page.map(run => view(settleOrphan(ctx, run), ctx)),
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
      const stored = runs(ctx).get(runKey(jobName, runId));
      const run = stored && settleOrphan(ctx, stored);
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
      if (run.execution) {
        if (state !== 'STOPPING') {
          recordExecution(ctx, jobName, runId, { state: 'STOPPING' });
          stopJobRun(ctx, runId);
        }
      } else if (state !== 'STOPPING') {
        const plan = run.plan!;
        runs(ctx).put(runKey(jobName, runId), {
          ...run,
          plan: {
            ...plan,
            stopRequestedAtMs: nowMs,
            stoppedAtMs: nowMs + 1000 / speed(ctx),
            executionSeconds: Math.max(
              0,
              Math.round(((nowMs - plan.runningAtMs) / 1000) * speed(ctx)),
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
