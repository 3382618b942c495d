import { ServiceContext } from '../../core/types';
import {
  alreadyExists,
  describe,
  identifier,
  invalidParameter,
  invalidState,
  newDmsArn,
  notFound,
  nowMs,
  realMs,
  requireArn,
} from './common';
import { getEndpointOrThrow } from './endpoints';
import { checkMigrationType, getInstanceOrThrow } from './instances';
import {
  reloadTables,
  startReplication,
  stopReplication,
  StoredTask,
  TableRun,
  TaskRun,
  tasks,
} from './replication';
import { parseTableMappings } from './tableMappings';
import { parseTransformations } from './transformations';

/** Transformation rules the emulator cannot apply are refused when the task is created. */
function parseTransformationsOr400(json: string) {
  try {
    parseTransformations(json);
  } catch (error) {
    throw invalidParameter((error as Error).message);
  }
}

function getTaskOrThrow(ctx: ServiceContext, arn: string) {
  const task = tasks(ctx).get(arn);
  if (!task) throw notFound(`Replication task ${arn} not found`);
  return task;
}

/** Status and stop reason at `now`, from what the task's data plane reported. */
function statusAt(task: StoredTask, now: number) {
  const { run } = task;
  if (now < task.readyAtMs) return { Status: 'creating' };
  if (!run) return { Status: 'ready' };
  if (run.failure) {
    return { Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR' };
  }
  if (run.stopRequestedAtMs !== undefined) {
    return run.stoppedAtMs === undefined
      ? { Status: 'stopping' }
      : { Status: 'stopped', StopReason: 'Stop Reason NORMAL' };
  }
  if (run.runningAtMs === undefined) return { Status: 'starting' };
  if (
    task.MigrationType === 'full-load' &&
    run.fullLoadFinishMs !== undefined
  ) {
    return {
      Status: 'stopped',
      StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
    };
  }
  return { Status: 'running' };
}

/** Share of the source rows written to LOAD files (1 when the task has no full load). */
function fullLoadProgress(task: StoredTask, run: TaskRun) {
  if (task.MigrationType === 'cdc') return 1;
  if (run.fullLoadFinishMs !== undefined) return 1;
  const tables = run.tables ?? [];
  const total = tables.reduce((sum, t) => sum + t.rows, 0);
  const loaded = tables.reduce(
    (sum, t) => sum + (t.state === 'Table completed' ? t.rows : t.loadedRows),
    0,
  );
  if (tables.length === 0) return 0;
  return total === 0 ? 0 : Math.min(1, loaded / total);
}

function taskView(task: StoredTask, ctx: ServiceContext) {
  const now = nowMs(ctx);
  const { readyAtMs: _ready, run, ...fields } = task;
  const status = statusAt(task, now);
  const view: Record<string, unknown> = { ...fields, ...status };
  if (run) {
    const progress = fullLoadProgress(task, run);
    const tables = run.tables ?? [];
    const loaded = tables.filter(t => t.state === 'Table completed').length;
    const loading = tables.filter(t => t.state === 'Full load').length;
    const stoppedAt =
      run.stoppedAtMs ??
      (status.Status === 'stopped' ? run.fullLoadFinishMs : undefined);
    view.LastFailureMessage = run.failure;
    view.ReplicationTaskStartDate = run.startedAtMs / 1000;
    view.ReplicationTaskStats = {
      FullLoadProgressPercent: Math.floor(progress * 100),
      ElapsedTimeMillis: Math.round(
        ((stoppedAt ?? now) - run.startedAtMs) *
          Number(ctx.settings.clockSpeed ?? 1),
      ),
      TablesLoaded: loaded,
      TablesLoading: loading,
      TablesQueued: tables.filter(t => t.state === 'Before load').length,
      TablesErrored: tables.filter(t => t.state === 'Table error').length,
      FreshStartDate: run.startedAtMs / 1000,
      StartDate: run.startedAtMs / 1000,
      StopDate: stoppedAt !== undefined ? stoppedAt / 1000 : undefined,
      FullLoadStartDate:
        run.fullLoadStartMs !== undefined
          ? run.fullLoadStartMs / 1000
          : undefined,
      FullLoadFinishDate:
        run.fullLoadFinishMs !== undefined
          ? run.fullLoadFinishMs / 1000
          : undefined,
    };
  }
  return view;
}

/** "You can reload up to 10 tables from a task" (CHAP_Tasks.ReloadTables.html). */
const MAX_TABLES_TO_RELOAD = 10;

/** `TablesToReload`: 1–10 distinct `{SchemaName, TableName}`, both required. */
function tablesToReload(input: any) {
  const list = input?.TablesToReload;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidParameter('TablesToReload must name at least one table');
  }
  if (list.length > MAX_TABLES_TO_RELOAD) {
    throw invalidParameter(
      `TablesToReload names ${list.length} tables; at most ${MAX_TABLES_TO_RELOAD} tables can be reloaded`,
    );
  }
  const keys = list.map((t: any) => {
    if (
      typeof t?.SchemaName !== 'string' ||
      !t.SchemaName ||
      typeof t?.TableName !== 'string' ||
      !t.TableName
    ) {
      throw invalidParameter(
        'Each table of TablesToReload needs a SchemaName and a TableName',
      );
    }
    return `${t.SchemaName}.${t.TableName}`;
  });
  // "Duplicate tables aren't allowed" (CHAP_Tasks.ReloadTables.html).
  const duplicate = keys.find((k: string, i: number) => keys.indexOf(k) !== i);
  if (duplicate) {
    throw invalidParameter(`TablesToReload names ${duplicate} twice`);
  }
  return keys as string[];
}

