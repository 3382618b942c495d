/*
 * The data plane of a replication task: after StartReplicationTask it reads the source, writes the
 * full load, then streams CDC from the binary log until the task is stopped. The task handlers
 * start and stop it; it reports progress into the task's stored `run`, from which
 * DescribeReplicationTasks and DescribeTableStatistics answer.
 */
import { EmulatorResource, ServiceContext } from '../../core/types';
import { BinlogCapture, CdcCheckpoint, ChangeCounts } from './cdc';
import { collections, nowMs, realMs } from './common';
import { getEndpointOrThrow, StoredEndpoint } from './endpoints';
import { clearTableFolder, loadTable } from './fullLoad';
import { tableFolder } from './landingWriter';
import { LandingSettings, landingSettings } from './s3Settings';
import {
  BinlogPosition,
  checkCdcReady,
  connectSource,
  currentBinlogPosition,
  firstBinlogPosition,
  readColumns,
  resolveSourceEndpoint,
  startSnapshot,
} from './source';
import { parseTableMappings, resolveTaskTables } from './tableMappings';
import { parseTransformations, planTable, TablePlan } from './transformations';

export interface TableRun extends ChangeCounts {
  SchemaName: string;
  TableName: string;
  /** Rows in the source when the task started. */
  rows: number;
  /** Rows written to LOAD files. */
  loadedRows: number;
  state: 'Before load' | 'Full load' | 'Table completed' | 'Table error';
  /** DDLs the target followed (`AppliedDdls`); `ddls` counts every DDL captured. */
  appliedDdls?: number;
  loadStartMs?: number;
  loadEndMs?: number;
  lastUpdateMs?: number;
  /** Loaded again by ReloadTables (`FullLoadReloaded`). */
  reloaded?: boolean;
}

export interface TaskRun {
  startType: string;
  startedAtMs: number;
  /** Set when the task has read its source and starts moving data. */
  runningAtMs?: number;
  fullLoadStartMs?: number;
  fullLoadFinishMs?: number;
  stopRequestedAtMs?: number;
  stoppedAtMs?: number;
  failure?: string;
  /** Set once the source was read; undefined while resolving. */
  tables?: TableRun[];
  /** Where CDC resumes, and the last change sequence each table wrote. */
  checkpoint?: CdcCheckpoint;
  flushedSeq?: Record<string, string>;
  /** Tables loaded after CDC began, with the binlog position read before their load. */
  loadedAt?: Record<string, BinlogPosition>;
  /** Commit to file in S3 of the last CDC batch. */
  cdcLatencyMs?: number;
  /** Commit to the capture reading it, for the last change of that batch. */
  cdcSourceLatencyMs?: number;
  cdcStartPosition?: string;
  cdcStartTimeMs?: number;
}

export interface StoredTask {
  ReplicationTaskIdentifier: string;
  ReplicationTaskArn: string;
  SourceEndpointArn: string;
  TargetEndpointArn: string;
  ReplicationInstanceArn: string;
  MigrationType: string;
  TableMappings: string;
  ReplicationTaskSettings?: string;
  ReplicationTaskCreationDate: number;
  CdcStartPosition?: string;
  CdcStartTime?: number;
  readyAtMs: number;
  run?: TaskRun;
}

export const tasks = (ctx: ServiceContext) =>
  ctx.state.collection<StoredTask>(collections.tasks);

const tableKey = (t: { SchemaName: string; TableName: string }) =>
  `${t.SchemaName}.${t.TableName}`;

/** Applies `change` to the run with id `startedAtMs`; a newer start or a delete wins. */
export function patchRun(
  ctx: ServiceContext,
  arn: string,
  startedAtMs: number,
  change: (run: TaskRun) => TaskRun,
) {
  const task = tasks(ctx).get(arn);
  if (!task?.run || task.run.startedAtMs !== startedAtMs) return;
  tasks(ctx).put(arn, { ...task, run: change(task.run) });
}

function patchTable(
  ctx: ServiceContext,
  arn: string,
  startedAtMs: number,
  key: string,
  change: (table: TableRun) => TableRun,
) {
  patchRun(ctx, arn, startedAtMs, run => ({
    ...run,
    tables: run.tables?.map(t => (tableKey(t) === key ? change(t) : t)),
  }));
}

