/*
 * Reading freshness from Iceberg snapshots. A Glue table's UpdateTime moves on every commit,
 * compactions included, so data freshness comes from the snapshots instead: the newest snapshot
 * of the current state whose operation changed rows (see docs: Iceberg table spec, "Snapshots").
 */
import { IcebergSnapshot, IcebergTableMetadata } from './types';

/**
 * Operations that rewrite files without changing the table's rows. A future Iceberg release
 * may add others; unknown operations count as data changes so that freshness is never
 * overstated as older than it is.
 */
const NO_DATA_CHANGE_OPERATIONS = new Set(['replace']);

/** The snapshot the table currently points at, if any. @public */
export function currentSnapshot(
  metadata: IcebergTableMetadata,
): IcebergSnapshot | undefined {
  if (metadata.currentSnapshotId === undefined) {
    return undefined;
  }
  return metadata.snapshots.find(
    s => s.snapshotId === metadata.currentSnapshotId,
  );
}

/**
 * The current snapshot and its ancestors, newest first. Snapshots that were rolled back or
 * only live on other branches are not part of the table's state and are left out; the walk
 * stops where `expire_snapshots` removed a parent.
 *
 * @public
 */
export function currentAncestry(
  metadata: IcebergTableMetadata,
): IcebergSnapshot[] {
  const byId = new Map(metadata.snapshots.map(s => [s.snapshotId, s]));
  const ancestry: IcebergSnapshot[] = [];
  const seen = new Set<string>();
  let next = currentSnapshot(metadata);
  while (next && !seen.has(next.snapshotId)) {
    ancestry.push(next);
    seen.add(next.snapshotId);
    next =
      next.parentSnapshotId !== undefined
        ? byId.get(next.parentSnapshotId)
        : undefined;
  }
  return ancestry;
}

/** Whether a snapshot changed the table's rows (`append`, `overwrite`, `delete`). @public */
export function isDataChange(snapshot: IcebergSnapshot): boolean {
  return !NO_DATA_CHANGE_OPERATIONS.has(snapshot.operation ?? '');
}

/**
 * The newest snapshot of the table's current state that changed data, ignoring `replace`
 * snapshots (compactions and other rewrites). Undefined for a table without snapshots, or
 * when every retained snapshot is a rewrite.
 *
 * @public
 */
export function latestDataChange(
  metadata: IcebergTableMetadata,
): IcebergSnapshot | undefined {
  return currentAncestry(metadata).find(isDataChange);
}
