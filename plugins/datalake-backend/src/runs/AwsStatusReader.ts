/*
 * The AWS reads behind the lineage and run status routes, one cached entry per AWS resource
 * (a job, a job's runs, a state machine's executions, a DMS task's statistics…). Every read goes
 * through the {@link CoalescingCache}, so that many viewers of one table cause one call per
 * resource and TTL. Pages are bounded: the newest 50 runs or executions per resource, which is
 * what the UI shows, and the history of failed executions only. A failed Glue run's error log is
 * read from its tail only (GetLogEvents backwards, one page).
 */
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
  ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import {
  GetJobCommand,
  GetJobRunsCommand,
  GetTableCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
  StartExecutionCommand,
  ListStateMachinesCommand,
} from '@aws-sdk/client-sfn';
import { assertError, NotFoundError } from '@backstage/errors';
import {
  GLUE_ERROR_LOG_GROUP,
  RUN_LOG_TAIL_LINES,
  RunLogTail,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  DatalakeAwsClientFactory,
  toBackstageError,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { CoalescingCache } from './CoalescingCache';

/** How many runs or executions are read per job or state machine. */
export const RUNS_PER_RESOURCE = 50;

/** A terminal execution's history never changes. */
const IMMUTABLE_TTL_MS = 24 * 3_600_000;

/** A Glue job run, with dates as ISO strings so that it survives the cache. @public */
export interface GlueRunFacts {
  id: string;
  jobName: string;
  state: string;
  startedOn: string | null;
  completedOn: string | null;
  executionTimeSeconds: number | null;
  dpuSeconds: number | null;
  errorMessage: string | null;
}

/** A Step Functions execution. @public */
export interface ExecutionFacts {
  executionArn: string;
  name: string;
  status: string;
  startDate: string | null;
  stopDate: string | null;
}

/** Why an execution failed, from its history. @public */
export interface ExecutionFailure {
  failedState: string | null;
  error: string | null;
  cause: string | null;
  /** The Glue job whose run failed, when the cause is a `glue:startJobRun.sync` job run. */
  jobName?: string | null;
}

/** An EventBridge Scheduler schedule, with dates as ISO strings. @public */
export interface ScheduleFacts {
  name: string;
  expression: string;
  /** UTC when the schedule has no time zone. */
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  startDate: string | null;
  endDate: string | null;
  creationDate: string | null;
}

/** A log line longer than this is cut: a tail is for reading, not for dumping a row batch. */
const MAX_LOG_LINE_LENGTH = 2_000;

/** What the lineage needs from a Glue job. @public */
export interface GlueJobFacts {
  name: string;
  scriptLocation: string | null;
  defaultArguments: Record<string, string>;
}

/** A DMS task without its settings. @public */
export interface DmsTaskFacts {
  id: string;
  arn: string;
  status: string;
  stopReason: string | null;
  lastFailureMessage: string | null;
  fullLoadProgressPercent: number | null;
  tablesLoaded: number | null;
  tablesErrored: number | null;
  startedAt: string | null;
  tableMappings: string | null;
}

/** A DMS table statistics row. @public */
export interface DmsTableFacts {
  schema: string;
  table: string;
  state: string | null;
  fullLoadRows: number | null;
  inserts: number | null;
  updates: number | null;
  deletes: number | null;
  lastUpdateTime: string | null;
}

function iso(value: Date | undefined): string | null {
  return value ? value.toISOString() : null;
}

async function aws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toBackstageError(e);
  }
}

/** Reads the failing state, error and cause out of an execution history. */
export function failureFromHistory(events: HistoryEvent[]): ExecutionFailure {
  const byId = new Map(events.map(e => [e.id, e]));
  const failed = events.find(
    e =>
      e.type !== 'ExecutionFailed' &&
      /(Task|Activity|Lambda)(Failed|TimedOut)$/.test(e.type ?? ''),
  );
  const execution = events.find(e =>
    /^Execution(Failed|TimedOut|Aborted)$/.test(e.type ?? ''),
  );
  let failedState: string | null = null;
  // Walk back from the failure to the state it happened in.
  for (
    let e = failed ? byId.get(failed.previousEventId) : undefined;
    e;
    e = byId.get(e.previousEventId)
  ) {
    if (e.type?.endsWith('StateEntered')) {
      failedState = e.stateEnteredEventDetails?.name ?? null;
      break;
    }
  }
  const details =
    failed?.taskFailedEventDetails ??
    failed?.activityFailedEventDetails ??
    failed?.lambdaFunctionFailedEventDetails ??
    failed?.taskTimedOutEventDetails;
  const executionDetails =
    execution?.executionFailedEventDetails ??
    execution?.executionTimedOutEventDetails ??
    execution?.executionAbortedEventDetails;
  const cause = details?.cause ?? executionDetails?.cause;
  return {
    failedState,
    error: details?.error ?? executionDetails?.error ?? null,
    cause: readableCause(cause),
    jobName: glueRunOf(cause)?.JobName ?? null,
  };
}

