/*
 * Change data capture from the MySQL/MariaDB binary log, written as DMS writes CDC files to S3
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html): one file per table and
 * batch, named by time, written when `CdcMaxBatchInterval` seconds have passed since the batch's
 * first change or it reached `CdcMinFileSize` KB, "whichever of the two conditions is met first".
 * Rows are read from the binlog with @vlasky/zongji; changes are held per transaction and handed
 * on at its commit, with the commit time (the binlog event time, whole seconds in MySQL/MariaDB).
 *
 * Exactly once across stops and restarts: every change gets a task-wide sequence number in
 * binlog order, so replaying from a checkpoint numbers changes as before. The checkpoint is the
 * commit before the oldest change not yet in S3, and each table remembers the last sequence it
 * wrote; a resume reads from the checkpoint and skips what its table already wrote.
 */
import ZongJi from '@vlasky/zongji';
import { ServiceContext } from '../../core/types';
import { SourceValue } from './encoding';
import { StoredEndpoint } from './endpoints';
import {
  cdcFileName,
  datePartitionFolder,
  EncodedRecord,
  encodeRecord,
  fileBody,
  putLandingFile,
  tableFolder,
} from './landingWriter';
import { buildRecord, recordColumns, timestampText } from './records';
import { LandingSettings } from './s3Settings';
import { BinlogPosition, sourceConnectionOptions } from './source';
import { TablePlan } from './transformations';

export interface CdcCheckpoint extends BinlogPosition {
  /** The sequence number of the last change before this position. */
  seq: string;
}

export interface ChangeCounts {
  inserts: number;
  updates: number;
  deletes: number;
  ddls: number;
}

export interface FlushReport {
  table: string;
  counts: ChangeCounts;
  checkpoint: CdcCheckpoint;
  flushedSeq: Record<string, string>;
  /** From the commit of the batch's last change to the file in S3. */
  latencyMs: number;
  /** From the commit of the batch's last change to the capture reading it from the binlog. */
  sourceLatencyMs: number;
}

export interface CdcOptions {
  ctx: ServiceContext;
  /** The source with its Secrets Manager secret resolved (`resolveSourceEndpoint`). */
  endpoint: StoredEndpoint;
  settings: LandingSettings;
  /** By `schema.table` of the source. */
  plans: Map<string, TablePlan>;
  /** A fresh plan after a DDL changed the table. */
  replan(schema: string, table: string): Promise<TablePlan>;
  start: CdcCheckpoint;
  /** Commits before this time are skipped (`CdcStartTime`). */
  startTime?: Date;
  flushedSeq: Record<string, string>;
  /**
   * Tables fully loaded after CDC began (added to the mappings, then resumed): the binlog
   * position read before each load. Their changes committed up to it are in the LOAD files.
   */
  loadedAt?: Record<string, BinlogPosition>;
  /** `ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered` at the time of the DDL. */
  applyAlter(): boolean;
  onFlush(report: FlushReport): void;
  /** A DDL on a selected table was captured; `applied` says whether the target follows it. */
  onDdl(table: string, applied: boolean): void;
  /** Resolves to whether the target followed the TRUNCATE. */
  onTruncate(table: string): Promise<boolean>;
  onError(error: Error): void;
  timeoutMs: number;
}

type Op = 'I' | 'U' | 'D';

interface Change {
  table: string;
  op: Op;
  row: Record<string, SourceValue>;
}

/** Where a batched record came from: a reload drops the records its snapshot holds. */
interface RecordOrigin {
  op: Op;
  commit: Date;
  /** The binlog position after the record's commit. */
  position: BinlogPosition;
}

interface Batch {
  /** The plan its records were encoded with: a DDL's new plan starts a new batch. */
  plan: TablePlan;
  records: EncodedRecord[];
  /** One per record, in the same order. */
  origins: RecordOrigin[];
  bytes: number;
  counts: ChangeCounts;
  firstCommit: Date;
  lastCommit: Date;
  /** Checkpoint before the batch's first change. */
  startCheckpoint: CdcCheckpoint;
  lastSeq: bigint;
  /** When the batch's last change was read from the binlog. */
  lastReadMs: number;
  timer?: NodeJS.Timeout;
}

