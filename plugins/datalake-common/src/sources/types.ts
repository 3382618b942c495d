/*
 * The reports the source inspection produces. They travel as JSON from the backend (REST routes,
 * scaffolder action outputs, the `yarn datalake inspect` command) to the frontend, so they hold
 * only plain data.
 */

/**
 * How much a finding stands in the way of onboarding a source: a `blocker` stops CDC or loses data,
 * a `warning` needs a decision, `info` only explains what will happen.
 *
 * @public
 */
export type SourceFindingSeverity = 'blocker' | 'warning' | 'info';

/**
 * One finding of the inspection or the CDC preflight.
 *
 * @public
 */
export type SourceFinding = {
  /** Stable machine-readable identifier, e.g. `binlog-format` or `table-without-key`. */
  code: string;
  severity: SourceFindingSeverity;
  /** What is wrong and what it means for the pipeline, for a data engineer. */
  message: string;
  /** The statement, server parameter or RDS procedure that fixes it. */
  fix?: string;
  table?: string;
  column?: string;
};

/**
 * The types one source column takes through DMS, the landing files and the lake tables.
 *
 * @public
 */
export type SourceColumnMapping = {
  icebergType: string;
  sparkType: string;
  duckdbType: string;
  dmsType: string;
  notes: Array<{ severity: SourceFindingSeverity; message: string }>;
};

/**
 * A column of a source table.
 *
 * @public
 */
export type SourceColumn = {
  name: string;
  /** 1-based position in the table. */
  position: number;
  /** The full MySQL type, e.g. `smallint(5) unsigned` or `enum('G','PG')`. */
  mysqlType: string;
  nullable: boolean;
  /** The default as MySQL reports it (a literal or an expression), `null` when there is none. */
  defaultValue: string | null;
  /** `virtual` or `stored` for generated columns, `null` otherwise. */
  generated: 'virtual' | 'stored' | null;
  mapping: SourceColumnMapping;
};

/**
 * A primary or unique key.
 *
 * @public
 */
export type SourceKey = {
  name: string;
  columns: string[];
};

/**
 * The key by which CDC changes of a table are merged: its primary key, else its first unique key
 * whose columns are all NOT NULL.
 *
 * @public
 */
export type SourceMergeKey = SourceKey & {
  origin: 'primary-key' | 'unique-key';
};

/**
 * A base table of the source database.
 *
 * @public
 */
export type SourceTable = {
  name: string;
  engine: string | null;
  /** The server's estimate (exact for MyISAM, approximate for InnoDB). */
  approximateRows: number | null;
  /** Data plus index size in bytes, as estimated by the server. */
  sizeBytes: number | null;
  columns: SourceColumn[];
  primaryKey: SourceKey | null;
  uniqueKeys: SourceKey[];
  mergeKey: SourceMergeKey | null;
};

/**
 * What the inspection learnt about the server.
 *
 * @public
 */
export type SourceServerInfo = {
  version: string;
  flavor: 'mysql' | 'mariadb';
  /** `rds` when the server runs on Amazon RDS or Aurora, judged from its base directory. */
  hosting: 'rds' | 'self-managed';
};

/**
 * The result of inspecting a MySQL database.
 *
 * @public
 */
export type SourceInspectionReport = {
  database: string;
  server: SourceServerInfo;
  /** ISO-8601 time of the inspection. */
  inspectedAt: string;
  /** Base tables, sorted by name; restricted to the requested tables when some were named. */
  tables: SourceTable[];
  /** Views of the database: never offered for CDC. */
  excludedViews: string[];
  /** Requested tables that do not exist as base tables. */
  missingTables: string[];
  /** Findings about keys and column types. */
  findings: SourceFinding[];
  /** How many SQL statements the inspection sent; independent of the number of tables. */
  queryCount: number;
};

/**
 * One server setting the CDC preflight checked.
 *
 * @public
 */
export type CdcPreflightCheck = {
  name: string;
  /** The value found, `null` when the server does not have the setting. */
  actual: string | null;
  expected: string;
  ok: boolean;
};

/**
 * Whether a MySQL database is ready for DMS full load and CDC.
 *
 * @public
 */
export type CdcPreflightReport = {
  database: string;
  server: SourceServerInfo;
  /** ISO-8601 time of the check. */
  checkedAt: string;
  /** True when there is no blocker. */
  ready: boolean;
  /** The tables the check covered. */
  tables: string[];
  checks: CdcPreflightCheck[];
  /** Every finding: server settings, privileges, tables and column types. */
  findings: SourceFinding[];
  queryCount: number;
};

/**
 * How DMS runs for a source: on a provisioned replication instance or serverless.
 *
 * @public
 */
export type SourceDmsMode = 'replication-instance' | 'serverless';

/**
 * A configured source as the REST API lists it: never credentials, and not the host and port
 * either, which are backend-only (where the database server sits is no business of the browser).
 *
 * @public
 */
export type SourceSummary = {
  id: string;
  title: string;
  owner: string;
  database: string;
  dmsMode: SourceDmsMode | null;
};

/**
 * The inspection and the preflight in one document, as the `yarn datalake inspect` command and the
 * `datalake:mysql:source:inspect` action print it: `findings` holds every finding of both.
 *
 * @public
 */
export type SourceReport = SourceInspectionReport &
  Pick<CdcPreflightReport, 'ready' | 'checks'>;