/** The job run of a `glue:startJobRun.sync` failure cause, if it is one. */
function glueRunOf(cause: string | undefined):
  | {
      JobName?: string;
      Id?: string;
      JobRunState?: string;
      ErrorMessage: string;
    }
  | undefined {
  if (!cause) return undefined;
  try {
    const run = JSON.parse(cause);
    return run && typeof run.ErrorMessage === 'string' ? run : undefined;
  } catch {
    // Not JSON: the cause is prose, not a job run.
    return undefined;
  }
}

/** The last lines of log events, oldest first, and whether older lines were left out. */
export function tailLines(
  messages: string[],
  lines = RUN_LOG_TAIL_LINES,
): { lines: string[]; truncated: boolean } {
  const all = messages
    .flatMap(m => m.replace(/\r?\n$/, '').split(/\r?\n/))
    .map(line =>
      line.length > MAX_LOG_LINE_LENGTH
        ? `${line.slice(0, MAX_LOG_LINE_LENGTH)}…`
        : line,
    );
  return {
    lines: all.slice(-lines),
    truncated: all.length > lines,
  };
}

/**
 * A `glue:startJobRun.sync` task failure carries the whole job run as JSON in its cause; its
 * `ErrorMessage` is what a reader wants.
 */
function readableCause(cause: string | undefined): string | null {
  if (!cause) return null;
  const run = glueRunOf(cause);
  return run
    ? `${run.JobName ?? 'Glue job'} run ${run.Id ?? ''} ${
        run.JobRunState ?? 'FAILED'
      }: ${run.ErrorMessage}`
    : cause;
}

/**
 * Cached reads of Glue, Step Functions, DMS, S3 and EventBridge Scheduler.
 *
 * @public
 */
export class AwsStatusReader {
  constructor(
    private readonly clients: DatalakeAwsClientFactory,
    /** Run status: short TTL. */
    private readonly statusCache: CoalescingCache,
    /** Definitions (jobs, tables, scripts, task lists): longer TTL. */
    private readonly definitionCache: CoalescingCache,
  ) {}

  jobRuns(jobName: string): Promise<GlueRunFacts[]> {
    return this.statusCache.get(`aws:v1:glue:job-runs:${jobName}`, async () => {
      const glue = await this.clients.glue();
      const out = await aws(() =>
        glue.send(
          new GetJobRunsCommand({
            JobName: jobName,
            MaxResults: RUNS_PER_RESOURCE,
          }),
        ),
      );
      return (out.JobRuns ?? []).map(run => ({
        id: run.Id ?? '',
        jobName,
        state: run.JobRunState ?? 'UNKNOWN',
        startedOn: iso(run.StartedOn),
        completedOn: iso(run.CompletedOn),
        executionTimeSeconds: run.ExecutionTime ?? null,
        dpuSeconds:
          run.DPUSeconds ??
          (run.ExecutionTime !== undefined && run.MaxCapacity !== undefined
            ? run.ExecutionTime * run.MaxCapacity
            : null),
        errorMessage: run.ErrorMessage ?? null,
      }));
    });
  }

  job(jobName: string): Promise<GlueJobFacts> {
    return this.definitionCache.get(`aws:v1:glue:job:${jobName}`, async () => {
      const glue = await this.clients.glue();
      const out = await aws(() =>
        glue.send(new GetJobCommand({ JobName: jobName })),
      );
      return {
        name: jobName,
        scriptLocation: out.Job?.Command?.ScriptLocation ?? null,
        defaultArguments: out.Job?.DefaultArguments ?? {},
      };
    });
  }

  tableParameters(
    database: string,
    table: string,
  ): Promise<Record<string, string>> {
    return this.definitionCache.get(
      `aws:v1:glue:table:${database}.${table}`,
      async () => {
        const glue = await this.clients.glue();
        const out = await aws(() =>
          glue.send(
            new GetTableCommand({ DatabaseName: database, Name: table }),
          ),
        );
        return out.Table?.Parameters ?? {};
      },
    );
  }

