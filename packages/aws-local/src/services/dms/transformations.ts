/*
 * Transformation rules of a task's table mappings, applied to the landing records
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Transformations.html).
 * Names are renamed or re-cased, columns removed, and `add-column` columns appended after the
 * source columns, filled from header variables such as `$AR_H_CHANGE_SEQ`
 * (".../SelectionTransformation.Expressions.html"). Rules the emulator does not implement fail the
 * task, rather than being ignored.
 */
import {
  ColumnEncoding,
  encodingFor,
  EncodingOptions,
  SourceColumn,
  SourceValue,
  stringEncoding,
} from './encoding';

interface Locator {
  schema: string;
  table: string;
  column: string;
}

interface TransformationRule {
  target: 'schema' | 'table' | 'column';
  action: string;
  locator: Locator;
  value?: string;
  expression?: string;
  dataType?: { type?: string; length?: number; precision?: number };
}

/** What a change header variable is filled from. */
export interface ChangeHeaders {
  /** `$AR_H_CHANGE_SEQ`: undefined in full-load records. */
  changeSeq?: string;
  /** `$AR_H_COMMIT_TIMESTAMP`, `yyyy-MM-dd HH:mm:ss.SSSSSS`. */
  commitTimestamp?: string;
  /** `$AR_H_TIMESTAMP`: when DMS handled the change. */
  timestamp: string;
  /** `$AR_H_OPERATION`: INSERT, UPDATE or DELETE. */
  operation?: string;
  /** `$AR_H_STREAM_POSITION`: the binlog file and position. */
  streamPosition?: string;
}

interface AddedColumn {
  encoding: ColumnEncoding;
  value(headers: ChangeHeaders, row: Record<string, SourceValue>): SourceValue;
}

/** How one source table lands: its target names and the columns of its records. */
export interface TablePlan {
  sourceSchema: string;
  sourceTable: string;
  targetSchema: string;
  targetTable: string;
  /** Source columns kept, in source order, with their target encodings. */
  columns: { source: string; encoding: ColumnEncoding }[];
  added: AddedColumn[];
}

const likeToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    'i',
  );

const matches = (pattern: string | undefined, name: string) =>
  pattern === undefined || likeToRegExp(pattern).test(name);

const NAME_ACTIONS = new Set([
  'rename',
  'convert-lowercase',
  'convert-uppercase',
  'add-prefix',
  'add-suffix',
  'remove-prefix',
  'remove-suffix',
]);
/** Actions with no effect on S3 files: a primary key only matters to targets with tables. */
const NO_FILE_EFFECT = new Set(['define-primary-key']);

/** The transformation rules of a TableMappings JSON; unknown actions throw. */
export function parseTransformations(json: string): TransformationRule[] {
  const rules = (JSON.parse(json)?.rules ?? []).filter(
    (r: any) => r?.['rule-type'] === 'transformation',
  );
  return rules.map((r: any) => {
    const action = String(r['rule-action'] ?? '').toLowerCase();
    const target = String(r['rule-target'] ?? '').toLowerCase();
    const supported =
      NO_FILE_EFFECT.has(action) ||
      (NAME_ACTIONS.has(action) &&
        ['schema', 'table', 'column'].includes(target)) ||
      ((action === 'add-column' || action === 'remove-column') &&
        target === 'column');
    if (!supported) {
      throw new Error(
        `Transformation rule ${
          r['rule-name'] ?? r['rule-id']
        }: rule-action ${action} on ${target} is not implemented by the emulator`,
      );
    }
    const locator = r['object-locator'] ?? {};
    return {
      target: target as TransformationRule['target'],
      action,
      locator: {
        schema: String(locator['schema-name'] ?? '%'),
        table: String(locator['table-name'] ?? '%'),
        column: String(locator['column-name'] ?? '%'),
      },
      value: r.value === undefined ? undefined : String(r.value),
      expression: r.expression === undefined ? undefined : String(r.expression),
      dataType: r['data-type'],
    };
  });
}

