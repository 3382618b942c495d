import { ServiceContext } from '../../core/types';
import {
  alreadyExists,
  collections,
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
  parseTableMappings,
  resolveTaskTables,
  TaskTable,
} from './tableMappings';

interface TableChanges {
  Inserts: number;
  Updates: number;
  Deletes: number;
  Ddls: number;
  LastUpdateTime?: number;
}

interface TaskRun {
  startType: string;
  startedAtMs: number;
  runningAtMs: number;
  fullLoadEndsAtMs: number;
  stopRequestedAtMs?: number;
  /** Set once the source was read; undefined while resolving. */
  tables?: TaskTable[];
  failure?: string;
  changes: Record<string, TableChanges>;
}

interface StoredTask {
  ReplicationTaskIdentifier: string;
  ReplicationTaskArn: string;
  SourceEndpointArn: string;
  TargetEndpointArn: string;
  ReplicationInstanceArn: string;
  MigrationType: string;
  TableMappings: string;
  ReplicationTaskSettings?: string;
  ReplicationTaskCreationDate: number;
  readyAtMs: number;
  run?: TaskRun;
}

const tasks = (ctx: ServiceContext) =>
  ctx.state.collection<StoredTask>(collections.tasks);

function getTaskOrThrow(ctx: ServiceContext, arn: string) {
  const task = tasks(ctx).get(arn);
  if (!task) throw notFound(`Replication task ${arn} not found`);
  return task;
}

