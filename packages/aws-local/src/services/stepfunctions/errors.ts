/*
 * A failure inside an execution, named as Step Functions names it (`States.TaskFailed`,
 * `Glue.ConcurrentRunsExceededException`…), so that Retry and Catch can match it.
 */
export class ExecutionError extends Error {
  readonly error: string;
  readonly cause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.error = error;
    this.cause = cause;
  }
}

/** Thrown inside an execution that was stopped, or a branch whose sibling failed. */
export class ExecutionCancelled extends Error {
  constructor() {
    super('execution cancelled');
  }
}

export function runtimeError(cause: string): ExecutionError {
  return new ExecutionError('States.Runtime', cause);
}
