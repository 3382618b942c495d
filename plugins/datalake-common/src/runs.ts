/*
 * Response types of the run status route of the data lake backend (`/api/datalake/v1/runs`).
 */

/** Whether one AWS source of the run status answered. @public */
export interface RunSourceStatus {
  status: 'ok' | 'error';
  /** What failed, e.g. `Glue: Service unavailable`; only with `status: 'error'`. */
  error?: string;
}

/** A DMS task table's statistics. @public */
export interface DmsTableStatistics {
  schema: string;
  table: string;
  /** e.g. `Table completed`, `Before load`, `Table error`. */
  state: string | null;
  fullLoadRows: number | null;
  inserts: number | null;
  updates: number | null;
  deletes: number | null;
  /** ISO 8601 time of the last change applied. */
  lastUpdateTime: string | null;
}

/** The DMS replication task that feeds the table. @public */
export interface DmsTaskStatus {
  taskId: string;
  /** e.g. `running`, `stopped`, `failed`, `ready`. */
  status: string;
  stopReason: string | null;
  lastFailureMessage: string | null;
  /** 0–100 during and after the full load. */
  fullLoadProgressPercent: number | null;
  tablesLoaded: number | null;
  tablesErrored: number | null;
  startedAt: string | null;
  tables: DmsTableStatistics[];
  consoleUrl: string;
}

/** The CloudWatch Logs group where AWS Glue writes a job run's stderr (stream = run id). @public */
export const GLUE_ERROR_LOG_GROUP = '/aws-glue/jobs/error';

/** How many lines of a failed Glue run's error log the run status shows. @public */
export const RUN_LOG_TAIL_LINES = 50;

/**
 * What the run status says in place of a run's error and log tail to a caller who may not read
 * the data of the table the run writes (job errors quote row values).
 *
 * @public
 */
export const RUN_ERROR_HIDDEN_MESSAGE =
  "error hidden: you have no access to this table's data";

/** The last lines of a failed Glue job run's error log (`/aws-glue/jobs/error`). @public */
export interface RunLogTail {
  logGroup: string;
  /** The job run id: Glue names the stream after the run. */
  logStream: string;
  /** `none`: the run wrote no error log (the stream does not exist). */
  status: 'ok' | 'none';
  /** Oldest first, at most {@link RUN_LOG_TAIL_LINES}. */
  lines: string[];
  /** Whether the log holds older lines than these. */
  truncated: boolean;
}

/** One run on the timeline: a Glue job run or a Step Functions execution. @public */
export interface RunEntry {
  source: 'glue' | 'stepFunctions';
  /** Job run id or execution name. */
  id: string;
  /** Glue job name or state machine name. */
  name: string;
  /** Normalised status: `running`, `succeeded`, `failed`, `stopped`, `timed-out`. */
  status: 'running' | 'succeeded' | 'failed' | 'stopped' | 'timed-out';
  /** The AWS state as reported, e.g. `FAILED`, `TIMEOUT`, `ABORTED`. */
  awsStatus: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  /** Glue runs: DPU-seconds consumed. */
  dpuSeconds: number | null;
  /** Glue: the run's error message; Step Functions: the failing state's error and cause. */
  error: string | null;
  /** Step Functions: the state that failed. */
  failedState: string | null;
  consoleUrl: string;
  /**
   * Glue runs that failed, timed out or errored: the tail of the run's error log. Absent when the
   * error is hidden, or the log could not be read (then `sources.logs` says why).
   */
  logTail?: RunLogTail;
  /**
   * True when `error` and `logTail` are withheld (`error` is null) because the caller may not
   * read the data of the table the run writes; show {@link RUN_ERROR_HIDDEN_MESSAGE}.
   */
  errorHidden?: boolean;
}

/**
 * The EventBridge Scheduler schedule of the pipeline that writes the table, named after the
 * pipeline (`datalake:scheduler:schedule:create`).
 *
 * @public
 */
export interface PipelineScheduleStatus {
  /** The schedule's name: the pipeline's. */
  name: string;
  /** `cron(…)` or `rate(…)`, as EventBridge Scheduler has it. */
  expression: string;
  /** The IANA time zone the expression is evaluated in. */
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  /** ISO 8601 time of the next invocation; null when disabled or when it will not run again. */
  nextRunAt: string | null;
}

/** `GET /v1/runs`: DMS, Glue and Step Functions status of a table, newest first. @public */
export interface RunsResponse {
  entityRef: string;
  sources: {
    dms: RunSourceStatus;
    glue: RunSourceStatus;
    stepFunctions: RunSourceStatus;
    /** CloudWatch Logs, read for the log tails of failed Glue runs. */
    logs: RunSourceStatus;
    /** EventBridge Scheduler, read for `schedule`. */
    scheduler: RunSourceStatus;
  };
  /**
   * The schedule of the table's pipeline; null when the pipeline has none, or when it could not
   * be read (then `sources.scheduler` says why).
   */
  schedule: PipelineScheduleStatus | null;
  dms: DmsTaskStatus[];
  runs: RunEntry[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
  checkedAt: string;
}

/** Default and maximum of the `limit` query parameter of `/v1/runs`. @public */
/**
 * What "Run now" (`POST /v1/runs/start`) answers: the pipeline execution it started.
 *
 * @public
 */
export interface PipelineRunStarted {
  entityRef: string;
  /** The pipeline (state machine) name. */
  pipeline: string;
  executionArn: string;
  executionName: string;
  startedAt: string | null;
}

/**
 * What `POST /v1/runs/reload` answers: DMS reloads the source table; the pipeline starts once the
 * table's new full load is complete.
 *
 * @public
 */
export interface TableReloadRequested {
  entityRef: string;
  /** The MySQL table reloaded, `schema.table`. */
  sourceTable: string;
  /** The DMS task that reloads it. */
  replicationTaskArn: string;
  /** The pipeline that rebuilds the table once the load is complete. */
  pipeline: string;
  requestedAt: string;
}

export const RUNS_PAGE_SIZE = { default: 25, max: 100 } as const;

/**
 * The annotation declaring a table's freshness SLA, e.g. `24h`, `90m`, `2d`.
 *
 * @public
 */
export const FRESHNESS_SLA_ANNOTATION = 'datalake-portal.io/freshness-sla';

/**
 * Parses a freshness SLA (`<number><s|m|h|d>`) into milliseconds; undefined when malformed.
 *
 * @public
 */
export function parseFreshnessSla(
  value: string | undefined,
): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/.exec(value ?? '');
  if (!match) {
    return undefined;
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : undefined;
}