const zeroCounts = (): ChangeCounts => ({
  inserts: 0,
  updates: 0,
  deletes: 0,
  ddls: 0,
});

const binlogIndex = (file: string) => Number(/\.(\d+)$/.exec(file)?.[1] ?? 0);
const before = (a: BinlogPosition, b: BinlogPosition) =>
  binlogIndex(a.file) < binlogIndex(b.file) ||
  (binlogIndex(a.file) === binlogIndex(b.file) && a.position < b.position);

/** `$AR_H_CHANGE_SEQ`: 16 digits of commit time (yyyyMMddHHmmsshh) and a 19-digit change number. */
export function changeSequence(commit: Date, seq: bigint) {
  const iso = commit.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(
    8,
    10,
  )}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(
    20,
    22,
  )}`;
  return `${stamp}${seq.toString().padStart(19, '0')}`;
}

/** A statement's effect on a selected table: TRUNCATE or a column change. */
function ddlTarget(statement: string, defaultSchema: string) {
  const match =
    /^\s*(TRUNCATE(?:\s+TABLE)?|ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE)\s+(?:IF\s+EXISTS\s+)?((?:`[^`]+`|\w+)(?:\s*\.\s*(?:`[^`]+`|\w+))?)/i.exec(
      statement,
    );
  if (!match) return undefined;
  const parts = match[2].split('.').map(p => p.trim().replace(/^`|`$/g, ''));
  const [schema, table] =
    parts.length === 2 ? parts : [defaultSchema, parts[0]];
  return {
    kind: /^\s*TRUNCATE/i.test(match[1])
      ? ('truncate' as const)
      : ('alter' as const),
    key: `${schema}.${table}`,
  };
}

export class BinlogCapture {
  private zongji?: any;
  private file: string;
  private seq: bigint;
  private committed: CdcCheckpoint;
  private transaction: Change[] = [];
  private readonly batches = new Map<string, Batch>();
  /** Batches taken out of `batches` and waiting in the queue to be written. */
  private readonly detached = new Set<Batch>();
  private readonly lastFileName = new Map<string, string>();
  private readonly flushedSeq: Record<string, string>;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Per table, the position up to which its changes are in LOAD files (see `loadedAt`). */
  private readonly loadedAt: Record<string, BinlogPosition>;
  /** Tables being reloaded: their batches grow but are not written until `release`. */
  private readonly held = new Set<string>();
  /** Held tables whose batch became due (interval or size) while held. */
  private readonly due = new Set<string>();

  constructor(private readonly options: CdcOptions) {
    this.file = options.start.file;
    this.seq = BigInt(options.start.seq);
    this.committed = { ...options.start };
    this.flushedSeq = { ...options.flushedSeq };
    this.loadedAt = { ...options.loadedAt };
  }

  /** Resolves once the binlog client is connected and streaming. */
  start(): Promise<void> {
    const { options } = this;
    const includeSchema: Record<string, string[]> = {};
    for (const plan of options.plans.values()) {
      (includeSchema[plan.sourceSchema] ??= []).push(plan.sourceTable);
    }
    this.zongji = new ZongJi(
      sourceConnectionOptions(options.endpoint, options.timeoutMs),
    );
    return new Promise((resolve, reject) => {
      let ready = false;
      this.zongji.on('ready', () => {
        ready = true;
        resolve();
      });
      this.zongji.on('error', (error: Error) => {
        if (this.stopped) return;
        if (!ready) reject(error);
        else options.onError(error);
      });
      this.zongji.on('binlog', (event: any) => this.onEvent(event));
      this.zongji.start({
        // A replica id of its own: a second binlog client with the same id would be disconnected.
        serverId: 100_000 + Math.floor(Math.random() * 1_000_000_000),
        filename: options.start.file,
        position: options.start.position,
        includeEvents: [
          'rotate',
          'tablemap',
          'writerows',
          'updaterows',
          'deleterows',
          'xid',
          'query',
        ],
        includeSchema,
      });
    });
  }

  private onEvent(event: any) {
    if (this.stopped) return;
    const name = event.getEventName();
    if (name === 'rotate') {
      this.file = event.binlogName;
      return;
    }
    if (
      name === 'writerows' ||
      name === 'updaterows' ||
      name === 'deleterows'
    ) {
      const map = event.tableMap[event.tableId];
      const table = `${map.parentSchema}.${map.tableName}`;
      if (!this.options.plans.has(table)) return;
      for (const row of event.rows) {
        if (name === 'writerows')
          this.transaction.push({ table, op: 'I', row });
        else if (name === 'deleterows')
          this.transaction.push({ table, op: 'D', row });
        // U rows carry the after image (CHAP_Target.S3.html, "Indicating source DB operations").
        else this.transaction.push({ table, op: 'U', row: row.after });
      }
      return;
    }
    if (name === 'xid') {
      this.commit(event);
      return;
    }
    if (name === 'query') {
      const statement = String(event.query ?? '').trim();
      if (/^COMMIT$/i.test(statement)) {
        // Transactions on non-transactional tables end with a COMMIT query, not an Xid.
        this.commit(event);
        return;
      }
      if (/^(BEGIN|ROLLBACK)$/i.test(statement)) return;
      const target = ddlTarget(statement, String(event.schema ?? ''));
      if (target && this.options.plans.has(target.key)) {
        this.ddl(target.kind, target.key, event);
      }
    }
  }

  /**
   * Binlog events handled in the queue rather than at once: after a DDL, until its step (flush,
   * re-read of the columns, TRUNCATE's delete) is done, commits wait behind it, so that a change
   * right after an ALTER TABLE is written with the new columns and one right after a TRUNCATE is
   * not deleted with the old files.
   */
  private deferred = 0;

  private inOrder(step: () => Promise<void> | void) {
    if (this.deferred === 0) {
      step();
      return;
    }
    this.defer(step);
  }

  private defer(step: () => Promise<void> | void) {
    this.deferred += 1;
    this.enqueue(async () => {
      try {
        await step();
      } finally {
        this.deferred -= 1;
      }
    });
  }

  private commit(event: any) {
    const commit = new Date(event.timestamp);
    const position = { file: this.file, position: event.nextPosition };
    const changes = this.transaction;
    this.transaction = [];
    this.inOrder(() => {
      const skip = this.options.startTime && commit < this.options.startTime;
      for (const change of changes) {
        this.seq += 1n;
        if (skip) continue;
        const flushed = this.flushedSeq[change.table];
        if (flushed !== undefined && this.seq <= BigInt(flushed)) continue;
        // A table loaded after CDC began holds its earlier commits in its LOAD files already.
        const loadedAt = this.loadedAt[change.table];
        if (loadedAt && !before(loadedAt, position)) continue;
        this.add(change, commit, this.seq, position);
      }
      this.committed = { ...position, seq: this.seq.toString() };
    });
  }

  private ddl(kind: 'truncate' | 'alter', table: string, event: any) {
    const position = { file: this.file, position: event.nextPosition };
    this.defer(async () => {
      await this.flushTable(table);
      let applied = true;
      if (kind === 'truncate') {
        applied = await this.options.onTruncate(table);
      } else if (this.options.applyAlter()) {
        // HandleSourceTableAltered true: later files carry the table's new columns.
        const plan = this.options.plans.get(table)!;
        this.options.plans.set(
          table,
          await this.options.replan(plan.sourceSchema, plan.sourceTable),
        );
      } else {
        // False: the target keeps the columns it had; rows are still read by column name, so
        // an added column is left out and the others keep coming.
        applied = false;
      }
      this.options.onDdl(table, applied);
      this.committed = { ...position, seq: this.seq.toString() };
    });
  }

  private add(
    change: Change,
    commit: Date,
    seq: bigint,
    position: BinlogPosition,
  ) {
    const { settings } = this.options;
    if (settings.cdcInsertsOnly && change.op !== 'I') return;
    if (settings.cdcInsertsAndUpdates && change.op === 'D') return;
    const plan = this.options.plans.get(change.table)!;
    const commitText = timestampText(commit);
    const record = encodeRecord(
      settings,
      recordColumns(settings, plan, 'cdc'),
      buildRecord(settings, plan, 'cdc', change.op, change.row, {
        changeSeq: changeSequence(commit, seq),
        commitTimestamp: commitText,
        timestamp: timestampText(this.options.ctx.clock.now()),
        operation: { I: 'INSERT', U: 'UPDATE', D: 'DELETE' }[change.op],
        streamPosition: `${this.committed.file}:${this.committed.position}`,
      }),
    );
    let batch = this.batches.get(change.table);
    if (batch && batch.plan !== plan) {
      // The table was replanned after an ALTER TABLE while this batch was open: its records
      // have the old columns, so it is written on its own and the change starts a new one.
      const old = batch;
      clearTimeout(old.timer);
      this.batches.delete(change.table);
      this.detached.add(old);
      this.enqueue(() => this.writeBatch(change.table, old));
      batch = undefined;
    }
    if (!batch) {
      batch = {
        plan,
        records: [],
        origins: [],
        bytes: 0,
        counts: zeroCounts(),
        firstCommit: commit,
        lastCommit: commit,
        startCheckpoint: { ...this.committed },
        lastSeq: seq,
        lastReadMs: 0,
      };
      this.batches.set(change.table, batch);
      const intervalMs =
        (settings.cdcMaxBatchInterval * 1000) /
        Number(this.options.ctx.settings.clockSpeed ?? 1);
      const table = change.table;
      batch.timer = setTimeout(
        () => this.enqueue(() => this.flushTable(table)),
        intervalMs,
      );
    }
    batch.records.push(record);
    batch.origins.push({ op: change.op, commit, position });
    batch.bytes += record.bytes;
    batch.lastCommit = commit;
    batch.lastSeq = seq;
    batch.lastReadMs = this.options.ctx.clock.now().getTime();
    const key = ({ I: 'inserts', U: 'updates', D: 'deletes' } as const)[
      change.op
    ];
    batch.counts[key] += 1;
    if (batch.bytes >= settings.cdcMinFileSize) {
      const table = change.table;
      this.enqueue(() => this.flushTable(table));
    }
  }

  private enqueue(step: () => Promise<void>) {
    this.queue = this.queue
      .then(step)
      .catch(error => this.options.onError(error));
  }

  /** The position from which a restart loses nothing: before the oldest change not in S3. */
  private safeCheckpoint(): CdcCheckpoint {
    let safe = this.committed;
    for (const batch of [...this.batches.values(), ...this.detached]) {
      if (before(batch.startCheckpoint, safe)) safe = batch.startCheckpoint;
    }
    return safe;
  }

  private async flushTable(table: string) {
    const batch = this.batches.get(table);
    if (!batch) return;
    if (this.held.has(table)) {
      // Written after the table's reload, by `release`.
      this.due.add(table);
      return;
    }
    clearTimeout(batch.timer);
    this.batches.delete(table);
    this.detached.add(batch);
    await this.writeBatch(table, batch);
  }

  private async writeBatch(table: string, batch: Batch) {
    const { ctx, settings } = this.options;
    const plan = batch.plan;
    const folder =
      tableFolder(settings, plan.targetSchema, plan.targetTable) +
      datePartitionFolder(settings, batch.firstCommit);
    // Names are by time to the millisecond; two batches in one millisecond get the next one.
    let at = ctx.clock.now();
    let name = cdcFileName(settings, at);
    while (
      this.lastFileName.get(folder) !== undefined &&
      name <= this.lastFileName.get(folder)!
    ) {
      at = new Date(at.getTime() + 1);
      name = cdcFileName(settings, at);
    }
    this.lastFileName.set(folder, name);
    await putLandingFile(
      ctx,
      settings,
      `${folder}${name}`,
      fileBody(settings, recordColumns(settings, plan, 'cdc'), batch.records),
    );
    this.detached.delete(batch);
    this.flushedSeq[table] = batch.lastSeq.toString();
    this.options.onFlush({
      table,
      counts: batch.counts,
      checkpoint: this.safeCheckpoint(),
      flushedSeq: { ...this.flushedSeq },
      latencyMs: ctx.clock.now().getTime() - batch.lastCommit.getTime(),
      sourceLatencyMs: batch.lastReadMs - batch.lastCommit.getTime(),
    });
  }

  /**
   * Step 1 of a table's reload (ReloadTables), before its snapshot is taken: the table's CDC
   * batches are no longer written, so nothing committed after the snapshot reaches S3 before the
   * reload's LOAD files. Resolves once the writes queued before it are done, so that no earlier
   * file of the table is written during the load either. Not covered: an ALTER TABLE of the
   * table during its reload writes the batch open at the DDL at once (DMS warns that DDL can make
   * a reload fail, CHAP_Tasks.ReloadTables.html).
   */
  async holdTable(table: string): Promise<void> {
    this.held.add(table);
    await this.queue;
  }

  /**
   * Step 2, with the binlog position of the reload's consistent snapshot: the table's changes
   * committed at or before it are in the snapshot, so the ones still unwritten are dropped and the
   * ones still to be read are skipped. Later changes stay in the held batch.
   */
  reloadFrom(table: string, at: BinlogPosition) {
    this.loadedAt[table] = at;
    const batch = this.batches.get(table);
    if (!batch) return;
    const keep = batch.origins.flatMap((origin, i) =>
      before(at, origin.position) ? [i] : [],
    );
    if (keep.length === 0) {
      clearTimeout(batch.timer);
      this.batches.delete(table);
      this.due.delete(table);
      return;
    }
    batch.records = keep.map(i => batch.records[i]);
    batch.origins = keep.map(i => batch.origins[i]);
    batch.bytes = batch.records.reduce((sum, r) => sum + r.bytes, 0);
    batch.firstCommit = batch.origins[0].commit;
    batch.counts = zeroCounts();
    for (const origin of batch.origins) {
      const key = ({ I: 'inserts', U: 'updates', D: 'deletes' } as const)[
        origin.op
      ];
      batch.counts[key] += 1;
    }
  }

  /** Step 3, once the reload's LOAD files are written (or it failed): the held batch goes on. */
  release(table: string) {
    this.held.delete(table);
    if (this.due.delete(table)) this.enqueue(() => this.flushTable(table));
  }

  /** Where a resume starts, and what each table already wrote. */
  resumePoint(): {
    checkpoint: CdcCheckpoint;
    flushedSeq: Record<string, string>;
  } {
    return {
      checkpoint: this.safeCheckpoint(),
      flushedSeq: { ...this.flushedSeq },
    };
  }

  /**
   * Stops reading and writes every pending batch, so a resume starts after the last commit. The
   * batch of a table whose reload was interrupted stays unwritten: the checkpoint stays before
   * it, and the resume loads that table again.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await new Promise<void>(resolve => {
      if (!this.zongji) {
        resolve();
        return;
      }
      this.zongji.once('stopped', () => resolve());
      this.zongji.stop();
      // Resolve even when the client never connected and emits no `stopped`.
      setTimeout(resolve, 2000).unref();
    });
    for (const table of [...this.batches.keys()])
      this.enqueue(() => this.flushTable(table));
    await this.queue;
  }
}
