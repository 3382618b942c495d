/*
 * The Amazon States Language definition of a source's pipeline: every bronze job in parallel, then
 * every silver job, then every gold job; each a `glue:startJobRun.sync` task that retries on Glue's
 * concurrency and throttling errors, and any failure caught into one Fail state.
 */
import { LakeLayer } from '../glue/pipelineConfig';
import { PipelineJob } from '../glue/pipelineJobs';

/** @public */
export const GLUE_SYNC_RESOURCE = 'arn:aws:states:::glue:startJobRun.sync';

/** The name of the Fail state every stage's Catch leads to. @public */
export const PIPELINE_FAILED_STATE = 'PipelineFailed';

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

function jobTask(job: PipelineJob, policy: PipelineRetryPolicy): Json {
  return {
    Type: 'Task',
    Comment: `${job.kind} of ${job.table}`,
    Resource: GLUE_SYNC_RESOURCE,
    Parameters: { JobName: job.name },
    Retry: retriers(policy),
    End: true,
  };
}

/** A Parallel state with one branch per job, passing its input on unchanged. */
function stage(
  jobs: PipelineJob[],
  policy: PipelineRetryPolicy,
  next: string,
): Json {
  return {
    Type: 'Parallel',
    Branches: jobs.map(job => ({
      StartAt: job.name,
      States: { [job.name]: jobTask(job, policy) },
    })),
    ResultPath: null,
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
  const states: Json = {};
  stages.forEach((s, i) => {
    const next =
      i + 1 < stages.length
        ? STAGE_NAMES[stages[i + 1].layer]
        : 'PipelineSucceeded';
    states[STAGE_NAMES[s.layer]] = stage(s.jobs, policy, next);
  });
  states.PipelineSucceeded = { Type: 'Succeed' };
  states[PIPELINE_FAILED_STATE] = {
    Type: 'Fail',
    Error: 'DatalakePipelineFailed',
    Cause: `A Glue job of pipeline ${pipelineName} failed after its retries; the execution history names the job run and its error`,
  };
  return {
    Comment: `Data lake pipeline ${pipelineName}: landing → bronze → silver → gold${
      schedule ? `; schedule ${schedule}` : ''
    }`,
    StartAt: STAGE_NAMES[stages[0].layer],
    States: states,
  };
}
