/*
 * Runs executions in the background of the emulator and keeps the in-memory handles (history
 * recorder, cancellation) of those still running. Handles live per emulator state, so an
 * emulator restarted on the same state finds RUNNING records without a handle: those are
 * marked FAILED, because the emulator does not resume executions.
 */
import { ServiceContext } from '../../core/types';
import { JsonValue, parseDefinition } from './asl';
import { Cancellation } from './cancellation';
import { ExecutionCancelled, ExecutionError } from './errors';
import { interpret } from './interpreter';
import {
  epochSeconds,
  ExecutionRecord,
  executions,
  HistoryRecorder,
} from './store';

interface RunningExecution {
  history: HistoryRecorder;
  cancel: Cancellation;
  done: Promise<void>;
}

type Registry = Map<string, RunningExecution>;

const registries = new WeakMap<object, Registry>();

export const RESTART_CAUSE =
  'The emulator restarted while this execution was running; aws-local does not resume executions.';

function finish(
  ctx: ServiceContext,
  history: HistoryRecorder,
  executionArn: string,
  outcome: Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'cause'>,
) {
  const record = executions(ctx).get(executionArn);
  if (!record || record.status !== 'RUNNING') {
    return;
  }
  executions(ctx).put(executionArn, {
    ...record,
    ...outcome,
    stopDate: epochSeconds(ctx),
  });
  const previous = history.lastId;
  if (outcome.status === 'SUCCEEDED') {
    history.append('ExecutionSucceeded', previous, {
      output: outcome.output,
      outputDetails: { truncated: false },
    });
  } else if (outcome.status === 'ABORTED') {
    history.append('ExecutionAborted', previous, {
      error: outcome.error,
      cause: outcome.cause,
    });
  } else {
    history.append('ExecutionFailed', previous, {
      error: outcome.error,
      cause: outcome.cause,
    });
  }
}

/** The running executions of this emulator state; on first use, fails orphans of a restart. */
export function registryFor(ctx: ServiceContext): Registry {
  let registry = registries.get(ctx.state);
  if (!registry) {
    registry = new Map();
    registries.set(ctx.state, registry);
    for (const record of executions(ctx).values()) {
      if (record.status === 'RUNNING') {
        finish(
          ctx,
          new HistoryRecorder(ctx, record.executionArn),
          record.executionArn,
          {
            status: 'FAILED',
            error: 'States.Runtime',
            cause: RESTART_CAUSE,
          },
        );
      }
    }
  }
  return registry;
}

/** Starts interpreting a freshly stored RUNNING execution, without waiting for it. */
export function launchExecution(
  ctx: ServiceContext,
  record: ExecutionRecord,
  stateMachineName: string,
): void {
  const registry = registryFor(ctx);
  const history = new HistoryRecorder(ctx, record.executionArn);
  const cancel = new Cancellation();
  const startedId = history.append('ExecutionStarted', 0, {
    input: record.input,
    inputDetails: { truncated: false },
    roleArn: record.roleArn,
  });
  const context: Record<string, JsonValue> = {
    Execution: {
      Id: record.executionArn,
      Name: record.name,
      StartTime: new Date(record.startDate * 1000).toISOString(),
      Input: JSON.parse(record.input),
      RoleArn: record.roleArn,
    },
    StateMachine: { Id: record.stateMachineArn, Name: stateMachineName },
  };
  const run = async () => {
    // Let StartExecution answer before the first state runs, as the real service does.
    await Promise.resolve();
    try {
      const output = await interpret(
        parseDefinition(record.definition),
        JSON.parse(record.input),
        { ctx, history, context },
        cancel,
        startedId,
      );
      finish(ctx, history, record.executionArn, {
        status: 'SUCCEEDED',
        output: JSON.stringify(output),
      });
    } catch (e) {
      if (e instanceof ExecutionCancelled) {
        return;
      }
      const failure =
        e instanceof ExecutionError
          ? e
          : new ExecutionError(
              'States.Runtime',
              String((e as Error)?.message ?? e),
            );
      finish(ctx, history, record.executionArn, {
        status: 'FAILED',
        error: failure.error,
        cause: failure.cause,
      });
    } finally {
      registry.delete(record.executionArn);
    }
  };
  registry.set(record.executionArn, {
    history,
    cancel,
    done: Promise.resolve(),
  });
  const done = run();
  registry.get(record.executionArn)!.done = done;
}

/** Stops a running execution: ABORTED with an ExecutionAborted event, then cancels its work. */
export function abortExecution(
  ctx: ServiceContext,
  executionArn: string,
  error?: string,
  cause?: string,
): void {
  const running = registryFor(ctx).get(executionArn);
  const history = running?.history ?? new HistoryRecorder(ctx, executionArn);
  finish(ctx, history, executionArn, { status: 'ABORTED', error, cause });
  running?.cancel.cancel();
}

/** Resolves when every execution now running in this emulator state has ended. */
export async function settleExecutions(ctx: ServiceContext): Promise<void> {
  await Promise.all([...registryFor(ctx).values()].map(r => r.done));
}
