import { DuckDBConnection } from '@duckdb/node-api';
import { InputError, assertError } from '@backstage/errors';
import { PipelineSpec } from '@datalake-portal/backstage-plugin-datalake-common';
import { bronzeTableColumns, planBronzeMerge } from '../sql/bronzeMerge';
import { quoteIdentifier, quoteTableName } from '../sql/dialect';
import { EvolvedColumn, expandEvolvedColumns } from '../sql/evolvedColumns';
import {
  SILVER_CHANGE_COLUMNS,
  SilverMergePlan,
  evolvedColumnCollisionMessage,
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

  /** The name and DuckDB type of each column of a table. */
  private async describe(
    table: string,
  ): Promise<{ name: string; type: string }[]> {
    const reader = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM ${table}`,
    );
    return reader.getRowObjectsJS().map(r => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
  }

  /**
   * Schema drift policy `evolve`, as the Spark job applies it (`evolve_silver`): the columns bronze
   * gained are added to silver under their bronze names and types, and to the record of merged rows
   * (NULL in the rows merged before, as the job reads an older snapshot). Returns them.
   */
  private async evolve(): Promise<EvolvedColumn[]> {
    if (!this.plan.evolve) return [];
    const known = new Set(
      bronzeTableColumns(planBronzeMerge(this.spec), 'duckdb').map(c => c.name),
    );
    const evolved = (await this.describe(q(this.bronzeTable))).filter(
      c => !known.has(c.name),
    );
    const silver = quoteTableName(this.target, 'duckdb');
    const inSilver = new Set((await this.describe(silver)).map(c => c.name));
    const merged = new Set((await this.describe(this.merged)).map(c => c.name));
    for (const column of evolved) {
      if (this.plan.columns.some(c => c.name === column.name)) {
        throw new InputError(
          evolvedColumnCollisionMessage(
            `${this.spec.silver.database}.${this.spec.silver.table}`,
            column.name,
          ),
        );
      }
      if (!inSilver.has(column.name)) {
        await this.connection.run(
          `ALTER TABLE ${silver} ADD COLUMN ${q(column.name)} ${column.type}`,
        );
      }
      if (!merged.has(column.name)) {
        await this.connection.run(
          `ALTER TABLE ${this.merged} ADD COLUMN ${q(column.name)} ${
            column.type
          }`,
        );
      }
    }
    return evolved.map(c => ({ name: c.name, text: c.type === 'VARCHAR' }));
  }

  /** Merges what changed in bronze since the last call. */
  async apply(): Promise<SilverReplayResult> {
    const evolved = await this.evolve();
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
        expandEvolvedColumns(
          renderSilverMerge(this.plan, 'duckdb', this.target, q(CHANGES_TABLE)),
          evolved,
          'duckdb',
        ),
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

  /**
   * The silver rows sorted by key, with every value as DuckDB prints it: the plan's columns, then
   * those added under schema drift policy `evolve`.
   */
  async rowsJson(): Promise<Record<string, unknown>[]> {
    const silver = quoteTableName(this.target, 'duckdb');
    const planned = this.plan.columns.map(c => c.name);
    const columns = [
      ...planned,
      ...(await this.describe(silver))
        .map(c => c.name)
        .filter(name => !planned.includes(name)),
    ];
    const reader = await this.connection.runAndReadAll(
      `SELECT ${columns
        .map(q)
        .join(', ')} FROM ${silver} ORDER BY ${this.plan.key
        .map(q)
        .join(', ')}`,
    );
    return reader.getRowObjectsJson();
  }
}
