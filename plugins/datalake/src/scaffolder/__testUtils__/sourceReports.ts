import {
  CdcPreflightReport,
  SourceColumn,
  SourceInspectionReport,
  SourceTable,
} from '@datalake-portal/backstage-plugin-datalake-common';

function column(
  name: string,
  mysqlType: string,
  position: number,
): SourceColumn {
  return {
    name,
    position,
    mysqlType,
    nullable: false,
    defaultValue: null,
    generated: null,
    mapping: {
      icebergType: 'string',
      sparkType: 'string',
      duckdbType: 'VARCHAR',
      dmsType: 'WSTRING',
      notes: [],
    },
  };
}

function table(
  name: string,
  columns: string[],
  key: string[] | null,
  rows: number,
): SourceTable {
  return {
    name,
    engine: 'InnoDB',
    approximateRows: rows,
    sizeBytes: 16384,
    columns: columns.map((c, i) => column(c, 'varchar(45)', i + 1)),
    primaryKey: key ? { name: 'PRIMARY', columns: key } : null,
    uniqueKeys: [],
    mergeKey: key
      ? { name: 'PRIMARY', columns: key, origin: 'primary-key' }
      : null,
  };
}

const server = {
  version: '10.11.6-MariaDB',
  flavor: 'mariadb',
  hosting: 'self-managed',
} as const;

/** Three tables: two ingestible (one with a type warning), one without any key. */
export const inspection: SourceInspectionReport = {
  database: 'sakila',
  server,
  inspectedAt: '2026-01-01T00:00:00Z',
  tables: [
    table('actor', ['actor_id', 'firstName', 'last_name'], ['actor_id'], 200),
    table('audit_log', ['note'], null, 12),
    table('film', ['film_id', 'title'], ['film_id'], 1000),
  ],
  excludedViews: [],
  missingTables: [],
  findings: [
    {
      code: 'table-without-key',
      severity: 'blocker',
      table: 'audit_log',
      message:
        'Table audit_log has no primary key and no unique key over NOT NULL columns.',
    },
    {
      code: 'column-type',
      severity: 'warning',
      table: 'film',
      column: 'last_update',
      message:
        "Column film.last_update (timestamp): zero dates ('0000-00-00') arrive as NULL from DMS.",
    },
  ],
  queryCount: 4,
};

export const preflight: CdcPreflightReport = {
  database: 'sakila',
  server,
  checkedAt: '2026-01-01T00:00:00Z',
  ready: false,
  tables: ['actor', 'audit_log', 'film'],
  checks: [],
  findings: [
    {
      code: 'binlog-disabled',
      severity: 'blocker',
      message: 'Binary logging is off: DMS reads changes from the binlog.',
      fix: 'log_bin=ON',
    },
    ...inspection.findings,
  ],
  queryCount: 6,
};

/** The props RJSF hands a custom field, reduced to what the fields read. */
export function fieldProps<T>(
  formData: T | undefined,
  form: Record<string, unknown> = {},
  title = 'Field',
) {
  return {
    formData,
    onChange: jest.fn(),
    schema: { title },
    uiSchema: {},
    required: true,
    rawErrors: [] as string[],
    formContext: { formData: form },
  } as any;
}
