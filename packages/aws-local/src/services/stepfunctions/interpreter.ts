/*
 * The ASL interpreter. It walks a state machine body state by state, applies the input/output
 * processing (InputPath → Parameters → ResultSelector → ResultPath → OutputPath), runs Retry and
 * Catch, and records history events the way Step Functions names them. Parallel branches and Map
 * iterations each keep their own chain of previousEventId.
 */
import { ServiceContext } from '../../core/types';
import { AslState, Catcher, JsonValue, Retrier, StateMachineBody } from './asl';
import { Cancellation } from './cancellation';
import { evaluateRule } from './choice';
import { ExecutionCancelled, ExecutionError, runtimeError } from './errors';
import { readPath, resolveTemplate, writePath } from './jsonPath';
import { HistoryRecorder } from './store';
import { resolveTaskResource } from './tasks';

/** What every state of one execution shares. */
export interface ExecutionScope {
  ctx: ServiceContext;
  history: HistoryRecorder;
  /** The `$$` context object without its per-state parts. */
  context: Record<string, JsonValue>;
}

/** One chain of events (the execution, a branch, or an iteration) and its cancellation. */
interface Thread {
  scope: ExecutionScope;
  cancel: Cancellation;
  lastEventId: number;
  /** Extra context (e.g. `Map.Item`) visible to the states of this thread. */
  context: Record<string, JsonValue>;
}

interface StepResult {
  output: JsonValue;
  next?: string;
}

function emit(thread: Thread, type: string, details?: Record<string, unknown>) {
  thread.cancel.throwIfCancelled();
  thread.lastEventId = thread.scope.history.append(
    type,
    thread.lastEventId,
    details,
  );
}

function json(value: JsonValue): string {
  return JSON.stringify(value);
}

function applyInputPath(
  path: string | null | undefined,
  input: JsonValue,
  context: JsonValue,
) {
  if (path === undefined) return input;
  if (path === null) return {};
  return readPath(path, input, context);
}

function applyResultPath(
  path: string | null | undefined,
  input: JsonValue,
  result: JsonValue,
) {
  if (path === undefined) return result;
  if (path === null) return input;
  return writePath(path, input, result);
}

function applyOutputPath(
  path: string | null | undefined,
  data: JsonValue,
  context: JsonValue,
) {
  if (path === undefined) return data;
  if (path === null) return {};
  return readPath(path, data, context);
}