/** `mysql-bin-changelog.000024:373` → file and position (CreateReplicationTask, CdcStartPosition). */
function parseStartPosition(text: string): { file: string; position: number } {
  const match = /^([^:]+):(\d+)$/.exec(text.trim());
  if (!match) {
    throw new Error(
      `CdcStartPosition ${text} is not a MySQL binlog position (file:position); checkpoints are not implemented by the emulator`,
    );
  }
  return { file: match[1], position: Number(match[2]) };
}

/** What a table's full load needs, kept by the run for the reloads of ReloadTables. */
interface Loader {
  source: StoredEndpoint;
  settings: LandingSettings;
  plans: Map<string, TablePlan>;
  commitRate: number;
  prepMode: string;
  loadTimestamp: () => Date;
}

class Replication {
  stopping = false;
  capture?: BinlogCapture;
  private loader?: Loader;
  /** Set when the task failed: a reload under way ends with it. */
  private failed = false;
  /** The reloads ReloadTables asked for, one table after the other. */
  private reloads: Promise<void> = Promise.resolve();
  /** Ends the `starting` wait early when the task is stopped. */
  private wake?: () => void;
  private readonly done: Promise<void>;

  constructor(
    private readonly ctx: ServiceContext,
    readonly arn: string,
    readonly startedAtMs: number,
  ) {
    this.done = this.run().catch(error => this.fail(error));
  }

  private fail(error: unknown) {
    this.failed = true;
    const message = (error as Error)?.message ?? String(error);
    patchRun(this.ctx, this.arn, this.startedAtMs, run => ({
      ...run,
      failure: run.failure ?? message,
      tables: run.tables?.map(t =>
        t.state === 'Table completed' ? t : { ...t, state: 'Table error' },
      ),
    }));
    this.capture?.stop().catch(() => undefined);
  }

