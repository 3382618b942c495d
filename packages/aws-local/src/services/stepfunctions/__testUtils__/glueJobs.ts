/*
 * A minimal Glue job-run double for the interpreter's unit tests: runs finish after a fixed
 * emulator time, fail when their arguments ask for it, and refuse to start with
 * ConcurrentRunsExceededException as many times as a job is told to. Contract tests use the
 * emulator's real Glue service instead.
 */
import { AwsError, ServiceDefinition } from '../../../core/types';

interface Run {
  Id: string;
  JobName: string;
  Arguments: Record<string, string>;
  startedAt: number;
  JobRunState?: string;
}

export function glueJobsDouble(
  options: { rejectStarts?: Record<string, number> } = {},
) {
  const runs: Run[] = [];
  const rejections = { ...options.rejectStarts };
  const service: ServiceDefinition = {
    signingName: 'glue',
    protocol: 'json',
    targetPrefix: 'AWSGlue',
    operations: {
      StartJobRun(input, ctx) {
        if (input.JobName === 'missing') {
          throw new AwsError(
            'EntityNotFoundException',
            'Job missing not found',
          );
        }
        if ((rejections[input.JobName] ?? 0) > 0) {
          rejections[input.JobName]--;
          throw new AwsError(
            'ConcurrentRunsExceededException',
            `Concurrent runs exceeded for ${input.JobName}`,
          );
        }
        const run: Run = {
          Id: `jr_${runs.length + 1}`,
          JobName: input.JobName,
          Arguments: input.Arguments ?? {},
          startedAt: ctx.clock.now().getTime(),
        };
        runs.push(run);
        return { JobRunId: run.Id };
      },
      GetJobRun(input, ctx) {
        const run = runs.find(
          r => r.Id === input.RunId && r.JobName === input.JobName,
        );
        if (!run) {
          throw new AwsError('EntityNotFoundException', 'Job run not found');
        }
        const elapsed = (ctx.clock.now().getTime() - run.startedAt) * 1000;
        let state = run.JobRunState ?? 'RUNNING';
        if (!run.JobRunState && elapsed >= 3000) {
          state = run.Arguments['--fail'] === 'true' ? 'FAILED' : 'SUCCEEDED';
        }
        return {
          JobRun: {
            Id: run.Id,
            JobName: run.JobName,
            JobRunState: state,
            Arguments: run.Arguments,
            ...(state === 'FAILED'
              ? { ErrorMessage: 'Job failed as asked' }
              : {}),
          },
        };
      },
      BatchStopJobRun(input) {
        for (const id of input.JobRunIds) {
          const run = runs.find(r => r.Id === id);
          if (run) run.JobRunState = 'STOPPED';
        }
        return {
          SuccessfulSubmissions: input.JobRunIds.map((JobRunId: string) => ({
            JobName: input.JobName,
            JobRunId,
          })),
          Errors: [],
        };
      },
    },
  };
  return { service, runs };
}
