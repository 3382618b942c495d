/*
 * The Amazon States Language definition of a source's pipeline: every bronze job in parallel, then
 * every silver job, then every gold job; each a `glue:startJobRun.sync` task that retries on Glue's
 * concurrency and throttling errors. A job that still fails fails only its own table's line: the
 * silver and gold jobs reading its table are skipped, every other table goes on, and the execution
 * ends in one Fail state when any job failed.
 */
import { LakeLayer } from '../glue/pipelineConfig';
import { PipelineJob } from '../glue/pipelineJobs';

/** @public */
export const GLUE_SYNC_RESOURCE = 'arn:aws:states:::glue:startJobRun.sync';

/** The name of the Fail state a failed job run or a stage's Catch leads to. @public */
export const PIPELINE_FAILED_STATE = 'PipelineFailed';

/** The Choice after the last stage: did any job fail? */
const OUTCOME_STATE = 'CheckOutcomes';

/** How a task retries. @public */
export type PipelineRetryPolicy = {
  /** Retries of a job run that ended FAILED/TIMEOUT (`States.TaskFailed`); 0 turns them off. */
  taskFailedMaxAttempts: number;
};

type Json = Record<string, unknown>;

const STAGE_NAMES: Record<LakeLayer, string> = {
  bronze: 'Bronze',
  silver: 'Silver',
  gold: 'Gold',
};

function retriers(policy: PipelineRetryPolicy): Json[] {
  return [
    {
      // Runs of the same job overlap when a schedule fires while the previous run still works.
      ErrorEquals: ['Glue.ConcurrentRunsExceededException'],
      IntervalSeconds: 60,
      MaxAttempts: 5,
      BackoffRate: 2,
    },
    {
      ErrorEquals: [
        'Glue.ThrottlingException',
        'Glue.InternalServiceException',
        'Glue.AWSGlueException',
      ],
      IntervalSeconds: 5,
      MaxAttempts: 3,
      BackoffRate: 2,
    },
    ...(policy.taskFailedMaxAttempts > 0
      ? [
          {
            ErrorEquals: ['States.TaskFailed'],
            IntervalSeconds: 120,
            MaxAttempts: policy.taskFailedMaxAttempts,
            BackoffRate: 2,
          },
        ]
      : []),
  ];
}

/** The state names of a job's branch; Step Functions wants every state name unique in the machine. */
const branchState = {
  check: (job: PipelineJob) => `${job.name} check`,
  ok: (job: PipelineJob) => `${job.name} ok`,
  failed: (job: PipelineJob) => `${job.name} failed`,
  skipped: (job: PipelineJob) => `${job.name} skipped`,
};

/** Where the stage of `layer` puts its branches' outcomes, one `{job, failed}` per branch. */
const outcomesPath = (layer: LakeLayer) => `$.outcomes.${STAGE_NAMES[layer]}`;

/** A Choice rule that holds when any of the given branch outcomes failed. */
function anyFailed(outcomes: { layer: LakeLayer; index: number }[]): Json {
  const rules = outcomes.map(o => ({
    Variable: `${outcomesPath(o.layer)}[${o.index}].failed`,
    BooleanEquals: true,
  }));
  return rules.length === 1 ? rules[0] : { Or: rules };
}

/**
 * One job's branch. A failed run is caught into the branch's outcome instead of failing the
 * Parallel state, which would stop every other table's job (AWS: "If any branch fails … the entire
 * Parallel state fails", https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html).
 * A job whose upstream job failed is skipped, so that no table is rebuilt from stale input.
 */
