/*
 * Answers `GET /v1/runs`: the DMS task, Glue job runs and Step Functions executions behind a
 * table, i.e. of the table and everything upstream of it, newest first, and the schedule of the
 * table's pipeline with its next run; or the same for a pipeline entity (a `data-pipeline`
 * Component) and the tables it writes. Each AWS service is read independently: one failing marks
 * its source as `error` with the failure named, and the others still answer. AWS resources are
 * resolved from the catalog entity and the names the pipeline actions record (see
 * ../lineage/pipelineConventions.ts), never from the request.
 *
 * Errors and log tails quote row values, so they are shown only to callers who may read the data
 * of the table the run writes (`datalake.run.error.read`, see ./runErrorPermission.ts); others
 * see that the run failed, and `errorHidden`. The error logs of the failed Glue runs of a page are
 * read only for callers who may see them.
 */
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { assertError, InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import {
  DATALAKE_ANNOTATIONS,
  DmsTaskStatus,
  LINEAGE_DEPTH,
  nextScheduledRun,
  PIPELINE_ENTITY_TYPE,
  PipelineScheduleStatus,
  RunEntry,
  RunSourceStatus,
  RUNS_PAGE_SIZE,
  RunsResponse,
  TABLE_ENTITY_TYPES,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlTableRef } from '../lineage/buildLineageGraph';
import {
  ACTIVE_JOB_STATES,
  defaultPipelineName,
  dmsTaskReplicates,
  FAILED_JOB_STATES,
  jobNameFor,
  recordedLineage,
  scheduleNameOf,
} from '../lineage/pipelineConventions';
import {
  dependsOnRefs,
  getEntities,
  getTableEntity,
  normaliseEntityRef,
} from '../lineage/tableEntities';
import { AwsStatusReader } from './AwsStatusReader';
import { RunErrorAuthorizer } from './runErrorPermission';

/** A pipeline Component's name: `<source id>-ingestion`. */
const PIPELINE_COMPONENT_NAME = /^([a-z][a-z0-9-]*)-ingestion$/;

/** Whether an entity ref names a Component, which for the runs routes is a pipeline. */
export function isPipelineRef(ref: string): boolean {
  return parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'component';
}

/** How many failed executions per request get their history read (GetExecutionHistory). */
const MAX_FAILURES_EXPLAINED = 10;

/** How many failed Glue runs per page get their error log read (GetLogEvents). */
const MAX_LOG_TAILS = 25;

/** What a run writes: the Glue job whose table it is; null when unknown. */
type RunWrites = Map<RunEntry, { jobName: string | null }>;

/** The AWS resources behind a table. */
export interface RunTargets {
  jobNames: string[];
  /** The table entity each job writes. */
  jobTables: Map<string, Entity>;
  pipelines: string[];
  /** The pipeline that writes each table. */
  tablePipelines: Map<Entity, string>;
  mysqlTables: MysqlTableRef[];
  /** Sources whose DMS tasks count when the MySQL tables are unknown. */
  sourceIds: string[];
}

function consoleBase(region: string, service: string) {
  return `https://${region}.console.aws.amazon.com/${service}/home?region=${region}`;
}

function seconds(from: string | null, to: string | null): number | null {
  return from && to
    ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000))
    : null;
}

function glueStatus(state: string): RunEntry['status'] {
  if (ACTIVE_JOB_STATES.has(state)) return 'running';
  if (state === 'SUCCEEDED') return 'succeeded';
  if (state === 'TIMEOUT') return 'timed-out';
  if (FAILED_JOB_STATES.has(state)) return 'failed';
  return 'stopped';
}

function sfnStatus(status: string): RunEntry['status'] {
  switch (status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'running';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'TIMED_OUT':
      return 'timed-out';
    case 'FAILED':
      return 'failed';
    default:
      return 'stopped';
  }
}

/** `startedAt` descending, then source and id, so that pages are stable. */
function compareRuns(a: RunEntry, b: RunEntry): number {
  return (
    b.startedAt.localeCompare(a.startedAt) ||
    `${a.source}:${a.id}`.localeCompare(`${b.source}:${b.id}`)
  );
}