function applyName(rule: TransformationRule, name: string): string {
  const value = rule.value ?? '';
  switch (rule.action) {
    case 'rename':
      return value;
    case 'convert-lowercase':
      return name.toLowerCase();
    case 'convert-uppercase':
      return name.toUpperCase();
    case 'add-prefix':
      return `${value}${name}`;
    case 'add-suffix':
      return `${name}${value}`;
    case 'remove-prefix':
      return name.startsWith(value) ? name.slice(value.length) : name;
    case 'remove-suffix':
      return name.endsWith(value)
        ? name.slice(0, name.length - value.length)
        : name;
    default:
      return name;
  }
}

const HEADERS: Record<string, (h: ChangeHeaders) => SourceValue> = {
  $AR_H_CHANGE_SEQ: h => h.changeSeq ?? null,
  $AR_H_COMMIT_TIMESTAMP: h => h.commitTimestamp ?? null,
  $AR_H_TIMESTAMP: h => h.timestamp,
  $AR_H_OPERATION: h => h.operation ?? null,
  $AR_H_STREAM_POSITION: h => h.streamPosition ?? null,
};

const INTEGER_TYPES: Record<string, string> = {
  int1: 'tinyint',
  int2: 'smallint',
  int4: 'int',
  int8: 'bigint',
};

/** The encoding of an added column by its rule's `data-type`. */
function addedColumnEncoding(
  name: string,
  rule: TransformationRule,
  options: EncodingOptions,
): ColumnEncoding {
  const type = String(rule.dataType?.type ?? 'string').toLowerCase();
  if (type === 'datetime') {
    return encodingFor(
      { name, dataType: 'datetime', columnType: 'datetime(6)' },
      options,
    );
  }
  if (INTEGER_TYPES[type]) {
    return encodingFor(
      { name, dataType: INTEGER_TYPES[type], columnType: type },
      options,
    );
  }
  return stringEncoding(name, `WSTRING(${rule.dataType?.length ?? 50})`);
}

function addedColumn(
  rule: TransformationRule,
  options: EncodingOptions,
): AddedColumn {
  const name = rule.value;
  const expression = (rule.expression ?? '').trim();
  if (!name)
    throw new Error('An add-column rule needs a value (the column name)');
  const header = HEADERS[expression.toUpperCase()];
  const column = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)?.[1];
  if (!header && !column) {
    throw new Error(
      `add-column ${name}: expression ${expression} is not implemented by the emulator (header variables $AR_H_… and a plain $column are)`,
    );
  }
  return {
    encoding: addedColumnEncoding(name, rule, options),
    value: header ? h => header(h) : (_h, row) => row[column!] ?? null,
  };
}

/** The landing plan of one source table under the task's transformation rules. */
export function planTable(
  rules: TransformationRule[],
  schema: string,
  table: string,
  sourceColumns: SourceColumn[],
  options: EncodingOptions,
): TablePlan {
  let targetSchema = schema;
  let targetTable = table;
  for (const rule of rules) {
    if (!NAME_ACTIONS.has(rule.action)) continue;
    if (rule.target === 'schema' && matches(rule.locator.schema, schema)) {
      targetSchema = applyName(rule, targetSchema);
    }
    if (
      rule.target === 'table' &&
      matches(rule.locator.schema, schema) &&
      matches(rule.locator.table, table)
    ) {
      targetTable = applyName(rule, targetTable);
    }
  }
  const forColumn = (r: TransformationRule, column: string) =>
    r.target === 'column' &&
    matches(r.locator.schema, schema) &&
    matches(r.locator.table, table) &&
    matches(r.locator.column, column);
  const columns: TablePlan['columns'] = [];
  for (const column of sourceColumns) {
    if (
      rules.some(r => r.action === 'remove-column' && forColumn(r, column.name))
    )
      continue;
    let name = column.name;
    for (const rule of rules) {
      if (NAME_ACTIONS.has(rule.action) && forColumn(rule, column.name)) {
        name = applyName(rule, name);
      }
    }
    columns.push({
      source: column.name,
      encoding: encodingFor({ ...column, name }, options),
    });
  }
  const added = rules
    .filter(
      r =>
        r.action === 'add-column' &&
        matches(r.locator.schema, schema) &&
        matches(r.locator.table, table),
    )
    .map(r => addedColumn(r, options));
  return {
    sourceSchema: schema,
    sourceTable: table,
    targetSchema,
    targetTable,
    columns,
    added,
  };
}