  private async run() {
    const { ctx, arn, startedAtMs } = this;
    // DMS spends a while `starting` before it reads the source.
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, realMs(ctx, 'dmsTaskStartingMs'));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (this.stopping) return;
    const task = tasks(ctx).get(arn);
    if (!task?.run || task.run.startedAtMs !== startedAtMs) return;
    const run = task.run;
    const target = getEndpointOrThrow(ctx, task.TargetEndpointArn);
    if (target.EngineName !== 's3') {
      throw new Error(
        `The emulator moves data to S3 targets only, not ${target.EngineDisplayName}`,
      );
    }
    const settings = landingSettings(
      target.S3Settings as Record<string, unknown>,
    );
    // Connection details from the endpoint's Secrets Manager secret, when it names one: read
    // once as the task starts; a missing or malformed secret fails the task. Full load, the
    // table resolution and the binlog client (cdc.ts) all connect with this endpoint.
    const source = await resolveSourceEndpoint(
      ctx,
      getEndpointOrThrow(ctx, task.SourceEndpointArn),
    );
    const taskSettings = JSON.parse(task.ReplicationTaskSettings || '{}');
    const timeoutMs = Number(ctx.settings.dmsConnectTimeoutMs);
    const transformations = parseTransformations(task.TableMappings);
    const resolved = await resolveTaskTables(
      parseTableMappings(task.TableMappings),
      source,
      timeoutMs,
    );
    const connection = await connectSource(source, timeoutMs);
    try {
      const options = {
        timestampMillis: settings.parquetTimestampInMillisecond,
      };
      const replan = async (schema: string, table: string) =>
        planTable(
          transformations,
          schema,
          table,
          await readColumns(connection, schema, table),
          options,
        );
      const plans = new Map<string, TablePlan>();
      for (const table of resolved) {
        plans.set(
          tableKey(table),
          await replan(table.SchemaName, table.TableName),
        );
      }
      const resume = run.startType === 'resume-processing' && run.checkpoint;
      const previous = new Map((run.tables ?? []).map(t => [tableKey(t), t]));
      const tables: TableRun[] = resolved.map(t => {
        const before = previous.get(tableKey(t));
        if (resume && before) return { ...before, rows: t.rows };
        return {
          ...t,
          loadedRows: 0,
          state: 'Before load',
          inserts: 0,
          updates: 0,
          deletes: 0,
          ddls: 0,
          appliedDdls: 0,
        };
      });
      const withCdc = task.MigrationType !== 'full-load';
      let start: CdcCheckpoint | undefined = resume
        ? run.checkpoint
        : undefined;
      let startTime: Date | undefined;
      if (withCdc && !resume) {
        await checkCdcReady(connection);
        const position = run.cdcStartPosition ?? task.CdcStartPosition;
        const time =
          run.cdcStartTimeMs ??
          (task.CdcStartTime ? task.CdcStartTime * 1000 : undefined);
        if (task.MigrationType === 'cdc' && position) {
          start = { ...parseStartPosition(position), seq: '0' };
        } else if (task.MigrationType === 'cdc' && time !== undefined) {
          // The binlog has no index by time: read from its oldest file and skip earlier commits.
          start = { ...(await firstBinlogPosition(connection)), seq: '0' };
          startTime = new Date(time);
        } else {
          // CDC of a full-load-and-cdc task covers changes from the start of the full load on.
          start = { ...(await currentBinlogPosition(connection)), seq: '0' };
        }
      }
      patchRun(ctx, arn, startedAtMs, r => ({
        ...r,
        runningAtMs: nowMs(ctx),
        tables,
        checkpoint: start,
        flushedSeq: resume ? r.flushedSeq : {},
        loadedAt: resume ? r.loadedAt : undefined,
      }));

      // Full load: every table on a fresh start or reload, and on a resume the tables the
      // mappings gained since (DMS loads a newly added table) and those whose ReloadTables the
      // stop interrupted.
      const interrupted = (t: TableRun) =>
        previous.get(tableKey(t))?.reloaded === true &&
        ['Before load', 'Full load'].includes(previous.get(tableKey(t))!.state);
      const toLoad =
        task.MigrationType === 'cdc'
          ? []
          : tables.filter(
              t => !resume || !previous.has(tableKey(t)) || interrupted(t),
            );
      if (toLoad.length > 0) {
        patchRun(ctx, arn, startedAtMs, r => ({
          ...r,
          fullLoadStartMs: nowMs(ctx),
        }));
      }
      const commitRate =
        Number(taskSettings.FullLoadSettings?.CommitRate) || 10_000;
      const prepMode = String(
        taskSettings.FullLoadSettings?.TargetTablePrepMode ?? 'DROP_AND_CREATE',
      );
      const loadTimestamp = () =>
        taskSettings.UseTaskStartTimeForFullLoadTimestamp
          ? new Date(startedAtMs)
          : ctx.clock.now();
      this.loader = {
        source,
        settings,
        plans,
        commitRate,
        prepMode,
        loadTimestamp,
      };
      for (const table of toLoad) {
        const key = tableKey(table);
        if (resume && withCdc) {
          // A table added to a task that was already capturing: CDC resumes from before this
          // load, so its changes up to the load's snapshot must not be written again as CDC
          // records. DMS loads a table added to the mappings of a stopped task when it resumes,
          // and the other tables go on with CDC ("Modifying a task", CHAP_Tasks.Modifying.html).
          const at = await startSnapshot(connection);
          patchRun(ctx, arn, startedAtMs, r => ({
            ...r,
            loadedAt: { ...r.loadedAt, [key]: at },
          }));
        }
        patchTable(ctx, arn, startedAtMs, key, t => ({
          ...t,
          state: 'Full load',
          loadStartMs: nowMs(ctx),
        }));
        const written = await loadTable({
          ctx,
          connection,
          settings,
          plan: plans.get(key)!,
          commitRate,
          prepMode,
          loadTimestamp,
          onProgress: rows =>
            patchTable(ctx, arn, startedAtMs, key, t => ({
              ...t,
              loadedRows: rows,
            })),
          cancelled: () => this.stopping,
        });
        // Ends the snapshot of a load during CDC.
        if (resume && withCdc) await connection.query('COMMIT');
        if (written === undefined) return;
        patchTable(ctx, arn, startedAtMs, key, t => ({
          ...t,
          loadedRows: written,
          state: 'Table completed',
          loadEndMs: nowMs(ctx),
          lastUpdateMs: nowMs(ctx),
        }));
      }
      patchRun(ctx, arn, startedAtMs, r => ({
        ...r,
        fullLoadFinishMs:
          r.fullLoadFinishMs && resume ? r.fullLoadFinishMs : nowMs(ctx),
        tables: r.tables?.map(t => ({ ...t, state: 'Table completed' })),
      }));
      if (!withCdc || this.stopping) return;
      await this.startCdc(source, settings, plans, start!, startTime);
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  private async startCdc(
    source: StoredEndpoint,
    settings: LandingSettings,
    plans: Map<string, TablePlan>,
    start: CdcCheckpoint,
    startTime: Date | undefined,
  ) {
    const { ctx, arn, startedAtMs } = this;
    const run = tasks(ctx).get(arn)?.run;
    const timeoutMs = Number(ctx.settings.dmsConnectTimeoutMs);
    const connectionForReplan = await connectSource(source, timeoutMs);
    const capture = new BinlogCapture({
      ctx,
      endpoint: source,
      settings,
      plans,
      replan: async (schema, table) =>
        planTable(
          parseTransformations(tasks(ctx).get(arn)!.TableMappings),
          schema,
          table,
          await readColumns(connectionForReplan, schema, table),
          { timestampMillis: settings.parquetTimestampInMillisecond },
        ),
      start,
      startTime,
      flushedSeq: run?.flushedSeq ?? {},
      loadedAt: tasks(ctx).get(arn)?.run?.loadedAt,
      // Task settings are read at each DDL; the defaults are true
      // (CHAP_Tasks.CustomizingTasks.TaskSettings.DDLHandling.html).
      applyAlter: () =>
        JSON.parse(tasks(ctx).get(arn)?.ReplicationTaskSettings || '{}')
          .ChangeProcessingDdlHandlingPolicy?.HandleSourceTableAltered !==
        false,
      timeoutMs,
      onFlush: report =>
        patchRun(ctx, arn, startedAtMs, r => ({
          ...r,
          checkpoint: report.checkpoint,
          flushedSeq: report.flushedSeq,
          cdcLatencyMs: report.latencyMs,
          cdcSourceLatencyMs: report.sourceLatencyMs,
          tables: r.tables?.map(t =>
            tableKey(t) === report.table
              ? {
                  ...t,
                  inserts: t.inserts + report.counts.inserts,
                  updates: t.updates + report.counts.updates,
                  deletes: t.deletes + report.counts.deletes,
                  lastUpdateMs: nowMs(ctx),
                }
              : t,
          ),
        })),
      onDdl: (table, applied) =>
        patchTable(ctx, arn, startedAtMs, table, t => ({
          ...t,
          ddls: t.ddls + 1,
          appliedDdls: (t.appliedDdls ?? 0) + (applied ? 1 : 0),
          lastUpdateMs: nowMs(ctx),
        })),
      onTruncate: async table => {
        // "A TRUNCATE DDL removes all files and corresponding table folders from an S3 bucket"
        // unless HandleSourceTableTruncated is false (CHAP_Target.S3.html, Limitations).
        const settingsJson = JSON.parse(
          tasks(ctx).get(arn)?.ReplicationTaskSettings || '{}',
        );
        if (
          settingsJson.ChangeProcessingDdlHandlingPolicy
            ?.HandleSourceTableTruncated === false
        ) {
          return false;
        }
        const plan = plans.get(table)!;
        await clearTableFolder(
          ctx,
          settings.bucketName,
          tableFolder(settings, plan.targetSchema, plan.targetTable),
        );
        return true;
      },
      onError: error => this.fail(error),
    });
    this.capture = capture;
    try {
      await capture.start();
    } finally {
      this.onStop = async () => {
        await connectionForReplan.end().catch(() => undefined);
      };
    }
    if (this.stopping) await capture.stop();
  }

  private onStop?: () => Promise<void>;

  /**
   * Queues the reload of a table (ReloadTables) whose statistics the handler already set to
   * `Before load`: DMS reloads the table while CDC of the others goes on ("Reloading tables does
   * not stop the task", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.ReloadTables.html).
   */
  reload(key: string) {
    this.reloads = this.reloads.then(() =>
      // A failed reload is a table error, as on DMS: the task and the other tables go on, and
      // the table's state (and TablesErrored) says so.
      this.reloadTable(key).catch(() => {
        this.capture?.release(key);
        patchTable(this.ctx, this.arn, this.startedAtMs, key, t => ({
          ...t,
          state: 'Table error',
          lastUpdateMs: nowMs(this.ctx),
        }));
      }),
    );
  }

  /**
   * One reload, exactly once with the CDC around it: the capture holds the table's batches, the
   * load reads a consistent snapshot, the table's changes up to the snapshot's binlog position
   * are dropped or skipped (they are in the new LOAD files), and the later ones are written as
   * CDC once the load is written. TargetTablePrepMode is applied first, as DMS does ("DMS
   * applies the TargetTablePrepMode setting before reloading the table", same page): with
   * DO_NOTHING the old files stay and the counter starts again at LOAD00000001.
   */
  private async reloadTable(key: string) {
    const { ctx, arn, startedAtMs } = this;
    // CDC is streaming once the run is done; the handler only accepts reloads after the full load.
    await this.done;
    const capture = this.capture;
    const loader = this.loader;
    if (this.stopping || this.failed || !capture || !loader) return;
    const connection = await connectSource(
      loader.source,
      Number(ctx.settings.dmsConnectTimeoutMs),
    );
    try {
      await capture.holdTable(key);
      const at = await startSnapshot(connection);
      capture.reloadFrom(key, at);
      patchRun(ctx, arn, startedAtMs, r => ({
        ...r,
        loadedAt: { ...r.loadedAt, [key]: at },
      }));
      patchTable(ctx, arn, startedAtMs, key, t => ({
        ...t,
        state: 'Full load',
        loadStartMs: nowMs(ctx),
      }));
      const written = await loadTable({
        ctx,
        connection,
        settings: loader.settings,
        plan: loader.plans.get(key)!,
        commitRate: loader.commitRate,
        prepMode: loader.prepMode,
        loadTimestamp: loader.loadTimestamp,
        onProgress: rows =>
          patchTable(ctx, arn, startedAtMs, key, t => ({
            ...t,
            loadedRows: rows,
          })),
        cancelled: () => this.stopping || this.failed,
      });
      await connection.query('COMMIT');
      // Stopped mid-load: the table keeps its state and the held batch, and a resume reloads it.
      if (written === undefined) return;
      patchTable(ctx, arn, startedAtMs, key, t => ({
        ...t,
        rows: written,
        loadedRows: written,
        state: 'Table completed',
        loadEndMs: nowMs(ctx),
        lastUpdateMs: nowMs(ctx),
      }));
      capture.release(key);
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  /** Stops the data plane after it wrote what it holds; records where a resume starts. */
  async stop() {
    this.stopping = true;
    this.wake?.();
    await this.done;
    await this.reloads;
    if (this.capture) {
      await this.capture.stop();
      const { checkpoint, flushedSeq } = this.capture.resumePoint();
      patchRun(this.ctx, this.arn, this.startedAtMs, r => ({
        ...r,
        checkpoint,
        flushedSeq,
      }));
    }
    await this.onStop?.();
  }
}

/** The running replications of one emulator; closing it stops them all (emulator shutdown). */
class Replications implements EmulatorResource {
  readonly running = new Map<string, Replication>();

  async close() {
    await Promise.all([...this.running.values()].map(r => r.stop()));
    this.running.clear();
  }
}

const registry = (ctx: ServiceContext) =>
  ctx.resource('dms.replications', () => new Replications());

/** Starts the data plane of the run that StartReplicationTask just stored. */
export function startReplication(
  ctx: ServiceContext,
  arn: string,
  startedAtMs: number,
) {
  const replications = registry(ctx);
  const previous = replications.running.get(arn);
  if (previous) previous.stop().catch(() => undefined);
  replications.running.set(arn, new Replication(ctx, arn, startedAtMs));
}

/**
 * Starts the reloads of tables of a running task (ReloadTables); false when the task's data
 * plane is not running in this emulator (it was restarted since the task started).
 */
export function reloadTables(ctx: ServiceContext, arn: string, keys: string[]) {
  const replication = registry(ctx).running.get(arn);
  if (!replication || replication.stopping) return false;
  for (const key of keys) replication.reload(key);
  return true;
}

/** Stops the task's data plane; the task shows `stopped` once it is done. */
export function stopReplication(ctx: ServiceContext, arn: string) {
  const replications = registry(ctx);
  const replication = replications.running.get(arn);
  const startedAtMs = tasks(ctx).get(arn)?.run?.startedAtMs;
  const finish = () => {
    if (startedAtMs !== undefined) {
      patchRun(ctx, arn, startedAtMs, r => ({ ...r, stoppedAtMs: nowMs(ctx) }));
    }
  };
  if (!replication) {
    finish();
    return;
  }
  replications.running.delete(arn);
  replication.stop().then(finish, error => {
    patchRun(ctx, arn, startedAtMs!, r => ({
      ...r,
      failure: String(error?.message ?? error),
    }));
  });
}
