/*
 * The persisted records of the Step Functions emulation. Each write puts a fresh object so that
 * the core's persistence sees every change.
 */
import { ServiceContext, StateCollection } from '../../core/types';

export interface Tag {
  key: string;
  value: string;
}

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  loggingConfiguration: unknown;
  tracingConfiguration: unknown;
  creationDate: number;
  updateDate?: number;
  revisionId: string;
  tags: Tag[];
}

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The definition as it was when the execution started: updates do not affect it. */
  definition: string;
  roleArn: string;
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export function stateMachines(
  ctx: ServiceContext,
): StateCollection<StateMachineRecord> {
  return ctx.state.collection<StateMachineRecord>(
    'stepfunctions.stateMachines',
  );
}

export function executions(
  ctx: ServiceContext,
): StateCollection<ExecutionRecord> {
  return ctx.state.collection<ExecutionRecord>('stepfunctions.executions');
}

export function histories(
  ctx: ServiceContext,
): StateCollection<HistoryEvent[]> {
  return ctx.state.collection<HistoryEvent[]>('stepfunctions.histories');
}

/** Epoch seconds with milliseconds: the JSON protocol's timestamp form. */
export function epochSeconds(ctx: ServiceContext): number {
  return ctx.clock.now().getTime() / 1000;
}

const DETAILS_BY_TYPE: Record<string, string> = {
  ExecutionStarted: 'executionStartedEventDetails',
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSubmitted: 'taskSubmittedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  MapStateStarted: 'mapStateStartedEventDetails',
  MapIterationStarted: 'mapIterationStartedEventDetails',
  MapIterationSucceeded: 'mapIterationSucceededEventDetails',
  MapIterationFailed: 'mapIterationFailedEventDetails',
  MapIterationAborted: 'mapIterationAbortedEventDetails',
};

function detailsKey(type: string): string | undefined {
  if (DETAILS_BY_TYPE[type]) {
    return DETAILS_BY_TYPE[type];
  }
  if (type.endsWith('StateEntered')) {
    return 'stateEnteredEventDetails';
  }
  if (type.endsWith('StateExited')) {
    return 'stateExitedEventDetails';
  }
  return undefined;
}

/** Appends events to an execution's persisted history, numbering them from 1. */
export class HistoryRecorder {
  private readonly events: HistoryEvent[];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly executionArn: string,
  ) {
    this.events = histories(ctx).get(executionArn) ?? [];
  }

  get lastId(): number {
    return this.events.length;
  }

  append(
    type: string,
    previousEventId: number,
    details?: Record<string, unknown>,
  ): number {
    const event: HistoryEvent = {
      timestamp: epochSeconds(this.ctx),
      type,
      id: this.events.length + 1,
      previousEventId,
    };
    const key = detailsKey(type);
    if (key && details) {
      event[key] = details;
    }
    this.events.push(event);
    histories(this.ctx).put(this.executionArn, [...this.events]);
    return event.id;
  }
}