function matches(errorEquals: string[], error: string): boolean {
  if (error === 'States.Runtime') {
    return false;
  }
  return errorEquals.some(
    name =>
      name === error ||
      name === 'States.ALL' ||
      (name === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
}

function retryDelayMs(retrier: Retrier, attempt: number): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let seconds = interval * Math.pow(rate, attempt);
  if (retrier.MaxDelaySeconds !== undefined) {
    seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  }
  return seconds * 1000;
}

function stateContext(
  thread: Thread,
  name: string,
  retryCount: number,
): JsonValue {
  return {
    ...thread.scope.context,
    ...thread.context,
    State: {
      Name: name,
      EnteredTime: thread.scope.ctx.clock.now().toISOString(),
      RetryCount: retryCount,
    },
  };
}

/**
 * Runs `attempt` under the state's Retry rules; when it finally fails, the first matching
 * Catch decides the next state. Unmatched errors propagate.
 */
async function withErrorHandling(
  state: AslState,
  rawInput: JsonValue,
  thread: Thread,
  attempt: (retryCount: number) => Promise<JsonValue>,
): Promise<StepResult> {
  const counts = (state.Retry ?? []).map(() => 0);
  for (let retryCount = 0; ; retryCount++) {
    try {
      return { output: await attempt(retryCount), next: state.Next };
    } catch (e) {
      if (!(e instanceof ExecutionError)) {
        throw e;
      }
      const index = (state.Retry ?? []).findIndex(r =>
        matches(r.ErrorEquals, e.error),
      );
      if (index !== -1) {
        const retrier = state.Retry![index];
        if (counts[index] < (retrier.MaxAttempts ?? 3)) {
          await thread.cancel.sleep(
            thread.scope.ctx.clock,
            retryDelayMs(retrier, counts[index]),
          );
          counts[index]++;
          continue;
        }
      }
      const catcher: Catcher | undefined = (state.Catch ?? []).find(c =>
        matches(c.ErrorEquals, e.error),
      );
      if (!catcher) {
        throw e;
      }
      const errorOutput = { Error: e.error, Cause: e.cause };
      return {
        output: applyResultPath(
          catcher.ResultPath === undefined ? '$' : catcher.ResultPath,
          rawInput,
          errorOutput,
        ),
        next: catcher.Next,
      };
    }
  }
}

/** Result → ResultSelector → ResultPath → OutputPath. */
function processResult(
  state: AslState,
  rawInput: JsonValue,
  result: JsonValue,
  context: JsonValue,
): JsonValue {
  const selected =
    state.ResultSelector !== undefined
      ? resolveTemplate(state.ResultSelector, result, context)
      : result;
  const merged = applyResultPath(state.ResultPath, rawInput, selected);
  return applyOutputPath(state.OutputPath, merged, context);
}

function effectiveInput(
  state: AslState,
  rawInput: JsonValue,
  context: JsonValue,
): JsonValue {
  const input = applyInputPath(state.InputPath, rawInput, context);
  return state.Parameters !== undefined
    ? resolveTemplate(state.Parameters, input, context)
    : input;
}

async function runTask(
  name: string,
  state: AslState,
  rawInput: JsonValue,
  thread: Thread,
) {
  const { ctx } = thread.scope;
  return withErrorHandling(state, rawInput, thread, async retryCount => {
    const context = stateContext(thread, name, retryCount);
    const parameters = effectiveInput(state, rawInput, context);
    const task = resolveTaskResource(state.Resource!);
    const ids = { resourceType: task.resourceType, resource: task.resource };
    emit(thread, 'TaskScheduled', {
      ...ids,
      region: ctx.region,
      parameters: json(parameters),
      ...(state.TimeoutSeconds
        ? { timeoutInSeconds: state.TimeoutSeconds }
        : {}),
    });
    emit(thread, 'TaskStarted', ids);
    const cancel = thread.cancel.child();
    try {
      const running = task.run(parameters, ctx, cancel, output =>
        emit(thread, 'TaskSubmitted', { ...ids, output: json(output) }),
      );
      const result = state.TimeoutSeconds
        ? await Promise.race([
            running,
            cancel.sleep(ctx.clock, state.TimeoutSeconds * 1000).then(() => {
              throw new ExecutionError('States.Timeout', 'Task timed out.');
            }),
          ])
        : await running;
      emit(thread, 'TaskSucceeded', { ...ids, output: json(result) });
      return processResult(state, rawInput, result, context);
    } catch (e) {
      if (e instanceof ExecutionError && !thread.cancel.cancelled) {
        emit(
          thread,
          e.error === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed',
          {
            ...ids,
            error: e.error,
            cause: e.cause,
          },
        );
      }
      throw e;
    } finally {
      // Ends a `.sync` poll still running after a timeout.
      cancel.cancel();
    }
  });
}

/** Runs branches (or iterations) concurrently; the first failure cancels the rest. */
async function runChildren<T>(
  thread: Thread,
  inputs: T[],
  maxConcurrency: number,
  runOne: (input: T, index: number, child: Thread) => Promise<JsonValue>,
): Promise<JsonValue[]> {
  const cancel = thread.cancel.child();
  const results: JsonValue[] = new Array(inputs.length);
  let failure: unknown;
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < inputs.length && failure === undefined) {
      const index = nextIndex++;
      const child: Thread = {
        scope: thread.scope,
        cancel: cancel.child(),
        lastEventId: thread.lastEventId,
        context: { ...thread.context },
      };
      try {
        results[index] = await runOne(inputs[index], index, child);
      } catch (e) {
        if (failure === undefined && !(e instanceof ExecutionCancelled)) {
          failure = e;
          cancel.cancel();
        }
      }
    }
  };
  const width =
    maxConcurrency > 0
      ? Math.min(maxConcurrency, inputs.length)
      : inputs.length;
  await Promise.all(Array.from({ length: width }, worker));
  thread.lastEventId = thread.scope.history.lastId;
  thread.cancel.throwIfCancelled();
  if (failure !== undefined) {
    throw failure;
  }
  return results;
}

async function runParallel(
  name: string,
  state: AslState,
  rawInput: JsonValue,
  thread: Thread,
) {
  return withErrorHandling(state, rawInput, thread, async retryCount => {
    const context = stateContext(thread, name, retryCount);
    const input = effectiveInput(state, rawInput, context);
    emit(thread, 'ParallelStateStarted');
    let results: JsonValue[];
    try {
      results = await runChildren(
        thread,
        state.Branches!,
        0,
        (branch, _i, child) => runBody(branch, input, child),
      );
    } catch (e) {
      if (e instanceof ExecutionError) {
        emit(thread, 'ParallelStateFailed');
      }
      throw e;
    }
    emit(thread, 'ParallelStateSucceeded');
    return processResult(state, rawInput, results, context);
  });
}

