import fs from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@backstage/errors';
import { SchemaDriftPolicy } from '@datalake-portal/backstage-plugin-datalake-common';
import { buildPipelineSpec } from '../sql/buildPipelineSpec';
import { parseMysqlDdl } from '../sql/mysqlDdl';
import { DuckDbBronzeReplay, ReplayBatchResult } from './DuckDbBronzeReplay';
import { findLandingSchema, listLandingFiles } from './landingFiles';

/**
 * Options of a local replay.
 *
 * @public
 */
export type ReplayOptions = {
  ddlFile: string;
  landingDir: string;
  format: 'csv' | 'parquet';
  outFile: string;
  table?: string;
  schema?: string;
  timestampColumn?: string;
  sequenceColumn?: string;
  /** A DuckDB database file kept between runs; in memory when omitted. */
  databaseFile?: string;
  schemaDrift?: SchemaDriftPolicy;
  withMetadata?: boolean;
};

/**
 * What a replay did.
 *
 * @public
 */
export type ReplayResult = ReplayBatchResult & {
  table: string;
  rows: number;
};

function onlyTable<T>(tables: T[]): T | undefined {
  return tables.length === 1 ? tables[0] : undefined;
}

/**
 * Replays a DMS landing folder into a DuckDB bronze table and writes it as CSV: reads the MySQL
 * `CREATE TABLE` for columns, types and key, applies the full-load then CDC files with the generated
 * DuckDB SQL, and exports the result sorted by key.
 *
 * @public
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const ddl = await fs.readFile(options.ddlFile, 'utf8').catch(e => {
    throw new InputError(
      `cannot read DDL file ${options.ddlFile}: ${e.message}`,
    );
  });
  const tables = parseMysqlDdl(ddl);
  if (tables.length === 0) {
    throw new InputError(`${options.ddlFile} holds no CREATE TABLE statement`);
  }
  const table = options.table
    ? tables.find(t => t.name === options.table)
    : onlyTable(tables);
  if (!table) {
    throw new InputError(
      options.table
        ? `${options.ddlFile} has no table '${options.table}'`
        : `${options.ddlFile} defines ${tables.length} tables (${tables
            .map(t => t.name)
            .join(', ')}); pass --table`,
    );
  }
  const schema =
    options.schema ?? (await findLandingSchema(options.landingDir, table.name));
  const spec = buildPipelineSpec(table, {
    schema,
    landingPath: options.landingDir,
    format: options.format,
    timestampColumn: options.timestampColumn,
    sequenceColumn: options.sequenceColumn,
    schemaDrift: options.schemaDrift,
  });
  const files = await listLandingFiles(
    options.landingDir,
    schema,
    table.name,
    options.format,
  );
  if (files.length === 0) {
    throw new InputError(
      `no .${options.format} files for ${schema}.${table.name} under ${options.landingDir}`,
    );
  }
  const instance = await DuckDBInstance.create(
    options.databaseFile ?? ':memory:',
  );
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const replay = await DuckDbBronzeReplay.create(connection, spec);
    const result = await replay.apply(files);
    await replay.exportCsv(options.outFile, options.withMetadata);
    const rows = (await replay.rows()).length;
    return { ...result, table: spec.bronze.table, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