function encodeCursor(run: RunEntry): string {
  return Buffer.from(
    JSON.stringify([run.startedAt, run.source, run.id]),
  ).toString('base64url');
}

function decodeCursor(cursor: string): RunEntry {
  try {
    const [startedAt, source, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (
      typeof startedAt !== 'string' ||
      typeof source !== 'string' ||
      typeof id !== 'string'
    ) {
      throw new Error('bad shape');
    }
    return { startedAt, source, id } as RunEntry;
  } catch {
    throw new InputError(`Invalid cursor '${cursor}'`);
  }
}

/** Parses `limit`. */
export function parseLimit(value: unknown): number {
  if (value === undefined || value === '') return RUNS_PAGE_SIZE.default;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > RUNS_PAGE_SIZE.max) {
    throw new InputError(
      `limit must be an integer from 1 to ${RUNS_PAGE_SIZE.max}, got '${value}'`,
    );
  }
  return limit;
}

/**
 * Run status of table entities.
 *
 * @public
 */
export class RunStatusService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      /** Which table entities are trusted, and the Glue tables behind them. */
      tables: ProviderTables;
      aws: AwsStatusReader;
      logger: LoggerService;
      region: string;
      /** Who may read run errors; without it, every error is hidden. */
      runErrors?: RunErrorAuthorizer;
      /** The clock the next scheduled run is computed from. */
      now?: () => Date;
    },
  ) {}

  async getRuns(
    entityRef: string,
    page: { limit?: number; cursor?: string },
    credentials: BackstageCredentials,
  ): Promise<RunsResponse> {
    const ref = normaliseEntityRef(entityRef);
    const limit = page.limit ?? RUNS_PAGE_SIZE.default;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    let root: Entity | undefined;
    let targets: RunTargets;
    let ownPipeline: string | undefined;
    if (isPipelineRef(ref)) {
      // A pipeline entity: the runs of the tables it writes, found from the trusted tables.
      const found = await this.pipelineTables(ref, credentials, credentials);
      targets = await this.resolveTargets(found.tables);
      ownPipeline = found.pipeline;
    } else {
      root = await getTableEntity(
        this.options.catalog,
        this.options.tables,
        ref,
        credentials,
      );
      targets = await this.resolveTargets(
        await this.upstreamTables(root, credentials),
      );
      // The table's own pipeline, the one "Run now" starts: its schedule is the table's.
      ownPipeline = targets.tablePipelines.get(root);
    }

    const [glue, sfn, dms, scheduler] = await Promise.all([
      this.glueRuns(targets.jobNames),
      this.sfnRuns(targets.pipelines),
      this.dmsStatus(targets),
      this.pipelineSchedule(ownPipeline),
    ]);
    const all = [...glue.runs, ...sfn.runs].sort(compareRuns);
    const start = after ? all.findIndex(r => compareRuns(r, after) > 0) : 0;
    const rest = start < 0 ? [] : all.slice(start);
    const pageRuns = rest.slice(0, limit);
    const writes: RunWrites = new Map([...glue.writes, ...sfn.writes]);
    const { runs, logs } = await this.withErrors(pageRuns, {
      writes,
      targets,
      root,
      credentials,
    });
    return {
      entityRef: ref,
      sources: {
        dms: dms.status,
        glue: glue.status,
        stepFunctions: sfn.status,
        logs,
        scheduler: scheduler.status,
      },
      schedule: scheduler.schedule,
      dms: dms.tasks,
      runs,
      ...(rest.length > limit
        ? { nextCursor: encodeCursor(runs[runs.length - 1]) }
        : {}),
      checkedAt: new Date().toISOString(),
    };
  }

  /**
   * The pipeline of a `data-pipeline` Component entity (`<source id>-ingestion`, as the
   * ingestion template registers it) and the tables it writes: the provider-emitted table
   * entities of the source whose Glue parameters name the pipeline. Nothing is read from the
   * component but its name and type, since a user's repository can set its annotations. The
   * component is read with the caller's credentials (404 when it may not be seen); the tables
   * with `tableCredentials`, so that a caller deciding to run it is asked about every one.
   */
  async pipelineTables(
    pipelineRef: string,
    credentials: BackstageCredentials,
    tableCredentials: BackstageCredentials,
  ): Promise<{ pipeline: string; tables: Entity[] }> {
    const { catalog, tables } = this.options;
    const entity = await catalog.getEntityByRef(pipelineRef, { credentials });
    const sourceId =
      entity?.spec?.type === PIPELINE_ENTITY_TYPE
        ? PIPELINE_COMPONENT_NAME.exec(entity.metadata.name)?.[1]
        : undefined;
    if (!sourceId) {
      throw new NotFoundError(`No data pipeline entity ${pipelineRef}`);
    }
    const pipeline = defaultPipelineName(sourceId);
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'resource',
          'spec.type': Object.values(TABLE_ENTITY_TYPES),
        },
      },
      { credentials: tableCredentials },
    );
    const candidates = items.filter(
      e =>
        !!tables.identify(e) &&
        typeof e.spec?.system === 'string' &&
        parseEntityRef(e.spec.system, { defaultKind: 'system' }).name ===
          sourceId,
    );
    const targets = await this.resolveTargets(candidates);
    return {
      pipeline,
      tables: candidates.filter(
        e => targets.tablePipelines.get(e) === pipeline,
      ),
    };
  }

  /** The table and every table upstream of it the caller may see. */
  async upstreamTables(
    root: Entity,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const seen = new Map<string, Entity>([[refOf(root), root]]);
    let frontier = [root];
    for (let hop = 0; hop < LINEAGE_DEPTH.max && frontier.length; hop++) {
      const refs = [...new Set(frontier.flatMap(dependsOnRefs))].filter(
        r => !seen.has(r),
      );
      const found = (
        await getEntities(this.options.catalog, refs, credentials)
      ).filter(e => !!this.options.tables.identify(e));
      found.forEach(e => seen.set(refOf(e), e));
      frontier = found;
    }
    return [...seen.values()];
  }

  /**
   * Jobs, pipelines and MySQL tables of the tables. Without Glue (table parameters unreadable)
   * the names fall back to the conventions on the entity (system = source, layer annotation), so
   * Step Functions and DMS still answer when Glue does not.
   */
  async resolveTargets(tables: Entity[]): Promise<RunTargets> {
    const jobNames = new Set<string>();
    const jobTables = new Map<string, Entity>();
    const pipelines = new Set<string>();
    const tablePipelines = new Map<Entity, string>();
    const sourceIds = new Set<string>();
    const mysqlTables = new Map<string, MysqlTableRef>();
    await Promise.all(
      tables.map(async entity => {
        const glue = this.options.tables.identify(entity);
        if (!glue) return;
        const layer = entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer];
        const system = entity.spec?.system;
        const fallbackSource =
          typeof system === 'string'
            ? parseEntityRef(system, { defaultKind: 'system' }).name
            : undefined;
        let recorded: ReturnType<typeof recordedLineage> | undefined;
        try {
          recorded = recordedLineage(
            await this.options.aws.tableParameters(glue.database, glue.table),
          );
        } catch (e) {
          assertError(e);
          this.options.logger.debug(
            `Table parameters of ${glue.database}.${glue.table} unreadable: ${e.message}`,
          );
        }
        const sourceId = recorded?.sourceId ?? fallbackSource;
        const pipeline =
          recorded?.pipeline ??
          (sourceId ? defaultPipelineName(sourceId) : undefined);
        if (sourceId) sourceIds.add(sourceId);
        if (!pipeline) return;
        pipelines.add(pipeline);
        tablePipelines.set(entity, pipeline);
        const job = jobNameFor(pipeline, layer, glue.table);
        if (job) {
          jobNames.add(job);
          jobTables.set(job, entity);
        }
        for (const m of recorded?.mysqlUpstream ?? []) {
          mysqlTables.set(`${m.sourceId}/${m.schema}.${m.table}`, m);
        }
      }),
    );
    return {
      jobNames: [...jobNames].sort(),
      jobTables,
      pipelines: [...pipelines].sort(),
      tablePipelines,
      mysqlTables: [...mysqlTables.values()],
      sourceIds: [...sourceIds].sort(),
    };
  }

  /**
   * The page as the caller may see it: errors of runs on tables the caller may not read are
   * withheld; the others' failed Glue runs get their error log tail. A CloudWatch Logs failure
   * is named in `logs` and costs only the tails.
   */
  private async withErrors(
    page: RunEntry[],
    context: {
      writes: RunWrites;
      targets: RunTargets;
      /** The table viewed; none for a pipeline. */
      root?: Entity;
      credentials: BackstageCredentials;
    },
  ): Promise<{ runs: RunEntry[]; logs: RunSourceStatus }> {
    const { aws, runErrors } = this.options;
    const mayRead = runErrors
      ? await runErrors.forCaller(context.credentials)
      : async () => false;
    const failures: string[] = [];
    let tails = 0;
    const runs = await Promise.all(
      page.map(async run => {
        const jobName = context.writes.get(run)?.jobName;
        // A failure that names no job (a state that is not a Glue run) belongs to the table viewed,
        // and is hidden on a pipeline's page.
        const table =
          jobName === undefined || jobName === null
            ? context.root
            : context.targets.jobTables.get(jobName);
        if (!table || !(await mayRead(table))) {
          const failed = run.status === 'failed' || run.status === 'timed-out';
          return failed || run.error !== null
            ? { ...run, error: null, errorHidden: true }
            : run;
        }
        if (
          run.source !== 'glue' ||
          !FAILED_JOB_STATES.has(run.awsStatus) ||
          tails++ >= MAX_LOG_TAILS
        ) {
          return run;
        }
        try {
          return { ...run, logTail: await aws.errorLogTail(run.id) };
        } catch (e) {
          assertError(e);
          failures.push(`${run.name} run ${run.id}: ${e.message}`);
          return run;
        }
      }),
    );
    return { runs, logs: sourceStatus('CloudWatch Logs', failures) };
  }

  private async glueRuns(jobNames: string[]) {
    const { region } = this.options;
    const failures: string[] = [];
    const runs: RunEntry[] = [];
    const writes: RunWrites = new Map();
    await Promise.all(
      jobNames.map(async job => {
        try {
          for (const run of await this.options.aws.jobRuns(job)) {
            const entry: RunEntry = {
              source: 'glue',
              id: run.id,
              name: job,
              status: glueStatus(run.state),
              awsStatus: run.state,
              startedAt: run.startedOn ?? '',
              endedAt: run.completedOn,
              durationSeconds:
                run.executionTimeSeconds ??
                seconds(run.startedOn, run.completedOn),
              dpuSeconds: run.dpuSeconds,
              error: run.errorMessage,
              failedState: null,
              consoleUrl: `https://${region}.console.aws.amazon.com/gluestudio/home?region=${region}#/job/${encodeURIComponent(
                job,
              )}/run/${encodeURIComponent(run.id)}`,
            };
            runs.push(entry);
            writes.set(entry, { jobName: job });
          }
        } catch (e) {
          assertError(e);
          failures.push(`${job}: ${e.message}`);
        }
      }),
    );
    return { runs, writes, status: sourceStatus('Glue', failures) };
  }

  private async sfnRuns(pipelines: string[]) {
    const { aws, region } = this.options;
    const failures: string[] = [];
    const runs: RunEntry[] = [];
    const writes: RunWrites = new Map();
    await Promise.all(
      pipelines.map(async pipeline => {
        try {
          const arn = await aws.stateMachineArn(pipeline);
          if (!arn) return;
          const executions = await aws.executions(arn);
          let explained = 0;
          for (const execution of executions) {
            const status = sfnStatus(execution.status);
            let failure = null;
            if (
              (status === 'failed' || status === 'timed-out') &&
              explained++ < MAX_FAILURES_EXPLAINED
            ) {
              failure = await aws.executionFailure(execution.executionArn);
            }
            const entry: RunEntry = {
              source: 'stepFunctions',
              id: execution.name,
              name: pipeline,
              status,
              awsStatus: execution.status,
              startedAt: execution.startDate ?? '',
              endedAt: execution.stopDate,
              durationSeconds: seconds(execution.startDate, execution.stopDate),
              dpuSeconds: null,
              error: failure
                ? [failure.error, failure.cause].filter(Boolean).join(': ') ||
                  null
                : null,
              failedState: failure?.failedState ?? null,
              consoleUrl: `${consoleBase(
                region,
                'states',
              )}#/v2/executions/details/${encodeURIComponent(
                execution.executionArn,
              )}`,
            };
            runs.push(entry);
            writes.set(entry, { jobName: failure?.jobName ?? null });
          }
        } catch (e) {
          assertError(e);
          failures.push(`${pipeline}: ${e.message}`);
        }
      }),
    );
    return { runs, writes, status: sourceStatus('Step Functions', failures) };
  }

  /**
   * The pipeline's EventBridge Scheduler schedule and when it runs next. None is `null`, not an
   * error; a failure to read it is named in the `scheduler` source and costs only the schedule.
   */
  private async pipelineSchedule(pipeline: string | undefined): Promise<{
    schedule: PipelineScheduleStatus | null;
    status: RunSourceStatus;
  }> {
    if (!pipeline) return { schedule: null, status: { status: 'ok' } };
    const name = scheduleNameOf(pipeline);
    try {
      const facts = await this.options.aws.schedule(name);
      if (!facts) return { schedule: null, status: { status: 'ok' } };
      let nextRunAt: string | null = null;
      if (facts.state === 'ENABLED') {
        const date = (value: string | null) =>
          value ? new Date(value) : undefined;
        nextRunAt =
          nextScheduledRun(
            {
              expression: facts.expression,
              timezone: facts.timezone,
              startDate: date(facts.startDate),
              endDate: date(facts.endDate),
              createdAt: date(facts.creationDate),
            },
            this.options.now?.() ?? new Date(),
          )?.toISOString() ?? null;
      }
      return {
        schedule: {
          name,
          expression: facts.expression,
          timezone: facts.timezone,
          state: facts.state,
          nextRunAt,
        },
        status: { status: 'ok' },
      };
    } catch (e) {
      assertError(e);
      return {
        schedule: null,
        status: sourceStatus('EventBridge Scheduler', [
          `${name}: ${e.message}`,
        ]),
      };
    }
  }

  private async dmsStatus(targets: RunTargets) {
    const { aws, region } = this.options;
    if (targets.sourceIds.length === 0 && targets.mysqlTables.length === 0) {
      return { tasks: [], status: { status: 'ok' } as RunSourceStatus };
    }
    try {
      const all = await aws.replicationTasks();
      const relevant = all.filter(task =>
        targets.mysqlTables.length > 0
          ? targets.mysqlTables.some(m => dmsTaskReplicates(task, m))
          : targets.sourceIds.some(s => task.id.startsWith(`dl-${s}-`)),
      );
      const tasks: DmsTaskStatus[] = await Promise.all(
        relevant.map(async task => {
          const statistics = await aws.tableStatistics(task.arn);
          const wanted = (schema: string, table: string) =>
            targets.mysqlTables.length === 0 ||
            targets.mysqlTables.some(
              m =>
                m.schema.toLowerCase() === schema.toLowerCase() &&
                m.table.toLowerCase() === table.toLowerCase(),
            );
          return {
            taskId: task.id,
            status: task.status,
            stopReason: task.stopReason,
            lastFailureMessage: task.lastFailureMessage,
            fullLoadProgressPercent: task.fullLoadProgressPercent,
            tablesLoaded: task.tablesLoaded,
            tablesErrored: task.tablesErrored,
            startedAt: task.startedAt,
            tables: statistics.filter(s => wanted(s.schema, s.table)),
            consoleUrl: `https://${region}.console.aws.amazon.com/dms/v2/home?region=${region}#taskDetails/${encodeURIComponent(
              task.id,
            )}`,
          };
        }),
      );
      return { tasks, status: { status: 'ok' } as RunSourceStatus };
    } catch (e) {
      assertError(e);
      return {
        tasks: [],
        status: sourceStatus('DMS', [e.message]),
      };
    }
  }
}

function sourceStatus(service: string, failures: string[]): RunSourceStatus {
  return failures.length === 0
    ? { status: 'ok' }
    : { status: 'error', error: `${service}: ${failures.join('; ')}` };
}

function refOf(entity: Entity): string {
  return normaliseEntityRef(
    `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
      entity.metadata.name
    }`,
  );
}