async function runMap(
  name: string,
  state: AslState,
  rawInput: JsonValue,
  thread: Thread,
) {
  const processor = (state.ItemProcessor ?? state.Iterator)!;
  const selector = state.ItemSelector ?? state.Parameters;
  return withErrorHandling(state, rawInput, thread, async retryCount => {
    const context = stateContext(thread, name, retryCount) as Record<
      string,
      JsonValue
    >;
    const input = applyInputPath(state.InputPath, rawInput, context);
    const items = readPath(state.ItemsPath ?? '$', input, context);
    if (!Array.isArray(items)) {
      throw runtimeError(
        `Map ItemsPath '${state.ItemsPath ?? '$'}' did not select an array`,
      );
    }
    emit(thread, 'MapStateStarted', { length: items.length });
    let results: JsonValue[];
    try {
      results = await runChildren(
        thread,
        items,
        state.MaxConcurrency ?? 0,
        async (item, index, child) => {
          const mapContext = { Item: { Index: index, Value: item } };
          child.context.Map = mapContext;
          const itemInput =
            selector !== undefined
              ? resolveTemplate(selector, input, {
                  ...context,
                  Map: mapContext,
                })
              : item;
          emit(child, 'MapIterationStarted', { name, index });
          try {
            const output = await runBody(processor, itemInput, child);
            emit(child, 'MapIterationSucceeded', { name, index });
            return output;
          } catch (e) {
            if (e instanceof ExecutionError) {
              emit(child, 'MapIterationFailed', { name, index });
            }
            throw e;
          }
        },
      );
    } catch (e) {
      if (e instanceof ExecutionError) {
        emit(thread, 'MapStateFailed');
      }
      throw e;
    }
    emit(thread, 'MapStateSucceeded');
    return processResult(state, rawInput, results, context);
  });
}

async function waitMs(
  state: AslState,
  input: JsonValue,
  context: JsonValue,
  now: Date,
) {
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.SecondsPath !== undefined) {
    const seconds = readPath(state.SecondsPath, input, context);
    if (typeof seconds !== 'number' || seconds < 0) {
      throw runtimeError(
        `SecondsPath '${state.SecondsPath}' must select a non-negative number`,
      );
    }
    return seconds * 1000;
  }
  const timestamp =
    state.Timestamp ?? readPath(state.TimestampPath!, input, context);
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(at)) {
    throw runtimeError(
      `Wait timestamp '${String(timestamp)}' is not an ISO-8601 timestamp`,
    );
  }
  return Math.max(0, at - now.getTime());
}

async function runState(
  name: string,
  state: AslState,
  rawInput: JsonValue,
  thread: Thread,
): Promise<StepResult> {
  const { ctx } = thread.scope;
  emit(thread, `${state.Type}StateEntered`, { name, input: json(rawInput) });
  const context = stateContext(thread, name, 0);
  let step: StepResult;
  switch (state.Type) {
    case 'Task':
      step = await runTask(name, state, rawInput, thread);
      break;
    case 'Parallel':
      step = await runParallel(name, state, rawInput, thread);
      break;
    case 'Map':
      step = await runMap(name, state, rawInput, thread);
      break;
    case 'Pass': {
      const input = effectiveInput(state, rawInput, context);
      const result = state.Result !== undefined ? state.Result : input;
      step = {
        output: applyOutputPath(
          state.OutputPath,
          applyResultPath(state.ResultPath, rawInput, result),
          context,
        ),
        next: state.Next,
      };
      break;
    }
    case 'Wait': {
      const input = applyInputPath(state.InputPath, rawInput, context);
      await thread.cancel.sleep(
        ctx.clock,
        await waitMs(state, input, context, ctx.clock.now()),
      );
      step = {
        output: applyOutputPath(state.OutputPath, input, context),
        next: state.Next,
      };
      break;
    }
    case 'Choice': {
      const input = applyInputPath(state.InputPath, rawInput, context);
      const rule = state.Choices!.find(r => evaluateRule(r, input, context));
      const next = rule?.Next ?? state.Default;
      if (next === undefined) {
        throw new ExecutionError(
          'States.NoChoiceMatched',
          `No Matches! in state '${name}'`,
        );
      }
      step = {
        output: applyOutputPath(state.OutputPath, input, context),
        next,
      };
      break;
    }
    case 'Succeed': {
      const input = applyInputPath(state.InputPath, rawInput, context);
      step = { output: applyOutputPath(state.OutputPath, input, context) };
      break;
    }
    case 'Fail': {
      const error =
        state.Error ??
        (state.ErrorPath
          ? String(readPath(state.ErrorPath, rawInput, context))
          : '');
      const cause =
        state.Cause ??
        (state.CausePath
          ? String(readPath(state.CausePath, rawInput, context))
          : '');
      throw new ExecutionError(error, cause);
    }
    default:
      throw runtimeError(`Unsupported state type ${state.Type}`);
  }
  emit(thread, `${state.Type}StateExited`, { name, output: json(step.output) });
  return step;
}

async function runBody(
  body: StateMachineBody,
  input: JsonValue,
  thread: Thread,
): Promise<JsonValue> {
  let name: string | undefined = body.StartAt;
  let data = input;
  while (name !== undefined) {
    const state: AslState = body.States[name];
    const step: StepResult = await runState(name, state, data, thread);
    data = step.output;
    name = state.Type === 'Succeed' ? undefined : step.next;
  }
  return data;
}

/** Runs a whole state machine body; resolves with its output or rejects with an ExecutionError. */
export async function interpret(
  body: StateMachineBody,
  input: JsonValue,
  scope: ExecutionScope,
  cancel: Cancellation,
  lastEventId: number,
): Promise<JsonValue> {
  return runBody(body, input, { scope, cancel, lastEventId, context: {} });
}
