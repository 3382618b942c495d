/*
 * Task state resources: the optimised Glue integration (`glue:startJobRun` and its `.sync`
 * form, which polls GetJobRun on the emulator clock) and the AWS SDK integrations
 * (`aws-sdk:<service>:<action>`), both served by the other emulated services through
 * `ctx.invoke`.
 */
import { AwsError, ServiceContext } from '../../core/types';
import { JsonValue } from './asl';
import { Cancellation } from './cancellation';
import { ExecutionError, runtimeError } from './errors';

export interface TaskResource {
  /** `glue`, as the history's `resourceType` shows it. */
  resourceType: string;
  /** `startJobRun.sync`, `getTable`… as the history's `resource` shows it. */
  resource: string;
  run(
    parameters: JsonValue,
    ctx: ServiceContext,
    cancel: Cancellation,
    onSubmitted: (output: JsonValue) => void,
  ): Promise<JsonValue>;
}

const GLUE_TERMINAL_FAILURES = new Set([
  'FAILED',
  'STOPPED',
  'TIMEOUT',
  'ERROR',
  'EXPIRED',
]);

/** Default emulator milliseconds between two GetJobRun polls of a `.sync` task. */
export const DEFAULT_SYNC_POLL_MS = 1000;

function pascalCase(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

function serviceErrorPrefix(service: string): string {
  return pascalCase(service);
}

/** Dates inside a service output become epoch milliseconds, as Step Functions renders them. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(
    JSON.stringify(value ?? {}, (_key, v) => {
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) {
        const ms = Date.parse(v);
        return Number.isNaN(ms) ? v : ms;
      }
      return v;
    }),
  );
}

async function call(
  ctx: ServiceContext,
  service: string,
  operation: string,
  input: JsonValue,
): Promise<any> {
  try {
    return await ctx.invoke(service, operation, input);
  } catch (e) {
    if (e instanceof AwsError) {
      throw new ExecutionError(
        `${serviceErrorPrefix(service)}.${e.code}`,
        e.message,
      );
    }
    throw new ExecutionError(
      'States.TaskFailed',
      String((e as Error)?.message ?? e),
    );
  }
}

function requireObject(
  parameters: JsonValue,
  resource: string,
): Record<string, JsonValue> {
  if (
    parameters === null ||
    typeof parameters !== 'object' ||
    Array.isArray(parameters)
  ) {
    throw runtimeError(`The Parameters of ${resource} must be an object`);
  }
  return parameters;
}

function glueStartJobRun(sync: boolean): TaskResource {
  const resource = sync ? 'startJobRun.sync' : 'startJobRun';
  return {
    resourceType: 'glue',
    resource,
    async run(parameters, ctx, cancel, onSubmitted) {
      const input = requireObject(parameters, resource);
      const started = await call(ctx, 'glue', 'StartJobRun', input);
      if (!sync) {
        return toJson(started);
      }
      onSubmitted(toJson({ ...started, JobName: input.JobName }));
      const pollMs =
        Number(ctx.settings.stepFunctionsSyncPollMs) || DEFAULT_SYNC_POLL_MS;
      try {
        for (;;) {
          await cancel.sleep(ctx.clock, pollMs);
          const { JobRun } = await call(ctx, 'glue', 'GetJobRun', {
            JobName: input.JobName,
            RunId: started.JobRunId,
          });
          if (JobRun?.JobRunState === 'SUCCEEDED') {
            return toJson(JobRun);
          }
          if (GLUE_TERMINAL_FAILURES.has(JobRun?.JobRunState)) {
            throw new ExecutionError(
              'States.TaskFailed',
              JSON.stringify(toJson(JobRun)),
            );
          }
        }
      } catch (e) {
        if (cancel.cancelled) {
          // Stopping the execution stops the job run it waits for, as AWS does. The execution
          // is already aborted, so a failure to stop has no one left to report to.
          await ctx
            .invoke('glue', 'BatchStopJobRun', {
              JobName: input.JobName,
              JobRunIds: [started.JobRunId],
            })
            .catch(() => undefined);
        }
        throw e;
      }
    },
  };
}

function awsSdk(service: string, action: string): TaskResource {
  return {
    resourceType: service,
    resource: action,
    async run(parameters, ctx) {
      const input = requireObject(parameters, `${service}:${action}`);
      return toJson(await call(ctx, service, pascalCase(action), input));
    },
  };
}

/** Resolves a Task's Resource ARN to an integration, or fails with States.Runtime. */
export function resolveTaskResource(arn: string): TaskResource {
  const glue = /^arn:aws:states:::glue:startJobRun(\.sync)?$/.exec(arn);
  if (glue) {
    return glueStartJobRun(Boolean(glue[1]));
  }
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/.exec(arn);
  if (sdk) {
    return awsSdk(sdk[1], sdk[2]);
  }
  throw runtimeError(
    `The resource '${arn}' is not supported by the emulator (supported: glue:startJobRun[.sync], aws-sdk:<service>:<action>)`,
  );
}
