import { InputError } from '@backstage/errors';
import {
  PipelineColumn,
  PipelineSpec,
  SchemaDriftPolicy,
  mapMysqlColumnType,
  toGlueName,
  toGlueNames,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { MysqlDdlTable, mergeKeyOf } from './mysqlDdl';

/**
 * The user's choices that complete a pipeline spec built from a source table.
 *
 * @public
 */
export type PipelineSpecOptions = {
  landingPath: string;
  format: 'parquet' | 'csv';
  /** MySQL schema name, when the DDL does not qualify the table. */
  schema?: string;
  databases?: { bronze: string; silver: string; gold: string };
  /** Root of the lake bucket, e.g. `s3://lake`; tables go to `<root>/<layer>/<table>`. */
  lakeLocation?: string;
  timestampColumn?: string;
  sequenceColumn?: string;
  /** Silver renames, keyed by bronze column name. */
  silverRenames?: Record<string, string>;
  /** Silver casts (Spark types), keyed by bronze column name. */
  silverCasts?: Record<string, string>;
  schemaDrift?: SchemaDriftPolicy;
  schedule?: string;
  /** Accept type-mapping blockers (the column falls back to its proposed type). */
  allowBlockers?: boolean;
};

/**
 * Builds a pipeline spec from a parsed `CREATE TABLE`: maps every column type, normalises names for
 * Glue, and rejects tables whose names collide after normalisation or that have no usable key.
 *
 * @public
 */
export function buildPipelineSpec(
  table: MysqlDdlTable,
  options: PipelineSpecOptions,
): PipelineSpec {
  const { collisions, names } = toGlueNames(table.columns.map(c => c.name));
  if (collisions.length > 0) {
    throw new InputError(
      `table '${
        table.name
      }': column names collide after normalisation to Glue names: ${collisions
        .map(c => `${c.sources.join(', ')} -> ${c.glueName}`)
        .join('; ')}`,
    );
  }
  const blockers: string[] = [];
  const columns: PipelineColumn[] = table.columns.map((c, index) => {
    const mapped = mapMysqlColumnType(c.columnType);
    for (const note of mapped.notes) {
      if (note.severity === 'blocker') {
        blockers.push(`${c.name}: ${note.message}`);
      }
    }
    return {
      sourceName: c.name,
      mysqlType: c.columnType,
      name: names[index].glueName,
      icebergType: mapped.icebergType,
      sparkType: mapped.sparkType,
      duckdbType: mapped.duckdbType,
      nullable: c.nullable,
    };
  });
  if (blockers.length > 0 && !options.allowBlockers) {
    throw new InputError(
      `table '${
        table.name
      }' has columns the lake cannot store as they are: ${blockers.join('; ')}`,
    );
  }
  const schemaDrift = options.schemaDrift ?? 'fail';
  if (options.format === 'csv' && schemaDrift !== 'fail') {
    // A CSV file has no header (AddColumnName is off): a column DMS appends after an ALTER TABLE is
    // one more field with no name, which can be neither dropped nor added by name.
    throw new InputError(
      `table '${table.name}': schema drift policy '${schemaDrift}' needs the parquet landing format; CSV files name no columns, so only 'fail' applies to them`,
    );
  }
  const glueNameOf = new Map(columns.map(c => [c.sourceName, c.name]));
  const key = mergeKeyOf(table).map(k => glueNameOf.get(k)!);
  const tableName = toGlueName(table.name);
  const schema = options.schema ?? table.schema;
  if (!schema) {
    throw new InputError(
      `the MySQL schema of table '${table.name}' is not known; qualify the table or pass a schema`,
    );
  }
  const databases = options.databases ?? {
    bronze: 'bronze',
    silver: 'silver',
    gold: 'gold',
  };
  const lake = (options.lakeLocation ?? 's3://datalake').replace(/\/+$/, '');
  const renames = options.silverRenames ?? {};
  const casts = options.silverCasts ?? {};
  for (const name of [...Object.keys(renames), ...Object.keys(casts)]) {
    if (!columns.some(c => c.name === name)) {
      throw new InputError(
        `silver option refers to unknown column '${name}' of table '${table.name}'`,
      );
    }
  }
  const silverColumns = columns.map(c => ({
    source: c.name,
    name: toGlueName(renames[c.name] ?? c.name),
    ...(casts[c.name] ? { cast: casts[c.name] } : {}),
    ...(c.icebergType === 'string' ? { trim: true, nullValues: [''] } : {}),
  }));
  const silverCollisions = toGlueNames(
    silverColumns.map(c => c.name),
  ).collisions;
  if (silverCollisions.length > 0) {
    throw new InputError(
      `silver renames of table '${
        table.name
      }' give duplicate names: ${silverCollisions
        .map(c => c.glueName)
        .join(', ')}`,
    );
  }
  return {
    source: {
      schema,
      table: table.name,
      landingPath: options.landingPath,
      format: options.format,
    },
    key,
    columns,
    cdc: {
      ...(options.timestampColumn
        ? { timestampColumn: options.timestampColumn }
        : {}),
      ...(options.sequenceColumn
        ? { sequenceColumn: options.sequenceColumn }
        : {}),
    },
    bronze: {
      database: databases.bronze,
      table: tableName,
      location: `${lake}/bronze/${tableName}`,
    },
    silver: {
      database: databases.silver,
      table: tableName,
      location: `${lake}/silver/${tableName}`,
      columns: silverColumns,
    },
    gold: [],
    schemaDrift,
    table: {
      writeMode: 'merge-on-read',
      snapshotRetentionDays: 7,
      orphanFileRetentionDays: 3,
    },
    ...(options.schedule ? { schedule: options.schedule } : {}),
  };
}
