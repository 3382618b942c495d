import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { InputError, assertError } from '@backstage/errors';
import {
  PipelineSpec,
  SILVER_COLUMN_NAME_PATTERN,
  SchemaDriftPolicy,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  BronzeMergePlan,
  CHANGE_COLUMNS,
  bronzeCastFailureMessage,
  bronzeTableColumns,
  evolvedColumnNameFailureMessage,
  knownLandingColumns,
  planBronzeMerge,
  renderBronzeCastCheck,
  renderBronzeMerge,
  renderChangeProjection,
  schemaDriftFailureMessage,
} from '../sql/bronzeMerge';
import { EvolvedColumn, expandEvolvedColumns } from '../sql/evolvedColumns';
import { quoteIdentifier, quoteString } from '../sql/dialect';
import {
  LANDING_CSV_SETTINGS,
  hexEncodedCsvColumns,
  landingCsvColumns,
} from '../sql/landingCsv';
import { AppliedLandingFile, planBronzeBatch } from './bronzeBatch';
import { LandingFile } from './landingFiles';

const q = (name: string) => quoteIdentifier(name, 'duckdb');
const lit = (value: string) => quoteString(value, 'duckdb');

/** The table recording applied landing files; written in the same transaction as the merge. */
const APPLIED_FILES_TABLE = '_dl_applied_files';
const RAW_TABLE = '_dl_landing_raw';
const CHANGES_TABLE = '_dl_landing_changes';

/** A column a table gained under schema drift policy `evolve`, with its DuckDB type. */
type EvolvedTableColumn = EvolvedColumn & { type: string };

/**
 * What one call to `apply` did.
 *
 * @public
 */
export type ReplayBatchResult = {
  /** The files whose rows were merged. */
  appliedFiles: string[];
  /** The files not read: applied before, or (in a reload) contained in the new full load. */
  skippedFiles: string[];
  changeRows: number;
  /** Whether the batch rebuilt the table from a reloaded full load (`BronzeMergeMode` `reload`). */
  reload: boolean;
};

/** The job's default `--clock_skew_minutes`, which is also the margin of a reload batch. */
const DEFAULT_MARGIN_MINUTES = 15;

/**
 * Applies DMS landing files to a bronze table in DuckDB with the generated DuckDB SQL: the local
 * stand-in for the landing → bronze Spark job, with the same merge, the same change order and the same
 * rule that a file is applied once (recorded atomically with the merge).
 *
 * @public
 */