/** Status and stop reason at `now`, from the task's timeline. */
function statusAt(task: StoredTask, now: number) {
  const { run } = task;
  if (now < task.readyAtMs) return { Status: 'creating' };
  if (!run) return { Status: 'ready' };
  if (run.failure) {
    return { Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR' };
  }
  if (run.stopRequestedAtMs !== undefined) {
    return now < run.stopRequestedAtMs + 1000
      ? { Status: 'stopping' }
      : { Status: 'stopped', StopReason: 'Stop Reason NORMAL' };
  }
  if (now < run.runningAtMs) return { Status: 'starting' };
  if (task.MigrationType === 'full-load' && now >= run.fullLoadEndsAtMs) {
    return {
      Status: 'stopped',
      StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
    };
  }
  return { Status: 'running' };
}

const skipsFullLoad = (run: TaskRun) => run.startType === 'resume-processing';

function fullLoadProgress(run: TaskRun, now: number) {
  if (skipsFullLoad(run)) return 1;
  const span = run.fullLoadEndsAtMs - run.runningAtMs;
  if (now <= run.runningAtMs) return 0;
  if (span <= 0 || now >= run.fullLoadEndsAtMs) return 1;
  return (now - run.runningAtMs) / span;
}

function taskView(task: StoredTask, ctx: ServiceContext) {
  const now = nowMs(ctx);
  const { readyAtMs: _ready, run, ...fields } = task;
  const status = statusAt(task, now);
  const view: Record<string, unknown> = { ...fields, ...status };
  if (run) {
    const progress =
      task.MigrationType === 'cdc' ? 1 : fullLoadProgress(run, now);
    const tableCount = run.tables?.length ?? 0;
    const loaded =
      progress >= 1 ? tableCount : Math.floor(progress * tableCount);
    const stoppedAt =
      run.stopRequestedAtMs ??
      (status.Status === 'stopped' ? run.fullLoadEndsAtMs : undefined);
    view.LastFailureMessage = run.failure;
    view.ReplicationTaskStartDate = run.startedAtMs / 1000;
    view.ReplicationTaskStats = {
      FullLoadProgressPercent: Math.round(progress * 100),
      ElapsedTimeMillis: Math.round(
        ((stoppedAt ?? now) - run.startedAtMs) *
          Number(ctx.settings.clockSpeed ?? 1),
      ),
      TablesLoaded: loaded,
      TablesLoading:
        progress < 1 && run.tables ? Math.min(1, tableCount - loaded) : 0,
      TablesQueued: Math.max(0, tableCount - loaded - (progress < 1 ? 1 : 0)),
      TablesErrored: 0,
      FreshStartDate: run.startedAtMs / 1000,
      StartDate: run.startedAtMs / 1000,
      StopDate:
        stoppedAt !== undefined && now >= stoppedAt
          ? stoppedAt / 1000
          : undefined,
      FullLoadStartDate: run.runningAtMs / 1000,
      FullLoadFinishDate:
        progress >= 1 ? run.fullLoadEndsAtMs / 1000 : undefined,
    };
  }
  return view;
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
    const now = nowMs(ctx);
    const runningAtMs = now + realMs(ctx, 'dmsTaskStartingMs');
    const run: TaskRun = {
      startType,
      startedAtMs: now,
      runningAtMs,
      fullLoadEndsAtMs:
        runningAtMs +
        (task.MigrationType === 'cdc' ? 0 : realMs(ctx, 'dmsFullLoadMs')),
      changes: startType === 'resume-processing' ? task.run?.changes ?? {} : {},
    };
    tasks(ctx).put(arn, { ...task, run });
    // DMS reads the source while the task starts; a failure shows as a failed task.
    const source = getEndpointOrThrow(ctx, task.SourceEndpointArn);
    resolveTaskTables(
      parseTableMappings(task.TableMappings),
      source,
      Number(ctx.settings.dmsConnectTimeoutMs),
    ).then(
      tables => updateRun(ctx, arn, now, { tables }),
      error =>
        updateRun(ctx, arn, now, {
          tables: [],
          failure: `Source endpoint ${source.EndpointIdentifier}: ${error.message}`,
        }),
    );
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
    return { ReplicationTask: { ...taskView(task, ctx), Status: 'deleting' } };
  },

  DescribeTableStatistics(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    const run = task.run;
    const now = nowMs(ctx);
    let progress = 0;
    if (run) {
      progress = task.MigrationType === 'cdc' ? 1 : fullLoadProgress(run, now);
    }
    const statistics = (run?.tables ?? []).map((table, index, all) => {
      const key = `${table.SchemaName}.${table.TableName}`;
      const changes = run!.changes[key] ?? {
        Inserts: 0,
        Updates: 0,
        Deletes: 0,
        Ddls: 0,
      };
      // Tables load one after another across the full-load window.
      const share = Math.min(1, Math.max(0, progress * all.length - index));
      const loadStart =
        run!.runningAtMs +
        ((run!.fullLoadEndsAtMs - run!.runningAtMs) * index) / all.length;
      const loadEnd =
        run!.runningAtMs +
        ((run!.fullLoadEndsAtMs - run!.runningAtMs) * (index + 1)) / all.length;
      let tableState = 'Table completed';
      if (run!.failure) tableState = 'Table error';
      else if (share <= 0) tableState = 'Before load';
      else if (share < 1) tableState = 'Full load';
      return {
        SchemaName: table.SchemaName,
        TableName: table.TableName,
        Inserts: changes.Inserts,
        Deletes: changes.Deletes,
        Updates: changes.Updates,
        Ddls: changes.Ddls,
        AppliedInserts: changes.Inserts,
        AppliedDeletes: changes.Deletes,
        AppliedUpdates: changes.Updates,
        AppliedDdls: changes.Ddls,
        FullLoadRows: Math.round(table.rows * share),
        FullLoadCondtnlChkFailedRows: 0,
        FullLoadErrorRows: 0,
        FullLoadStartTime: share > 0 ? loadStart / 1000 : undefined,
        FullLoadEndTime: share >= 1 ? loadEnd / 1000 : undefined,
        LastUpdateTime:
          (changes.LastUpdateTime ??
            (share >= 1 ? loadEnd : run!.startedAtMs)) / 1000,
        TableState: tableState,
        ValidationState: 'Not enabled',
        ValidationPendingRecords: 0,
        ValidationFailedRecords: 0,
        ValidationSuspendedRecords: 0,
      };
    });
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

function updateRun(
  ctx: ServiceContext,
  arn: string,
  startedAtMs: number,
  update: Partial<TaskRun>,
) {
  const task = tasks(ctx).get(arn);
  // A newer start (or a delete) supersedes this one.
  if (!task?.run || task.run.startedAtMs !== startedAtMs) return;
  const tables = update.tables
    ?.slice()
    .sort((a, b) =>
      `${a.SchemaName}.${a.TableName}` < `${b.SchemaName}.${b.TableName}`
        ? -1
        : 1,
    );
  tasks(ctx).put(arn, { ...task, run: { ...task.run, ...update, tables } });
}

export const taskAdminRoutes = {
  /**
   * `POST /_aws-local/dms/table-changes {ReplicationTaskArn, SchemaName, TableName, Inserts,
   * Updates, Deletes}`: adds CDC counts to a table of a started task, since the emulator
   * does not read the binlog.
   */
  'table-changes'(input: any, ctx: ServiceContext) {
    const arn = requireArn(input, 'ReplicationTaskArn');
    const task = getTaskOrThrow(ctx, arn);
    const table = task.run?.tables?.find(
      t => t.SchemaName === input.SchemaName && t.TableName === input.TableName,
    );
    if (!task.run || !table) {
      throw notFound(
        `Table ${input.SchemaName}.${input.TableName} is not part of a started run of ${arn}`,
      );
    }
    const key = `${table.SchemaName}.${table.TableName}`;
    const current = task.run.changes[key] ?? {
      Inserts: 0,
      Updates: 0,
      Deletes: 0,
      Ddls: 0,
    };
    const changes = {
      Inserts: current.Inserts + (Number(input.Inserts) || 0),
      Updates: current.Updates + (Number(input.Updates) || 0),
      Deletes: current.Deletes + (Number(input.Deletes) || 0),
      Ddls: current.Ddls,
      LastUpdateTime: nowMs(ctx),
    };
    tasks(ctx).put(arn, {
      ...task,
      run: { ...task.run, changes: { ...task.run.changes, [key]: changes } },
    });
    return changes;
  },
};
