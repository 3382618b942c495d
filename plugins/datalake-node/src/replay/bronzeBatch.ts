import { BronzeMergeMode } from '../sql/bronzeMerge';
import { LandingFile } from './landingFiles';

/**
 * What the bronze table has recorded of a landing file it applied: its name and, for full-load
 * files, the modification time it had then (undefined when it was applied before times were
 * recorded).
 *
 * @public
 */
export type AppliedLandingFile = { name: string; modified?: number };

/**
 * One batch of the landing → bronze merge, as both the Spark job (`plan_batch` in
 * `spark-templates/jobs/landing_to_bronze.py`) and the DuckDB replay choose it.
 *
 * @public
 */
export type BronzeBatch = {
  mode: BronzeMergeMode;
  /** The files whose rows are the source of the merge, in apply order. */
  read: LandingFile[];
  /** The files the commit records as applied (with their modification times). */
  record: LandingFile[];
};

/**
 * Chooses the files of one bronze batch.
 *
 * - No reload: the files not applied yet (by name), merged incrementally.
 * - A full-load file whose name was applied with another modification time is a table reload (DMS
 *   `ReloadTables` with `TargetTablePrepMode` `DO_NOTHING` writes the new full load under the same
 *   `LOAD…` names, newer, and leaves the old CDC files). The batch then rebuilds the table from the
 *   files modified at or after the reload's first rewritten full-load file: the new full load and the
 *   CDC files that landed after it, applied or not. Older files, applied or not, are contained in the
 *   new full load: DMS applies a reloaded table's changes from after its snapshot only once the
 *   table's load is complete ("cached changes"), so they land after the load's files. None is read
 *   before it: full-load rows order before every change, so a change older than the load replayed
 *   over it would undo what the reload is for (a change DMS never saw). All modification times come
 *   from the landing store's clock, so they compare without the job's clock skew. Full-load files
 *   written up to `marginMs` before it are read too: they are the same reload's, when a run listed its
 *   `LOAD` files half written and rewrote the first ones already. The batch records every file not applied yet and
 *   the rewritten full-load files with their new times, so a rerun finds nothing to do.
 *
 * @public
 */
export function planBronzeBatch(
  files: LandingFile[],
  applied: AppliedLandingFile[],
  options: { marginMs: number },
): BronzeBatch {
  const recorded = new Map(applied.map(f => [f.name, f.modified]));
  const pending = files.filter(f => !recorded.has(f.name));
  const reloaded = files.filter(f => {
    if (f.phase !== 'full-load' || f.modified === undefined) return false;
    const before = recorded.get(f.name);
    return before !== undefined && before !== f.modified;
  });
  if (reloaded.length === 0) {
    return { mode: 'incremental', read: pending, record: pending };
  }
  const since = Math.min(...reloaded.map(f => f.modified!));
  return {
    mode: 'reload',
    read: files.filter(
      f =>
        f.modified !== undefined &&
        f.modified >=
          (f.phase === 'full-load' ? since - options.marginMs : since),
    ),
    record: files.filter(f => !recorded.has(f.name) || reloaded.includes(f)),
  };
}
