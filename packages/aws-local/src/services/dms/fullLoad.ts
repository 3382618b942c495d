/*
 * The full load of one table: read in chunks of `FullLoadSettings.CommitRate` rows (keyset
 * pagination on the primary key, so a chunk never rereads rows), written as LOAD files that
 * start a new file when the next record would pass `MaxFileSize`
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html, MaxFileSize: "the maximum
 * size (in KB) of any .csv file to be created while migrating to an S3 target during full load";
 * the emulator applies it to Parquet files as well, by the encoded size of their values).
 */
import mysql from 'mysql2/promise';
import { ServiceContext } from '../../core/types';
import { objects, removeObject } from '../s3/store';
import { SourceValue } from './encoding';
import {
  EncodedRecord,
  encodeRecord,
  fileBody,
  loadFileName,
  putLandingFile,
  tableFolder,
} from './landingWriter';
import { buildRecord, recordColumns, timestampText } from './records';
import { LandingSettings } from './s3Settings';
import { primaryKey } from './source';
import { TablePlan } from './transformations';

export interface FullLoadOptions {
  ctx: ServiceContext;
  connection: mysql.Connection;
  settings: LandingSettings;
  plan: TablePlan;
  commitRate: number;
  /** `FullLoadSettings.TargetTablePrepMode`. */
  prepMode: string;
  /** The value of the timestamp column (the transfer time, or the task start time). */
  loadTimestamp: () => Date;
  /** Called after each file with the rows written so far. */
  onProgress: (rowsWritten: number) => void;
  /** True when the task is being stopped: the load ends after the current chunk. */
  cancelled: () => boolean;
}

/** Deletes the objects of a table folder, as DROP_AND_CREATE / TRUNCATE_BEFORE_LOAD do for S3. */
export async function clearTableFolder(
  ctx: ServiceContext,
  bucket: string,
  folder: string,
) {
  for (const object of objects(ctx).valuesWithPrefix!(`${bucket}/${folder}`)) {
    await removeObject(ctx, object);
  }
}

/** Loads one table; resolves to the rows written, or undefined when cancelled. */
export async function loadTable(
  options: FullLoadOptions,
): Promise<number | undefined> {
  const { ctx, connection, settings, plan } = options;
  const folder = tableFolder(settings, plan.targetSchema, plan.targetTable);
  if (options.prepMode !== 'DO_NOTHING') {
    await clearTableFolder(ctx, settings.bucketName, folder);
  }
  const columns = recordColumns(settings, plan, 'full-load');
  const key = await primaryKey(connection, plan.sourceSchema, plan.sourceTable);
  const table = `${mysql.escapeId(plan.sourceSchema)}.${mysql.escapeId(
    plan.sourceTable,
  )}`;
  const select = plan.columns.length
    ? plan.columns.map(c => mysql.escapeId(c.source)).join(', ')
    : '*';
  // Key columns are read even when a rule removes them, to page on them.
  const keyList = key.map(k => mysql.escapeId(k)).join(', ');
  const selectList = key.length ? `${select}, ${keyList}` : select;

  let counter = 0;
  let written = 0;
  let pending: EncodedRecord[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    counter += 1;
    await putLandingFile(
      ctx,
      settings,
      `${folder}${loadFileName(settings, counter)}`,
      fileBody(settings, columns, pending),
    );
    written += pending.length;
    pending = [];
    pendingBytes = 0;
    options.onProgress(written);
  };

  let last: SourceValue[] | undefined;
  let offset = 0;
  for (;;) {
    if (options.cancelled()) return undefined;
    let sql = `SELECT ${selectList} FROM ${table}`;
    const params: unknown[] = [];
    if (key.length && last) {
      sql += ` WHERE (${keyList}) > (${key.map(() => '?').join(', ')})`;
      params.push(...last);
    }
    if (key.length) sql += ` ORDER BY ${keyList} LIMIT ${options.commitRate}`;
    else sql += ` LIMIT ${options.commitRate} OFFSET ${offset}`;
    const [rows] = await connection.query({
      sql,
      values: params,
      rowsAsArray: true,
    });
    const chunk = rows as SourceValue[][];
    if (chunk.length === 0) break;
    const transferred = timestampText(options.loadTimestamp());
    for (const values of chunk) {
      const row: Record<string, SourceValue> = {};
      plan.columns.forEach((c, i) => {
        row[c.source] = values[i];
      });
      const record = encodeRecord(
        settings,
        columns,
        buildRecord(settings, plan, 'full-load', 'I', row, {
          timestamp: transferred,
        }),
      );
      if (
        pending.length > 0 &&
        pendingBytes + record.bytes > settings.maxFileSize
      ) {
        await flush();
      }
      pending.push(record);
      pendingBytes += record.bytes;
    }
    last = key.length
      ? chunk[chunk.length - 1].slice(plan.columns.length)
      : undefined;
    offset += chunk.length;
    if (chunk.length < options.commitRate) break;
  }
  await flush();
  return written;
}
