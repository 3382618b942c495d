import { DuckDBConnection } from '@duckdb/node-api';
import { InputError, assertError } from '@backstage/errors';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { quoteIdentifier, quoteTableName } from '../sql/dialect';
import {
  SILVER_CHANGE_COLUMNS,
  SilverMergePlan,
  planSilverMerge,
  renderSilverCastCheck,
  renderSilverMerge,
  silverCastFailureMessage,
} from '../sql/silverMerge';

const q = (name: string) => quoteIdentifier(name, 'duckdb');
const CHANGES_TABLE = '_dl_bronze_changes';

/**
 * What one call to `apply` merged.
 *
 * @public
 */
export type SilverReplayResult = { upserts: number; deletes: number };

/**
 * Merges a DuckDB bronze table (the one `DuckDbBronzeReplay` keeps) into silver with the generated
 * DuckDB SQL: the local stand-in for the bronze → silver Spark job. Like the job, it merges the
 * difference between the bronze rows it merged last time and the current ones, checks every cast
 * first (`renderSilverCastCheck`) and fails with the job's message on a value that does not fit; the
 * merge and the record of what was merged commit together, or nothing changes.
 *
 * @public
 */
export class DuckDbSilverReplay {
  private readonly plan: SilverMergePlan;
  private readonly target: string[];
  /** The bronze rows as of the last merge, the `start` snapshot of the Spark job. */
  private readonly merged: string;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly spec: PipelineSpec,
    private readonly bronzeTable: string,
  ) {
    this.plan = planSilverMerge(spec);
    this.target = [spec.silver.database, spec.silver.table];
    this.merged = quoteTableName(
      [spec.silver.database, `_dl_merged_${spec.silver.table}`],
      'duckdb',
    );
  }

  /** Creates the silver table (in a schema named after the silver database) if missing. */
  static async create(
    connection: DuckDBConnection,
    spec: PipelineSpec,
    options: { bronzeTable?: string } = {},
  ): Promise<DuckDbSilverReplay> {
    const replay = new DuckDbSilverReplay(
      connection,
      spec,
      options.bronzeTable ?? spec.bronze.table,
    );
    await replay.ensureTables();
    return replay;
  }

  private async ensureTables(): Promise<void> {
    const duckdbType = new Map(
      this.spec.columns.map(c => [c.name, c.duckdbType]),
    );
    const columns = this.plan.columns
      .map(c => `${q(c.name)} ${c.cast?.duckdb ?? duckdbType.get(c.source)}`)
      .join(', ');
    await this.connection.run(
      `CREATE SCHEMA IF NOT EXISTS ${q(this.spec.silver.database)}`,
    );
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS ${quoteTableName(
        this.target,
        'duckdb',
      )} (${columns}, PRIMARY KEY (${this.plan.key.map(q).join(', ')}))`,
    );
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS ${this.merged} AS SELECT * FROM ${q(
        this.bronzeTable,
      )} WHERE false`,
    );
  }

  /** Merges what changed in bronze since the last call. */
  async apply(): Promise<SilverReplayResult> {
    const bronze = q(this.bronzeTable);
    const keyMatch = this.spec.key
      .map(k => `m.${q(k)} = b.${q(k)}`)
      .join(' AND ');
    const deleted = q(SILVER_CHANGE_COLUMNS.deleted);
    const ordinal = q(SILVER_CHANGE_COLUMNS.ordinal);
    await this.connection.run('BEGIN TRANSACTION');
    try {
      // The same change relation as the Spark job's: new or changed rows, and the old image of
      // keys that are gone.
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE ${q(CHANGES_TABLE)} AS
         SELECT *, false AS ${deleted}, 0 AS ${ordinal}
         FROM (SELECT * FROM ${bronze} EXCEPT SELECT * FROM ${this.merged})
         UNION ALL BY NAME
         SELECT m.*, true AS ${deleted}, 0 AS ${ordinal}
         FROM ${this.merged} AS m
         WHERE NOT EXISTS (SELECT 1 FROM ${bronze} AS b WHERE ${keyMatch})`,
      );
      const check = renderSilverCastCheck(
        this.plan,
        'duckdb',
        q(CHANGES_TABLE),
      );
      if (check) {
        const failure = (
          await this.connection.runAndReadAll(check)
        ).getRowObjectsJS()[0];
        if (failure) {
          throw new InputError(
            silverCastFailureMessage(
              `${this.spec.silver.database}.${this.spec.silver.table}`,
              this.plan,
              failure,
            ),
          );
        }
      }
      const counts = (
        await this.connection.runAndReadAll(
          `SELECT count(*) FILTER (WHERE NOT ${deleted}) AS upserts, count(*) FILTER (WHERE ${deleted}) AS deletes FROM ${q(
            CHANGES_TABLE,
          )}`,
        )
      ).getRowObjectsJS()[0];
      await this.connection.run(
        renderSilverMerge(this.plan, 'duckdb', this.target, q(CHANGES_TABLE)),
      );
      await this.connection.run(`DELETE FROM ${this.merged}`);
      await this.connection.run(
        `INSERT INTO ${this.merged} SELECT * FROM ${bronze}`,
      );
      await this.connection.run(`DROP TABLE ${q(CHANGES_TABLE)}`);
      await this.connection.run('COMMIT');
      return {
        upserts: Number(counts.upserts),
        deletes: Number(counts.deletes),
      };
    } catch (e) {
      assertError(e);
      await this.connection.run('ROLLBACK');
      throw e;
    }
  }

  /** The silver rows sorted by key, with every value as DuckDB prints it. */
  async rowsJson(): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(
      `SELECT ${this.plan.columns
        .map(c => q(c.name))
        .join(', ')} FROM ${quoteTableName(
        this.target,
        'duckdb',
      )} ORDER BY ${this.plan.key.map(q).join(', ')}`,
    );
    return reader.getRowObjectsJson();
  }
}