export class DuckDbBronzeReplay {
  private readonly plan: BronzeMergePlan;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly spec: PipelineSpec,
    private readonly table: string,
    private readonly schemaDrift: SchemaDriftPolicy,
    private readonly marginMs: number,
  ) {
    this.plan = planBronzeMerge(spec);
  }

  /** Creates the bronze and bookkeeping tables if missing. */
  static async create(
    connection: DuckDBConnection,
    spec: PipelineSpec,
    options: {
      table?: string;
      schemaDrift?: SchemaDriftPolicy;
      /** The margin of a reload batch (`planBronzeBatch`), as the job's `--clock_skew_minutes`. */
      clockSkewMinutes?: number;
    } = {},
  ): Promise<DuckDbBronzeReplay> {
    const replay = new DuckDbBronzeReplay(
      connection,
      spec,
      options.table ?? spec.bronze.table,
      options.schemaDrift ?? spec.schemaDrift,
      (options.clockSkewMinutes ?? DEFAULT_MARGIN_MINUTES) * 60_000,
    );
    await replay.ensureTables();
    return replay;
  }

  /**
   * Replays landing files into a throw-away in-memory database and returns the bronze rows (as
   * `rowsJson` gives them): the DuckDB side of a comparison with a Spark run, for callers that hold
   * no DuckDB connection of their own.
   */
  static async replayInMemory(
    spec: PipelineSpec,
    files: LandingFile[],
  ): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      // Timestamps mean the same as in the Spark jobs, whose session time zone is UTC.
      await connection.run(`SET TimeZone = 'UTC'`);
      const replay = await DuckDbBronzeReplay.create(connection, spec);
      await replay.apply(files);
      return await replay.rowsJson();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  get mergePlan(): BronzeMergePlan {
    return this.plan;
  }

  private async ensureTables(): Promise<void> {
    const columns = bronzeTableColumns(this.plan, 'duckdb')
      .map(c => `${q(c.name)} ${c.type}`)
      .join(', ');
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS ${q(
        this.table,
      )} (${columns}, PRIMARY KEY (${this.plan.key.map(q).join(', ')}))`,
    );
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS ${q(
        APPLIED_FILES_TABLE,
      )} (target VARCHAR NOT NULL, file VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, modified_ms BIGINT, PRIMARY KEY (target, file))`,
    );
    // Databases made before full-load modification times were recorded.
    await this.connection.run(
      `ALTER TABLE ${q(
        APPLIED_FILES_TABLE,
      )} ADD COLUMN IF NOT EXISTS modified_ms BIGINT`,
    );
  }

  /** The names of the files already applied to this bronze table. */
  async appliedFiles(): Promise<Set<string>> {
    return new Set((await this.appliedRecords()).map(f => f.name));
  }

  /** The applied files with the modification time recorded for full-load files. */
  private async appliedRecords(): Promise<AppliedLandingFile[]> {
    const reader = await this.connection.runAndReadAll(
      `SELECT file, modified_ms FROM ${q(
        APPLIED_FILES_TABLE,
      )} WHERE target = ${lit(this.table)}`,
    );
    return reader.getRowObjectsJS().map(r => ({
      name: String(r.file),
      modified:
        r.modified_ms === null || r.modified_ms === undefined
          ? undefined
          : Number(r.modified_ms),
    }));
  }

  /**
   * Applies the files not applied yet as one batch (one merge), like one run of the Spark job; when a
   * full-load file was rewritten (a DMS table reload), rebuilds the table from the new full load and
   * the CDC files after it instead (`planBronzeBatch`). Either the merge and the file records commit
   * together, or nothing changes.
   */
  async apply(files: LandingFile[]): Promise<ReplayBatchResult> {
    const done = await this.appliedRecords();
    const batch = planBronzeBatch(files, done, { marginMs: this.marginMs });
    const pending = batch.read;
    const skippedFiles = files
      .filter(f => !pending.includes(f))
      .map(f => f.name);
    const reload = batch.mode === 'reload';
    if (batch.record.length === 0) {
      return { appliedFiles: [], skippedFiles, changeRows: 0, reload };
    }
    const evolved = await this.applyDriftPolicy(pending);
    await this.connection.run(`DROP TABLE IF EXISTS ${q(RAW_TABLE)}`);
    await this.connection.run(
      `CREATE TEMP TABLE ${q(RAW_TABLE)} (${[
        ...this.spec.columns.map(c => `${q(c.sourceName)} VARCHAR`),
        `${q(CHANGE_COLUMNS.op)} VARCHAR`,
        `${q(CHANGE_COLUMNS.commitTs)} VARCHAR`,
        `${q(CHANGE_COLUMNS.changeSeq)} VARCHAR`,
        `${q(CHANGE_COLUMNS.file)} VARCHAR`,
        `${q(CHANGE_COLUMNS.row)} BIGINT`,
        ...evolved.map(c => `${q(c.name)} ${c.type}`),
      ].join(', ')})`,
    );
    for (const file of pending) {
      await this.loadRaw(file, evolved);
    }
    if (this.spec.source.format === 'csv') {
      await this.assertCastsFit();
    }
    await this.connection.run(`BEGIN TRANSACTION`);
    try {
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE ${q(
          CHANGES_TABLE,
        )} AS ${expandEvolvedColumns(
          renderChangeProjection(this.plan, 'duckdb', q(RAW_TABLE)),
          evolved,
          'duckdb',
        )}`,
      );
      await this.assertKeysPresent();
      await this.connection.run(
        expandEvolvedColumns(
          renderBronzeMerge(
            this.plan,
            'duckdb',
            [this.table],
            q(CHANGES_TABLE),
            { mode: batch.mode },
          ),
          evolved,
          'duckdb',
        ),
      );
      const time = (f: LandingFile) =>
        f.phase === 'full-load' && f.modified !== undefined
          ? String(f.modified)
          : 'NULL';
      await this.connection.run(
        `INSERT OR REPLACE INTO ${q(APPLIED_FILES_TABLE)} VALUES ${batch.record
          .map(
            f =>
              `(${lit(this.table)}, ${lit(f.name)}, now()::TIMESTAMP, ${time(
                f,
              )})`,
          )
          .join(', ')}`,
      );
      // Full-load files applied before times were recorded: their present time is the baseline.
      for (const f of files) {
        if (f.phase !== 'full-load' || f.modified === undefined) continue;
        await this.connection.run(
          `UPDATE ${q(APPLIED_FILES_TABLE)} SET modified_ms = ${
            f.modified
          } WHERE target = ${lit(this.table)} AND file = ${lit(
            f.name,
          )} AND modified_ms IS NULL`,
        );
      }
      await this.connection.run('COMMIT');
    } catch (e) {
      assertError(e);
      await this.connection.run('ROLLBACK');
      throw e;
    }
    const count = await this.connection.runAndReadAll(
      `SELECT count(*) AS n FROM ${q(RAW_TABLE)}`,
    );
    await this.connection.run(`DROP TABLE IF EXISTS ${q(RAW_TABLE)}`);
    await this.connection.run(`DROP TABLE IF EXISTS ${q(CHANGES_TABLE)}`);
    return {
      appliedFiles: pending.map(f => f.name),
      skippedFiles,
      changeRows: Number(count.getRowObjectsJS()[0].n),
      reload,
    };
  }

  /** The name and DuckDB type of each column of a query's result. */
  private async describe(
    query: string,
  ): Promise<{ name: string; type: string }[]> {
    const reader = await this.connection.runAndReadAll(`DESCRIBE ${query}`);
    return reader.getRowObjectsJS().map(r => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
  }

  /** The columns the bronze table gained under schema drift policy `evolve`. */
  private async evolvedColumns(): Promise<EvolvedTableColumn[]> {
    const known = new Set(
      bronzeTableColumns(this.plan, 'duckdb').map(c => c.name),
    );
    return (await this.describe(`SELECT * FROM ${q(this.table)}`))
      .filter(c => !known.has(c.name))
      .map(c => ({ ...c, text: c.type === 'VARCHAR' }));
  }

  /**
   * The schema drift policy on the batch's Parquet files, before any is read, as the Spark job
   * applies it (`apply_drift_policy`): `fail` stops at the first file with columns the spec does
   * not know, `ignore` leaves them out, `evolve` adds them to the bronze table under their source
   * names and types. Returns the columns the table gained, now or before.
   */
  private async applyDriftPolicy(
    files: LandingFile[],
  ): Promise<EvolvedTableColumn[]> {
    if (
      this.spec.source.format !== 'parquet' ||
      this.schemaDrift === 'ignore'
    ) {
      return [];
    }
    const known = new Set(knownLandingColumns(this.spec));
    const bronze = `${this.spec.bronze.database}.${this.spec.bronze.table}`;
    const unknown = new Map<string, { type: string; file: string }>();
    for (const file of files) {
      const fields = (
        await this.describe(
          `SELECT * FROM read_parquet(${lit(file.absolutePath)})`,
        )
      ).filter(c => !known.has(c.name));
      if (this.schemaDrift === 'fail') {
        if (fields.length === 0) continue;
        throw new InputError(
          schemaDriftFailureMessage(
            bronze,
            file.name,
            fields.map(f => f.name),
          ),
        );
      }
      for (const field of fields) {
        if (!unknown.has(field.name)) {
          unknown.set(field.name, { type: field.type, file: file.name });
        }
      }
    }
    // Under `fail` the table never gains columns.
    if (this.schemaDrift === 'fail') return [];
    const present = new Set(
      (await this.describe(`SELECT * FROM ${q(this.table)}`)).map(c => c.name),
    );
    for (const [name, { type, file }] of unknown) {
      if (!SILVER_COLUMN_NAME_PATTERN.test(name) || name.startsWith('_dl_')) {
        throw new InputError(
          evolvedColumnNameFailureMessage(bronze, file, name),
        );
      }
      if (!present.has(name)) {
        await this.connection.run(
          `ALTER TABLE ${q(this.table)} ADD COLUMN ${q(name)} ${type}`,
        );
      }
    }
    return this.evolvedColumns();
  }

  /** A change row without a key value cannot be placed; fail the batch instead of dropping it. */
  private async assertKeysPresent(): Promise<void> {
    const reader = await this.connection.runAndReadAll(
      `SELECT ${q(CHANGE_COLUMNS.file)} AS file, ${q(
        CHANGE_COLUMNS.row,
      )} AS row FROM ${q(CHANGES_TABLE)} WHERE ${this.plan.key
        .map(k => `${q(k)} IS NULL`)
        .join(' OR ')} LIMIT 1`,
    );
    const bad = reader.getRowObjectsJS()[0];
    if (bad) {
      throw new InputError(
        `${bad.file} row ${
          bad.row
        } has no value for the key (${this.plan.key.join(', ')})`,
      );
    }
  }

  /**
   * CSV values are text until the change projection casts them; the same check as the Spark job's
   * (`renderBronzeCastCheck`) fails the batch on the first one that does not fit, with its message.
   */
  private async assertCastsFit(): Promise<void> {
    const check = renderBronzeCastCheck(this.plan, 'duckdb', q(RAW_TABLE));
    if (!check) return;
    const failure = (
      await this.connection.runAndReadAll(check)
    ).getRowObjectsJS()[0];
    if (failure) {
      throw new InputError(
        bronzeCastFailureMessage(
          `${this.spec.bronze.database}.${this.spec.bronze.table}`,
          failure,
        ),
      );
    }
  }

  private async loadRaw(
    file: LandingFile,
    evolved: EvolvedTableColumn[],
  ): Promise<void> {
    const cdc = file.phase === 'cdc';
    const { timestampColumn, sequenceColumn } = this.spec.cdc;
    try {
      if (this.spec.source.format === 'parquet') {
        await this.loadParquet(
          file,
          cdc,
          evolved,
          timestampColumn,
          sequenceColumn,
        );
      } else {
        await this.loadCsv(file, cdc);
      }
    } catch (e) {
      assertError(e);
      if (e.name === 'InputError') throw e;
      throw new InputError(`cannot read ${file.name}: ${e.message}`);
    }
  }

  private async loadParquet(
    file: LandingFile,
    cdc: boolean,
    evolved: EvolvedTableColumn[],
    timestampColumn?: string,
    sequenceColumn?: string,
  ): Promise<void> {
    const source = `read_parquet(${lit(
      file.absolutePath,
    )}, file_row_number = true)`;
    const described = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM ${source}`,
    );
    const present = new Set(
      described.getRowObjectsJS().map(r => String(r.column_name)),
    );
    if (cdc && !present.has('Op')) {
      throw new InputError(`${file.name} is a CDC file without an Op column`);
    }
    const pick = (name: string | undefined, when: boolean) =>
      name && when && present.has(name)
        ? `CAST(${q(name)} AS VARCHAR)`
        : 'NULL';
    const select = [
      ...this.spec.columns.map(c =>
        present.has(c.sourceName)
          ? `CAST(${q(c.sourceName)} AS VARCHAR)`
          : 'NULL',
      ),
      cdc ? `CAST(${q('Op')} AS VARCHAR)` : `'I'`,
      pick(timestampColumn, cdc),
      pick(sequenceColumn, cdc),
      lit(file.name),
      'file_row_number',
      // Evolved columns keep their types; files from before the ALTER TABLE lack them.
      ...evolved.map(c =>
        present.has(c.name) ? `CAST(${q(c.name)} AS ${c.type})` : 'NULL',
      ),
    ];
    await this.connection.run(
      `INSERT INTO ${q(RAW_TABLE)} SELECT ${select.join(', ')} FROM ${source}`,
    );
  }

  /**
   * DMS CSV files have no header: the columns are in the order `landingCsvColumns` gives, the one the
   * Spark job is rendered with (`Op`, the commit timestamp, the table's columns, the change sequence).
   * An empty unquoted field is NULL (`CsvNullValue` is empty) and `""` is an empty string; a record
   * with another number of fields fails the batch.
   */
  private async loadCsv(file: LandingFile, cdc: boolean): Promise<void> {
    const names = landingCsvColumns(this.spec, file.phase);
    const hex = new Set(hexEncodedCsvColumns(this.spec));
    const columns = `{${names
      .map((_, i) => `${lit(`_c${i}`)}: 'VARCHAR'`)
      .join(', ')}}`;
    const source = `read_csv(${lit(
      file.absolutePath,
    )}, header = false, delim = ${lit(
      LANDING_CSV_SETTINGS.CsvDelimiter,
    )}, quote = '"', escape = '"', nullstr = ${lit(
      LANDING_CSV_SETTINGS.CsvNullValue,
    )}, allow_quoted_nulls = false, auto_detect = false, strict_mode = true, columns = ${columns}) WITH ORDINALITY`;
    const valueOf = (name: string | undefined) => {
      const i = name === undefined ? -1 : names.indexOf(name);
      if (i < 0) return 'NULL';
      // DMS writes binary values as hexadecimal text in CSV files.
      return hex.has(name!)
        ? `CAST(unhex(${q(`_c${i}`)}) AS VARCHAR)`
        : q(`_c${i}`);
    };
    const { timestampColumn, sequenceColumn } = this.spec.cdc;
    const select = [
      ...this.spec.columns.map(c => valueOf(c.sourceName)),
      cdc ? valueOf('Op') : `'I'`,
      cdc ? valueOf(timestampColumn) : 'NULL',
      cdc ? valueOf(sequenceColumn) : 'NULL',
      lit(file.name),
      'ordinality - 1',
    ];
    try {
      await this.connection.run(
        `INSERT INTO ${q(RAW_TABLE)} SELECT ${select.join(
          ', ',
        )} FROM ${source}`,
      );
    } catch (e) {
      assertError(e);
      // A record longer than the layout: the source table gained columns (DMS appends them), which
      // a CSV file cannot name. The Spark job fails with the same message (csv_drift_failure).
      const count = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(
        e.message,
      );
      if (count && Number(count[2]) > Number(count[1])) {
        const extra = Array.from(
          { length: Number(count[2]) - Number(count[1]) },
          (_, i) => `field ${Number(count[1]) + i + 1}`,
        );
        throw new InputError(
          schemaDriftFailureMessage(
            `${this.spec.bronze.database}.${this.spec.bronze.table}`,
            file.name,
            extra,
          ),
        );
      }
      throw e;
    }
  }

  /**
   * The bronze rows without change metadata, sorted by key, as plain JavaScript values.
   */
  async rows(): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(
      await this.selectSourceColumns(),
    );
    return reader.getRowObjectsJS();
  }

  /** The bronze rows without change metadata, sorted by key, with every value as DuckDB prints it. */
  async rowsJson(): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(
      await this.selectSourceColumns(),
    );
    return reader.getRowObjectsJson();
  }

  /** Writes the bronze table as CSV with a header, sorted by key. */
  async exportCsv(outFile: string, withMetadata = false): Promise<void> {
    await this.connection.run(
      `COPY (${await this.selectSourceColumns(withMetadata)}) TO ${lit(
        outFile,
      )} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"')`,
    );
  }

  /** The source columns (those the table gained under `evolve` after the others), by key. */
  private async selectSourceColumns(withMetadata = false): Promise<string> {
    const columns = [
      ...this.plan.columns,
      ...(await this.evolvedColumns()),
      ...(withMetadata ? this.plan.metadataColumns : []),
    ].map(c => q(c.name));
    return `SELECT ${columns.join(', ')} FROM ${q(
      this.table,
    )} ORDER BY ${this.plan.key.map(q).join(', ')}`;
  }
}
