import { InputError } from '@backstage/errors';
import { SourceInspectionReport } from '@datalake-portal/backstage-plugin-datalake-common';

/** The column DMS fills with `$AR_H_CHANGE_SEQ`, the change order within one commit timestamp. */
export const CHANGE_SEQUENCE_COLUMN = 'dms_change_seq';

/** DMS types that are LOBs for the task's LOB settings. */
const LOB_DMS_TYPES = new Set(['CLOB', 'NCLOB', 'BLOB']);

type Rule = Record<string, unknown>;

/**
 * Table mappings selecting exactly `tables` of `database` (one explicit include rule each, no
 * wildcards), adding the change-sequence column, and declaring the merge key of tables that only
 * have a unique key.
 */
export function buildTableMappings(
  database: string,
  tables: string[],
  inspection: Pick<SourceInspectionReport, 'tables'>,
): { tableMappings: { rules: Rule[] }; hasLobs: boolean } {
  const byName = new Map(inspection.tables.map(t => [t.name, t]));
  const unknown = tables.filter(t => !byName.has(t));
  if (unknown.length > 0) {
    throw new InputError(
      `Tables not found as base tables of the source: ${unknown.join(', ')}`,
    );
  }
  const keyless = tables.filter(t => !byName.get(t)!.mergeKey);
  if (keyless.length > 0) {
    throw new InputError(
      `Tables without a primary key or NOT NULL unique key cannot be merged in the lake: ${keyless.join(
        ', ',
      )}`,
    );
  }

  const rules: Rule[] = [];
  let id = 0;
  const next = () => {
    id += 1;
    return { 'rule-id': String(id), 'rule-name': `${id}` };
  };
  for (const table of tables) {
    rules.push({
      'rule-type': 'selection',
      ...next(),
      'object-locator': { 'schema-name': database, 'table-name': table },
      'rule-action': 'include',
    });
  }
  for (const table of tables) {
    rules.push({
      'rule-type': 'transformation',
      ...next(),
      'rule-target': 'column',
      'object-locator': { 'schema-name': database, 'table-name': table },
      'rule-action': 'add-column',
      value: CHANGE_SEQUENCE_COLUMN,
      expression: '$AR_H_CHANGE_SEQ',
      'data-type': { type: 'string', length: 50 },
    });
    const key = byName.get(table)!.mergeKey!;
    if (key.origin === 'unique-key') {
      rules.push({
        'rule-type': 'transformation',
        ...next(),
        'rule-target': 'table',
        'object-locator': { 'schema-name': database, 'table-name': table },
        'rule-action': 'define-primary-key',
        'primary-key-def': {
          name: key.name,
          origin: 'unique-index',
          columns: key.columns,
        },
      });
    }
  }
  const hasLobs = tables.some(t =>
    byName.get(t)!.columns.some(c => LOB_DMS_TYPES.has(c.mapping.dmsType)),
  );
  return { tableMappings: { rules }, hasLobs };
}

/**
 * Task settings for an S3 landing target: limited LOB mode when the tables have LOBs (full LOB mode
 * is not supported on S3), no batch apply (unsupported on S3), tables left alone at start.
 */
export function buildTaskSettings(hasLobs: boolean, lobMaxSizeKb: number) {
  return {
    TargetMetadata: {
      SupportLobs: hasLobs,
      FullLobMode: false,
      LimitedSizeLobMode: hasLobs,
      LobMaxSize: hasLobs ? lobMaxSizeKb : 0,
      BatchApplyEnabled: false,
    },
    FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' },
    Logging: { EnableLogging: true },
  };
}