function requireStatus(
  task: StoredTask,
  ctx: ServiceContext,
  allowed: string[],
  action: string,
) {
  const { Status } = statusAt(task, nowMs(ctx));
  if (!allowed.includes(Status)) {
    throw invalidState(
      `Replication task ${task.ReplicationTaskIdentifier} is ${Status}; it cannot ${action}`,
    );
  }
}

export const taskOperations = {
  CreateReplicationTask(input: any, ctx: ServiceContext) {
    const id = identifier(input, 'ReplicationTaskIdentifier');
    if (
      tasks(ctx)
        .values()
        .some(t => t.ReplicationTaskIdentifier === id)
    ) {
      throw alreadyExists(`Replication task ${id} already exists`);
    }
    const source = getEndpointOrThrow(
      ctx,
      requireArn(input, 'SourceEndpointArn'),
    );
    const target = getEndpointOrThrow(
      ctx,
      requireArn(input, 'TargetEndpointArn'),
    );
    if (source.EndpointType !== 'SOURCE' || target.EndpointType !== 'TARGET') {
      throw invalidParameter(
        'SourceEndpointArn must be a source endpoint and TargetEndpointArn a target endpoint',
      );
    }
    const instance = getInstanceOrThrow(
      ctx,
      requireArn(input, 'ReplicationInstanceArn'),
    );
    parseTableMappings(input.TableMappings);
    parseTransformationsOr400(input.TableMappings);
    const task: StoredTask = {
      ReplicationTaskIdentifier: id,
      ReplicationTaskArn: newDmsArn(ctx, 'task'),
      SourceEndpointArn: source.EndpointArn,
      TargetEndpointArn: target.EndpointArn,
      ReplicationInstanceArn: instance.ReplicationInstanceArn,
      MigrationType: checkMigrationType(input.MigrationType, 'MigrationType'),
      TableMappings: input.TableMappings,
      ReplicationTaskSettings: input.ReplicationTaskSettings,
      ReplicationTaskCreationDate: nowMs(ctx) / 1000,
      CdcStartPosition: input.CdcStartPosition,
      CdcStartTime:
        input.CdcStartTime !== undefined
          ? Number(input.CdcStartTime)
          : undefined,
      readyAtMs: nowMs(ctx) + realMs(ctx, 'dmsTaskCreatingMs'),
    };
    tasks(ctx).put(task.ReplicationTaskArn, task);
    return { ReplicationTask: taskView(task, ctx) };
  },

  DescribeReplicationTasks(input: any, ctx: ServiceContext) {
    const { page, marker } = describe(
      input,
      tasks(ctx).values(),
      t => t.ReplicationTaskArn,
      {
        'replication-task-arn': t => t.ReplicationTaskArn,
        'replication-task-id': t => t.ReplicationTaskIdentifier,
        'migration-type': t => t.MigrationType,
        'endpoint-arn': t => t.SourceEndpointArn,
        'replication-instance-arn': t => t.ReplicationInstanceArn,
      },
      'replication tasks',
    );
    return {
      ReplicationTasks: page.map(task => {
        const view = taskView(task, ctx);
        if (input.WithoutSettings) delete view.ReplicationTaskSettings;
        return view;
      }),
      Marker: marker,
    };
  },

  ModifyReplicationTask(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = { ...getTaskOrThrow(ctx, arn) };
    requireStatus(task, ctx, ['ready', 'stopped', 'failed'], 'be modified');
    if (input.ReplicationTaskIdentifier !== undefined) {
      task.ReplicationTaskIdentifier = identifier(
        input,
        'ReplicationTaskIdentifier',
      );
    }
    if (input.MigrationType !== undefined) {
      task.MigrationType = checkMigrationType(
        input.MigrationType,
        'MigrationType',
      );
    }
    if (input.TableMappings !== undefined) {
      parseTableMappings(input.TableMappings);
      parseTransformationsOr400(input.TableMappings);
      task.TableMappings = input.TableMappings;
    }
    if (input.ReplicationTaskSettings !== undefined) {
      task.ReplicationTaskSettings = input.ReplicationTaskSettings;
    }
    tasks(ctx).put(arn, task);
    return { ReplicationTask: taskView(task, ctx) };
  },

  StartReplicationTask(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    const startType = input.StartReplicationTaskType;
    if (
      !['start-replication', 'resume-processing', 'reload-target'].includes(
        startType,
      )
    ) {
      throw invalidParameter(
        'StartReplicationTaskType must be start-replication, resume-processing or reload-target',
      );
    }
    requireStatus(task, ctx, ['ready', 'stopped', 'failed'], 'be started');
    if (startType !== 'start-replication' && !task.run) {
      // "The only valid value for the first run of the task is start-replication."
      throw invalidParameter(
        `Replication task ${task.ReplicationTaskIdentifier} has never run; its first start must be start-replication`,
      );
    }
    const previous = task.run;
    const now = nowMs(ctx);
    const run: TaskRun = {
      startType,
      startedAtMs: now,
      cdcStartPosition: input.CdcStartPosition,
      cdcStartTimeMs:
        input.CdcStartTime !== undefined
          ? Number(input.CdcStartTime) * 1000
          : undefined,
      // A resume continues from where the stopped run got to.
      ...(startType === 'resume-processing' && previous
        ? {
            tables: previous.tables,
            checkpoint: previous.checkpoint,
            flushedSeq: previous.flushedSeq,
            loadedAt: previous.loadedAt,
            fullLoadStartMs: previous.fullLoadStartMs,
            fullLoadFinishMs: previous.fullLoadFinishMs,
          }
        : {}),
    };
    if (startType === 'resume-processing' && previous && !previous.checkpoint) {
      // Stopped before CDC began: DMS reloads what was not loaded, the emulator starts afresh.
      run.startType = 'start-replication';
      run.tables = undefined;
      run.fullLoadStartMs = undefined;
      run.fullLoadFinishMs = undefined;
    }
    tasks(ctx).put(arn, { ...task, run });
    startReplication(ctx, arn, now);
    return { ReplicationTask: taskView({ ...task, run }, ctx) };
  },

  StopReplicationTask(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    requireStatus(task, ctx, ['starting', 'running'], 'be stopped');
    const updated = {
      ...task,
      run: { ...task.run!, stopRequestedAtMs: nowMs(ctx) },
    };
    tasks(ctx).put(arn, updated);
    stopReplication(ctx, arn);
    return { ReplicationTask: taskView(updated, ctx) };
  },

  DeleteReplicationTask(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    requireStatus(
      task,
      ctx,
      ['creating', 'ready', 'stopped', 'failed'],
      'be deleted',
    );
    tasks(ctx).delete(arn);
    // A failed task may still hold a binlog connection.
    stopReplication(ctx, arn);
    return { ReplicationTask: { ...taskView(task, ctx), Status: 'deleting' } };
  },

  /**
   * Reloads tables of a running task while CDC of the others goes on
   * (https://docs.aws.amazon.com/dms/latest/APIReference/API_ReloadTables.html; conditions from
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.ReloadTables.html: the task is
   * running, its migration type has a full load, at most 10 tables, no duplicates). The API
   * documents InvalidResourceStateFault for a task that is not running; a table the task does not
   * replicate is refused with InvalidParameterValueException.
   *
   * A table queued for or in its (re)load is refused with InvalidResourceStateFault rather than
   * loaded twice, and so is a reload before the task's full load finished (the emulator reloads
   * tables during CDC only; a `full-load` task is stopped once its load is done). `validate-only`
   * re-validates, and only "when validation is enabled for the task": the emulator has no
   * validation, so it is refused.
   */
  ReloadTables(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const option = input.ReloadOption ?? 'data-reload';
    if (option !== 'data-reload' && option !== 'validate-only') {
      throw invalidParameter(
        'ReloadOption must be data-reload or validate-only',
      );
    }
    const keys = tablesToReload(input);
    const task = getTaskOrThrow(ctx, arn);
    requireStatus(task, ctx, ['running'], 'reload tables');
    if (task.MigrationType === 'cdc') {
      throw invalidState(
        `Replication task ${task.ReplicationTaskIdentifier} is a cdc task; only tasks with a full load can reload tables`,
      );
    }
    if (option === 'validate-only') {
      throw invalidParameter(
        `Validation is not enabled for replication task ${task.ReplicationTaskIdentifier}; validate-only applies only when it is`,
      );
    }
    const run = task.run!;
    if (run.fullLoadFinishMs === undefined) {
      throw invalidState(
        `Replication task ${task.ReplicationTaskIdentifier} has not finished its full load; tables can be reloaded once it has`,
      );
    }
    const byKey = new Map(
      (run.tables ?? []).map(t => [`${t.SchemaName}.${t.TableName}`, t]),
    );
    for (const key of keys) {
      const table = byKey.get(key);
      if (!table) {
        throw invalidParameter(
          `Table ${key} is not replicated by replication task ${task.ReplicationTaskIdentifier}`,
        );
      }
      if (table.state === 'Before load' || table.state === 'Full load') {
        throw invalidState(
          `Table ${key} of replication task ${task.ReplicationTaskIdentifier} is already being loaded`,
        );
      }
    }
    if (!reloadTables(ctx, arn, keys)) {
      throw invalidState(
        `Replication task ${task.ReplicationTaskIdentifier} is not replicating in this emulator; stop and resume it`,
      );
    }
    // Queued: the statistics restart for the table, and it shows as reloaded.
    const now = nowMs(ctx);
    tasks(ctx).put(arn, {
      ...task,
      run: {
        ...run,
        tables: run.tables?.map(t =>
          keys.includes(`${t.SchemaName}.${t.TableName}`)
            ? {
                ...t,
                state: 'Before load',
                reloaded: true,
                loadedRows: 0,
                loadStartMs: undefined,
                loadEndMs: undefined,
                lastUpdateMs: now,
              }
            : t,
        ),
      },
    });
    return { ReplicationTaskArn: arn };
  },

  DescribeTableStatistics(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    const run = task.run;
    const statistics = (run?.tables ?? []).map((table: TableRun) => ({
      SchemaName: table.SchemaName,
      TableName: table.TableName,
      Inserts: table.inserts,
      Deletes: table.deletes,
      Updates: table.updates,
      Ddls: table.ddls,
      AppliedInserts: table.inserts,
      AppliedDeletes: table.deletes,
      AppliedUpdates: table.updates,
      AppliedDdls: table.appliedDdls ?? table.ddls,
      FullLoadRows: table.loadedRows,
      FullLoadCondtnlChkFailedRows: 0,
      FullLoadErrorRows: 0,
      FullLoadStartTime:
        table.loadStartMs !== undefined ? table.loadStartMs / 1000 : undefined,
      FullLoadEndTime:
        table.loadEndMs !== undefined ? table.loadEndMs / 1000 : undefined,
      FullLoadReloaded: table.reloaded === true,
      LastUpdateTime: (table.lastUpdateMs ?? run!.startedAtMs) / 1000,
      TableState: table.state,
      ValidationState: 'Not enabled',
      ValidationPendingRecords: 0,
      ValidationFailedRecords: 0,
      ValidationSuspendedRecords: 0,
    }));
    const filters: { Name: string; Values: string[] }[] = input.Filters ?? [];
    const fields: Record<string, (s: (typeof statistics)[number]) => string> = {
      'schema-name': s => s.SchemaName,
      'table-name': s => s.TableName,
      'table-state': s => s.TableState,
    };
    for (const filter of filters) {
      if (!fields[filter.Name])
        throw invalidParameter(`Invalid filter name ${filter.Name}`);
    }
    const matching = statistics.filter(s =>
      filters.every(f => f.Values.includes(fields[f.Name](s))),
    );
    const { page, marker } = describe(
      { MaxRecords: input.MaxRecords, Marker: input.Marker },
      matching,
      s => `${s.SchemaName}.${s.TableName}`,
      {},
      'table statistics',
      { min: 10, max: 500, fallback: 100 },
    );
    return { ReplicationTaskArn: arn, TableStatistics: page, Marker: marker };
  },
};

export const taskAdminRoutes = {
  /**
   * `POST /_aws-local/dms/task-latency {ReplicationTaskArn}`: the CDC latency of the task's last
   * batch. DMS reports latency only as the CloudWatch task metrics CDCLatencySource (commit in
   * the source to the change being read) and CDCLatencyTarget (commit to the change being in the
   * target), in seconds (CHAP_Monitoring.html, "Replication task metrics");
   * DescribeReplicationTasks' ReplicationTaskStats has no latency field. The emulator has no
   * CloudWatch metrics, so it answers here, in milliseconds. MySQL binlog commit times are whole
   * seconds, so both figures can be up to a second too high.
   */
  'task-latency'(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    return {
      ReplicationTaskArn: arn,
      CDCLatencySourceMillis: task.run?.cdcSourceLatencyMs ?? null,
      CDCLatencyTargetMillis: task.run?.cdcLatencyMs ?? null,
      Checkpoint: task.run?.checkpoint ?? null,
    };
  },
};
