import { DuckDBConnection } from '@duckdb/node-api';
import { InputError, assertError } from '@backstage/errors';
import {
  PipelineSpec,
  SchemaDriftPolicy,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  BronzeMergePlan,
  CHANGE_COLUMNS,
  bronzeTableColumns,
  planBronzeMerge,
  renderBronzeMerge,
  renderChangeProjection,
} from '../sql/bronzeMerge';
import { quoteIdentifier, quoteString } from '../sql/dialect';
import { LandingFile } from './landingFiles';

const q = (name: string) => quoteIdentifier(name, 'duckdb');
const lit = (value: string) => quoteString(value, 'duckdb');

/** The table recording applied landing files; written in the same transaction as the merge. */
const APPLIED_FILES_TABLE = '_dl_applied_files';
const RAW_TABLE = '_dl_landing_raw';
const CHANGES_TABLE = '_dl_landing_changes';

/**
 * What one call to `apply` did.
 *
 * @public
 */
export type ReplayBatchResult = {
  appliedFiles: string[];
  skippedFiles: string[];
  changeRows: number;
};

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
  ) {
    this.plan = planBronzeMerge(spec);
  }

  /** Creates the bronze and bookkeeping tables if missing. */
  static async create(
    connection: DuckDBConnection,
    spec: PipelineSpec,
    options: { table?: string; schemaDrift?: SchemaDriftPolicy } = {},
  ): Promise<DuckDbBronzeReplay> {
    const replay = new DuckDbBronzeReplay(
      connection,
      spec,
      options.table ?? spec.bronze.table,
      options.schemaDrift ?? spec.schemaDrift,
    );
    await replay.ensureTables();
    return replay;
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
      )} (target VARCHAR NOT NULL, file VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, PRIMARY KEY (target, file))`,
    );
  }

  /** The names of the files already applied to this bronze table. */
  async appliedFiles(): Promise<Set<string>> {
    const reader = await this.connection.runAndReadAll(
      `SELECT file FROM ${q(APPLIED_FILES_TABLE)} WHERE target = ${lit(
        this.table,
      )}`,
    );
    return new Set(reader.getRowObjectsJS().map(r => String(r.file)));
  }

  /**
   * Applies the files not applied yet as one batch (one merge), like one run of the Spark job.
   * Either the merge and the file records commit together, or nothing changes.
   */
  async apply(files: LandingFile[]): Promise<ReplayBatchResult> {
    const done = await this.appliedFiles();
    const pending = files.filter(f => !done.has(f.name));
    const skippedFiles = files.filter(f => done.has(f.name)).map(f => f.name);
    if (pending.length === 0) {
      return { appliedFiles: [], skippedFiles, changeRows: 0 };
    }
    await this.connection.run(`DROP TABLE IF EXISTS ${q(RAW_TABLE)}`);
    await this.connection.run(
      `CREATE TEMP TABLE ${q(RAW_TABLE)} (${[
        ...this.spec.columns.map(c => `${q(c.sourceName)} VARCHAR`),
        `${q(CHANGE_COLUMNS.op)} VARCHAR`,
        `${q(CHANGE_COLUMNS.commitTs)} VARCHAR`,
        `${q(CHANGE_COLUMNS.changeSeq)} VARCHAR`,
        `${q(CHANGE_COLUMNS.file)} VARCHAR`,
        `${q(CHANGE_COLUMNS.row)} BIGINT`,
      ].join(', ')})`,
    );
    for (const file of pending) {
      await this.loadRaw(file);
    }
    await this.connection.run(`BEGIN TRANSACTION`);
    try {
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE ${q(
          CHANGES_TABLE,
        )} AS ${renderChangeProjection(this.plan, 'duckdb', q(RAW_TABLE))}`,
      );
      await this.assertKeysPresent();
      await this.connection.run(
        renderBronzeMerge(this.plan, 'duckdb', [this.table], q(CHANGES_TABLE)),
      );
      await this.connection.run(
        `INSERT INTO ${q(APPLIED_FILES_TABLE)} VALUES ${pending
          .map(f => `(${lit(this.table)}, ${lit(f.name)}, now()::TIMESTAMP)`)
          .join(', ')}`,
      );
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
    };
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

  private async loadRaw(file: LandingFile): Promise<void> {
    const cdc = file.phase === 'cdc';
    const { timestampColumn, sequenceColumn } = this.spec.cdc;
    try {
      if (this.spec.source.format === 'parquet') {
        await this.loadParquet(file, cdc, timestampColumn, sequenceColumn);
      } else {
        await this.loadCsv(file, cdc, timestampColumn, sequenceColumn);
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
    const known = new Set([
      ...this.spec.columns.map(c => c.sourceName),
      'Op',
      'file_row_number',
      ...(timestampColumn ? [timestampColumn] : []),
      ...(sequenceColumn ? [sequenceColumn] : []),
    ]);
    const unknown = [...present].filter(c => !known.has(c));
    if (unknown.length > 0 && this.schemaDrift === 'fail') {
      throw new InputError(
        `${file.name} has columns the table spec does not know: ${unknown.join(
          ', ',
        )} (schema drift policy 'fail')`,
      );
    }
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
    ];
    await this.connection.run(
      `INSERT INTO ${q(RAW_TABLE)} SELECT ${select.join(', ')} FROM ${source}`,
    );
  }

  /**
   * DMS CSV files have no header: `Op` first in CDC files, then the timestamp column when configured,
   * then the table columns, then the change-sequence column (DMS appends added columns). An empty
   * unquoted field is NULL and `""` is an empty string.
   */
  private async loadCsv(
    file: LandingFile,
    cdc: boolean,
    timestampColumn?: string,
    sequenceColumn?: string,
  ): Promise<void> {
    const layout: { name: string; target: string | undefined }[] = [
      ...(cdc ? [{ name: '_op', target: CHANGE_COLUMNS.op }] : []),
      ...(timestampColumn
        ? [{ name: '_ts', target: CHANGE_COLUMNS.commitTs }]
        : []),
      ...this.spec.columns.map((c, i) => ({
        name: `_c${i}`,
        target: c.sourceName,
      })),
      ...(sequenceColumn
        ? [{ name: '_seq', target: CHANGE_COLUMNS.changeSeq }]
        : []),
    ];
    const columns = `{${layout
      .map(l => `${lit(l.name)}: 'VARCHAR'`)
      .join(', ')}}`;
    const source = `read_csv(${lit(
      file.absolutePath,
    )}, header = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, auto_detect = false, strict_mode = true, columns = ${columns}) WITH ORDINALITY`;
    const valueOf = (target: string) => {
      const entry = layout.find(l => l.target === target);
      return entry ? q(entry.name) : 'NULL';
    };
    const select = [
      ...this.spec.columns.map(c => valueOf(c.sourceName)),
      cdc ? valueOf(CHANGE_COLUMNS.op) : `'I'`,
      cdc ? valueOf(CHANGE_COLUMNS.commitTs) : 'NULL',
      cdc ? valueOf(CHANGE_COLUMNS.changeSeq) : 'NULL',
      lit(file.name),
      'ordinality - 1',
    ];
    await this.connection.run(
      `INSERT INTO ${q(RAW_TABLE)} SELECT ${select.join(', ')} FROM ${source}`,
    );
  }

  /**
   * The bronze rows without change metadata, sorted by key, as plain JavaScript values.
   */
  async rows(): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(
      this.selectSourceColumns(),
    );
    return reader.getRowObjectsJS();
  }

  /** The bronze rows without change metadata, sorted by key, with every value as DuckDB prints it. */
  async rowsJson(): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(
      this.selectSourceColumns(),
    );
    return reader.getRowObjectsJson();
  }

  /** Writes the bronze table as CSV with a header, sorted by key. */
  async exportCsv(outFile: string, withMetadata = false): Promise<void> {
    await this.connection.run(
      `COPY (${this.selectSourceColumns(withMetadata)}) TO ${lit(
        outFile,
      )} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"')`,
    );
  }

  private selectSourceColumns(withMetadata = false): string {
    const columns = [
      ...this.plan.columns,
      ...(withMetadata ? this.plan.metadataColumns : []),
    ].map(c => q(c.name));
    return `SELECT ${columns.join(', ')} FROM ${q(
      this.table,
    )} ORDER BY ${this.plan.key.map(q).join(', ')}`;
  }
}