function jobBranch(
  job: PipelineJob,
  policy: PipelineRetryPolicy,
  upstream: { layer: LakeLayer; index: number }[],
): Json {
  const states: Json = {};
  if (upstream.length > 0) {
    states[branchState.check(job)] = {
      Type: 'Choice',
      Choices: [{ ...anyFailed(upstream), Next: branchState.skipped(job) }],
      Default: job.name,
    };
    states[branchState.skipped(job)] = {
      Type: 'Pass',
      Result: {
        job: job.name,
        failed: true,
        skipped: true,
        cause: `not run: a job it reads from failed (${job.after.join(', ')})`,
      },
      End: true,
    };
  }
  states[job.name] = {
    Type: 'Task',
    Comment: `${job.kind} of ${job.table}`,
    Resource: GLUE_SYNC_RESOURCE,
    Parameters: { JobName: job.name },
    Retry: retriers(policy),
    Catch: [
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: branchState.failed(job),
      },
    ],
    Next: branchState.ok(job),
  };
  states[branchState.ok(job)] = {
    Type: 'Pass',
    Result: { job: job.name, failed: false },
    End: true,
  };
  states[branchState.failed(job)] = {
    Type: 'Pass',
    Parameters: {
      job: job.name,
      failed: true,
      'error.$': '$.error.Error',
      'cause.$': '$.error.Cause',
    },
    End: true,
  };
  return {
    StartAt: upstream.length > 0 ? branchState.check(job) : job.name,
    States: states,
  };
}

/**
 * A Parallel state with one branch per job; it adds the branches' outcomes to its input. Its Catch
 * is for errors outside the job runs (a branch's own failures are outcomes).
 */
function stage(
  layer: LakeLayer,
  jobs: PipelineJob[],
  policy: PipelineRetryPolicy,
  indexOf: Map<string, { layer: LakeLayer; index: number }>,
  next: string,
): Json {
  return {
    Type: 'Parallel',
    Branches: jobs.map(job =>
      jobBranch(
        job,
        policy,
        job.after.flatMap(name => indexOf.get(name) ?? []),
      ),
    ),
    ResultPath: outcomesPath(layer),
    Catch: [
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: PIPELINE_FAILED_STATE,
      },
    ],
    Next: next,
  };
}

/**
 * Builds the pipeline's state machine definition from its jobs (maintenance jobs are not part of
 * it). Stages without jobs are left out.
 *
 * @public
 */
export function buildPipelineDefinition(
  pipelineName: string,
  jobs: PipelineJob[],
  policy: PipelineRetryPolicy,
  schedule?: string,
): Json {
  const stages = (['bronze', 'silver', 'gold'] as const)
    .map(layer => ({ layer, jobs: jobs.filter(j => j.layer === layer) }))
    .filter(s => s.jobs.length > 0);
  const indexOf = new Map(
    stages.flatMap(s =>
      s.jobs.map(
        (job, index) => [job.name, { layer: s.layer, index }] as const,
      ),
    ),
  );
  const states: Json = {};
  stages.forEach((s, i) => {
    const next =
      i + 1 < stages.length ? STAGE_NAMES[stages[i + 1].layer] : OUTCOME_STATE;
    states[STAGE_NAMES[s.layer]] = stage(
      s.layer,
      s.jobs,
      policy,
      indexOf,
      next,
    );
  });
  // Every table's jobs ran (or were skipped); the execution fails when any of them failed.
  states[OUTCOME_STATE] = {
    Type: 'Choice',
    Choices: [
      { ...anyFailed([...indexOf.values()]), Next: PIPELINE_FAILED_STATE },
    ],
    Default: 'PipelineSucceeded',
  };
  states.PipelineSucceeded = { Type: 'Succeed' };
  states[PIPELINE_FAILED_STATE] = {
    Type: 'Fail',
    Error: 'DatalakePipelineFailed',
    Cause: `A Glue job of pipeline ${pipelineName} failed after its retries, and the jobs reading its table were skipped; the other tables' jobs ran. The execution history names the job run and its error`,
  };
  return {
    Comment: `Data lake pipeline ${pipelineName}: landing → bronze → silver → gold${
      schedule ? `; schedule ${schedule}` : ''
    }`,
    StartAt: STAGE_NAMES[stages[0].layer],
    States: states,
  };
}
