/*
 * The columns of a landing record, in DMS's order: `Op` first (when the settings ask for it,
 * CHAP_Target.S3.html#CHAP_Target.S3.Configuring.InsertOps), then the `TimestampColumnName`
 * column (a STRING, `yyyy-MM-dd HH:mm:ss.SSSSSS`), the source columns, and the columns added by
 * transformation rules.
 */
import { ColumnEncoding, SourceValue, stringEncoding } from './encoding';
import { LandingSettings, opColumn } from './s3Settings';
import { ChangeHeaders, TablePlan } from './transformations';

export type Phase = 'full-load' | 'cdc';

export function recordColumns(
  settings: LandingSettings,
  plan: TablePlan,
  phase: Phase,
): ColumnEncoding[] {
  const columns: ColumnEncoding[] = [];
  if (opColumn(settings, phase))
    columns.push(stringEncoding('Op', 'STRING', true));
  if (settings.timestampColumnName) {
    // A genuine DMS file declares its timestamp column `required binary (String)`.
    columns.push(stringEncoding(settings.timestampColumnName, 'STRING', true));
  }
  return [
    ...columns,
    ...plan.columns.map(c => c.encoding),
    ...plan.added.map(a => a.encoding),
  ];
}

/** `yyyy-MM-dd HH:mm:ss.SSSSSS` in UTC. */
export function timestampText(date: Date, micros = 0): string {
  const iso = date.toISOString();
  const fraction = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}

export function buildRecord(
  settings: LandingSettings,
  plan: TablePlan,
  phase: Phase,
  op: 'I' | 'U' | 'D',
  row: Record<string, SourceValue>,
  headers: ChangeHeaders,
): SourceValue[] {
  const record: SourceValue[] = [];
  if (opColumn(settings, phase)) record.push(op);
  if (settings.timestampColumnName) {
    record.push(phase === 'cdc' ? headers.commitTimestamp! : headers.timestamp);
  }
  for (const column of plan.columns) record.push(row[column.source] ?? null);
  for (const added of plan.added) record.push(added.value(headers, row));
  return record;
}