  /** The text of an S3 object, e.g. a job script. */
  s3Text(uri: string): Promise<string> {
    return this.definitionCache.get(`aws:v1:s3:object:${uri}`, async () => {
      const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri);
      if (!match) {
        throw new Error(`'${uri}' is not an s3:// URI`);
      }
      const s3 = await this.clients.s3();
      const out = await aws(() =>
        s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] })),
      );
      return (await out.Body?.transformToString('utf-8')) ?? '';
    });
  }

  /** The ARN of a state machine by name, or null when there is none. */
  async stateMachineArn(name: string): Promise<string | null> {
    const all = await this.definitionCache.get(
      'aws:v1:sfn:state-machines',
      async () => {
        const sfn = await this.clients.stepFunctions();
        const found: Record<string, string> = {};
        let nextToken: string | undefined;
        do {
          const token = nextToken;
          const page = await aws(() =>
            sfn.send(
              new ListStateMachinesCommand({
                maxResults: 1000,
                nextToken: token,
              }),
            ),
          );
          for (const m of page.stateMachines ?? []) {
            if (m.name && m.stateMachineArn) {
              found[m.name] = m.stateMachineArn;
            }
          }
          nextToken = page.nextToken;
        } while (nextToken);
        return found;
      },
    );
    return all[name] ?? null;
  }

  executions(stateMachineArn: string): Promise<ExecutionFacts[]> {
    return this.statusCache.get(
      `aws:v1:sfn:executions:${stateMachineArn}`,
      async () => {
        const sfn = await this.clients.stepFunctions();
        const out = await aws(() =>
          sfn.send(
            new ListExecutionsCommand({
              stateMachineArn,
              maxResults: RUNS_PER_RESOURCE,
            }),
          ),
        );
        return (out.executions ?? []).map(e => ({
          executionArn: e.executionArn ?? '',
          name: e.name ?? '',
          status: e.status ?? 'UNKNOWN',
          startDate: iso(e.startDate),
          stopDate: iso(e.stopDate),
        }));
      },
    );
  }

  /** The execution of the state machine that is running now, read afresh (no cache). */
  async runningExecution(
    stateMachineArn: string,
  ): Promise<ExecutionFacts | null> {
    const sfn = await this.clients.stepFunctions();
    const out = await aws(() =>
      sfn.send(
        new ListExecutionsCommand({
          stateMachineArn,
          statusFilter: 'RUNNING',
          maxResults: 1,
        }),
      ),
    );
    const e = out.executions?.[0];
    return e
      ? {
          executionArn: e.executionArn ?? '',
          name: e.name ?? '',
          status: e.status ?? 'RUNNING',
          startDate: iso(e.startDate),
          stopDate: iso(e.stopDate),
        }
      : null;
  }

  /** Starts an execution, and forgets the cached list of executions so the next read has it. */
  async startExecution(
    stateMachineArn: string,
    name: string,
  ): Promise<{ executionArn: string; startDate: string | null }> {
    const sfn = await this.clients.stepFunctions();
    const out = await aws(() =>
      sfn.send(new StartExecutionCommand({ stateMachineArn, name })),
    );
    await this.statusCache.forget(`aws:v1:sfn:executions:${stateMachineArn}`);
    return {
      executionArn: out.executionArn ?? '',
      startDate: iso(out.startDate),
    };
  }

  /**
   * A schedule of the default group (where the schedule action creates them), or null when there
   * is none: a pipeline without a schedule is not an error.
   */
  schedule(name: string): Promise<ScheduleFacts | null> {
    return this.statusCache.get(
      `aws:v1:scheduler:schedule:${name}`,
      async () => {
        const scheduler = await this.clients.scheduler();
        try {
          const out = await aws(() =>
            scheduler.send(new GetScheduleCommand({ Name: name })),
          );
          return {
            name,
            expression: out.ScheduleExpression ?? '',
            timezone: out.ScheduleExpressionTimezone || 'UTC',
            state: out.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
            startDate: iso(out.StartDate),
            endDate: iso(out.EndDate),
            creationDate: iso(out.CreationDate),
          };
        } catch (e) {
          assertError(e);
          if (e.name === NotFoundError.name) return null;
          throw e;
        }
      },
    );
  }

  executionFailure(executionArn: string): Promise<ExecutionFailure> {
    return this.statusCache.get(
      // v2: with the failed job's name.
      `aws:v2:sfn:failure:${executionArn}`,
      async () => {
        const sfn = await this.clients.stepFunctions();
        const out = await aws(() =>
          sfn.send(
            new GetExecutionHistoryCommand({
              executionArn,
              maxResults: 1000,
              includeExecutionData: false,
            }),
          ),
        );
        return failureFromHistory(out.events ?? []);
      },
      { ttlMs: IMMUTABLE_TTL_MS },
    );
  }

  /**
   * The tail of a Glue job run's error log, `/aws-glue/jobs/error` stream `<run id>`. A run that
   * wrote no error output has no stream: that is `status: 'none'`, not an error.
   */
  errorLogTail(runId: string): Promise<RunLogTail> {
    return this.statusCache.get(
      `aws:v1:logs:glue-error-tail:${runId}`,
      async () => {
        const logs = await this.clients.logs();
        const empty: RunLogTail = {
          logGroup: GLUE_ERROR_LOG_GROUP,
          logStream: runId,
          status: 'none',
          lines: [],
          truncated: false,
        };
        try {
          const out = await aws(() =>
            logs.send(
              new GetLogEventsCommand({
                logGroupName: GLUE_ERROR_LOG_GROUP,
                logStreamName: runId,
                startFromHead: false,
                // One more than shown, so that `truncated` is known without a second page.
                limit: RUN_LOG_TAIL_LINES + 1,
              }),
            ),
          );
          const messages = (out.events ?? []).map(e => e.message ?? '');
          const tail = tailLines(messages);
          return {
            ...empty,
            status: tail.lines.length > 0 ? 'ok' : 'none',
            lines: tail.lines,
            truncated: tail.truncated || messages.length > RUN_LOG_TAIL_LINES,
          };
        } catch (e) {
          assertError(e);
          if (e.name === NotFoundError.name) return empty;
          throw e;
        }
      },
    );
  }

  replicationTasks(): Promise<DmsTaskFacts[]> {
    return this.statusCache.get('aws:v1:dms:tasks', async () => {
      const dms = await this.clients.dms();
      const tasks: ReplicationTask[] = [];
      let marker: string | undefined;
      do {
        const pageMarker = marker;
        const page = await aws(() =>
          dms.send(
            new DescribeReplicationTasksCommand({
              WithoutSettings: true,
              MaxRecords: 100,
              Marker: pageMarker,
            }),
          ),
        );
        tasks.push(...(page.ReplicationTasks ?? []));
        marker = page.Marker;
      } while (marker);
      return tasks.map(t => ({
        id: t.ReplicationTaskIdentifier ?? '',
        arn: t.ReplicationTaskArn ?? '',
        status: t.Status ?? 'unknown',
        stopReason: t.StopReason ?? null,
        lastFailureMessage: t.LastFailureMessage ?? null,
        fullLoadProgressPercent:
          t.ReplicationTaskStats?.FullLoadProgressPercent ?? null,
        tablesLoaded: t.ReplicationTaskStats?.TablesLoaded ?? null,
        tablesErrored: t.ReplicationTaskStats?.TablesErrored ?? null,
        startedAt: iso(
          t.ReplicationTaskStats?.StartDate ?? t.ReplicationTaskStartDate,
        ),
        tableMappings: t.TableMappings ?? null,
      }));
    });
  }

  tableStatistics(taskArn: string): Promise<DmsTableFacts[]> {
    return this.statusCache.get(
      `aws:v1:dms:table-statistics:${taskArn}`,
      async () => {
        const dms = await this.clients.dms();
        const rows: DmsTableFacts[] = [];
        let marker: string | undefined;
        do {
          const pageMarker = marker;
          const page = await aws(() =>
            dms.send(
              new DescribeTableStatisticsCommand({
                ReplicationTaskArn: taskArn,
                MaxRecords: 500,
                Marker: pageMarker,
              }),
            ),
          );
          for (const s of page.TableStatistics ?? []) {
            rows.push({
              schema: s.SchemaName ?? '',
              table: s.TableName ?? '',
              state: s.TableState ?? null,
              fullLoadRows: s.FullLoadRows ?? null,
              inserts: s.Inserts ?? null,
              updates: s.Updates ?? null,
              deletes: s.Deletes ?? null,
              lastUpdateTime: iso(s.LastUpdateTime),
            });
          }
          marker = page.Marker;
        } while (marker);
        return rows;
      },
    );
  }

  /**
   * One table's load state, read now (not cached): a reload waits on it. Null when the task does
   * not replicate the table.
   */
  async tableLoadState(
    taskArn: string,
    schema: string,
    table: string,
  ): Promise<{
    state: string | null;
    reloaded: boolean;
    fullLoadEndTime: string | null;
  } | null> {
    const dms = await this.clients.dms();
    const out = await aws(() =>
      dms.send(
        new DescribeTableStatisticsCommand({
          ReplicationTaskArn: taskArn,
          Filters: [
            { Name: 'schema-name', Values: [schema] },
            { Name: 'table-name', Values: [table] },
          ],
        }),
      ),
    );
    const row = out.TableStatistics?.[0];
    return row
      ? {
          state: row.TableState ?? null,
          reloaded: row.FullLoadReloaded ?? false,
          fullLoadEndTime: iso(row.FullLoadEndTime),
        }
      : null;
  }

  /** DMS `ReloadTables` of one table, and forgets the task's cached statistics. */
  async reloadTable(taskArn: string, schema: string, table: string) {
    const dms = await this.clients.dms();
    await aws(() =>
      dms.send(
        new ReloadTablesCommand({
          ReplicationTaskArn: taskArn,
          TablesToReload: [{ SchemaName: schema, TableName: table }],
          ReloadOption: 'data-reload',
        }),
      ),
    );
    await this.statusCache.forget(`aws:v1:dms:table-statistics:${taskArn}`);
  }
}
