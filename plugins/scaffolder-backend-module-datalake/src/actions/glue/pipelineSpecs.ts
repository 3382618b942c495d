/*
 * Turns the template input shared by the pipeline actions (the source inspection report, the chosen
 * tables, silver options and gold tables) into one `PipelineSpec` per source table, with the
 * databases and locations from config. Every action derives the same names from the same input, so
 * the tables, jobs and state machine of one pipeline always agree.
 */
import { InputError } from '@backstage/errors';
import {
  PipelineSpec,
  SchemaDriftPolicy,
  SourceInspectionReport,
  SourceTable,
  toGlueName,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  buildPipelineSpec,
  MysqlDdlTable,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { CHANGE_SEQUENCE_COLUMN } from '../dms/tableMappings';
import { LANDING_TIMESTAMP_COLUMN } from '../dms/createEndpoints';
import { layerDatabase, PipelineConfig, tableLocation } from './pipelineConfig';

/**
 * An Iceberg partition field of a table: a column and a transform (`identity`, `year`, `month`,
 * `day`, `hour`, `bucket[N]`, `truncate[W]`).
 *
 * @public
 */
export type PartitionFieldInput = { column: string; transform: string };

/**
 * A gold table of the pipeline as the template gives it.
 *
 * @public
 */
export type GoldTableInput = {
  table: string;
  /** One `SELECT` over silver tables. */
  sql: string;
  /** Source table names whose silver tables the SQL reads. */
  upstream: string[];
  columns: { name: string; type: string }[];
  partitionBy?: PartitionFieldInput[];
};

/**
 * The template input every pipeline action takes.
 *
 * @public
 */
export type PipelineInput = {
  sourceId: string;
  inspection: Record<string, unknown>;
  tables?: string[];
  format?: 'parquet' | 'csv';
  schemaDrift?: SchemaDriftPolicy;
  silverRenames?: Record<string, Record<string, string>>;
  silverCasts?: Record<string, Record<string, string>>;
  silverPartitionBy?: Record<string, PartitionFieldInput[]>;
  gold?: GoldTableInput[];
  schedule?: string;
};

/** A gold table resolved to its database and location. @public */
export type ResolvedGoldTable = GoldTableInput & {
  database: string;
  location: string;
  /** The silver tables it reads, `<database>.<table>`. */
  upstreamTables: string[];
};

/** Everything the actions build from a {@link PipelineInput}. @public */
export type ResolvedPipeline = {
  sourceId: string;
  /** Name of the Step Functions state machine, recorded on every table. */
  pipelineName: string;
  specs: PipelineSpec[];
  gold: ResolvedGoldTable[];
  /** Silver partitioning by Glue table name. */
  silverPartitionBy: Record<string, PartitionFieldInput[]>;
};

/** Glue/Iceberg identifiers: lower snake case. */
export const GLUE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;
const PARTITION_TRANSFORM =
  /^(identity|year|month|day|hour|void|bucket\[\d+\]|truncate\[\d+\])$/;

/** The name of a source's state machine; derived so that every action and retry agrees. @public */
export function pipelineNameOf(sourceId: string): string {
  return `datalake-${sourceId}`;
}

function asDdlTable(
  report: SourceInspectionReport,
  table: SourceTable,
): MysqlDdlTable {
  if (!Array.isArray(table.columns)) {
    throw new InputError(`inspection table '${table.name}' has no columns`);
  }
  return {
    schema: report.database,
    name: table.name,
    columns: table.columns.map(c => ({
      name: c.name,
      columnType: c.mysqlType,
      nullable: c.nullable,
    })),
    primaryKey: table.primaryKey?.columns ?? [],
    uniqueKeys: (table.uniqueKeys ?? []).map(k => k.columns),
  };
}

function checkPartitions(
  fields: PartitionFieldInput[],
  columns: string[],
  where: string,
) {
  for (const field of fields) {
    if (!columns.includes(field.column)) {
      throw new InputError(
        `${where}: partition column '${field.column}' is not a column of the table`,
      );
    }
    if (!PARTITION_TRANSFORM.test(field.transform)) {
      throw new InputError(
        `${where}: '${field.transform}' is not an Iceberg partition transform`,
      );
    }
  }
}

/**
 * Builds the pipeline of a source from the template input: one spec per chosen table (the tables of
 * the report when none are chosen) and the gold tables.
 *
 * @public
 */
export function resolvePipeline(
  input: PipelineInput,
  config: PipelineConfig,
): ResolvedPipeline {
  const report = input.inspection as unknown as SourceInspectionReport;
  if (typeof report?.database !== 'string' || !Array.isArray(report.tables)) {
    throw new InputError(
      'inspection is not a report of datalake:mysql:source:inspect (database and tables are required)',
    );
  }
  const wanted = input.tables ?? report.tables.map(t => t.name);
  if (wanted.length === 0) {
    throw new InputError('the pipeline has no tables');
  }
  const databases = {
    bronze: layerDatabase(config, 'bronze', input.sourceId),
    silver: layerDatabase(config, 'silver', input.sourceId),
    gold: layerDatabase(config, 'gold', input.sourceId),
  };
  for (const db of Object.values(databases)) {
    if (!GLUE_IDENTIFIER.test(db)) {
      throw new InputError(`'${db}' is not a valid Glue database name`);
    }
  }
  const landingPath = `s3://${config.landing.bucket}/${config.landing.folder}/${input.sourceId}`;
  const specs = wanted.map(name => {
    const table = report.tables.find(t => t.name === name);
    if (!table) {
      throw new InputError(
        `table '${name}' is not in the inspection report of '${report.database}'`,
      );
    }
    const glueName = toGlueName(name);
    const spec = buildPipelineSpec(asDdlTable(report, table), {
      landingPath,
      format: input.format ?? 'parquet',
      ...(input.schemaDrift ? { schemaDrift: input.schemaDrift } : {}),
      databases,
      timestampColumn: LANDING_TIMESTAMP_COLUMN,
      sequenceColumn: CHANGE_SEQUENCE_COLUMN,
      silverRenames:
        input.silverRenames?.[name] ?? input.silverRenames?.[glueName],
      silverCasts: input.silverCasts?.[name] ?? input.silverCasts?.[glueName],
      ...(input.schedule ? { schedule: input.schedule } : {}),
    });
    spec.bronze.location = tableLocation(
      config,
      'bronze',
      databases.bronze,
      spec.bronze.table,
    );
    spec.silver.location = tableLocation(
      config,
      'silver',
      databases.silver,
      spec.silver.table,
    );
    spec.table = { ...spec.table, ...config.table };
    return spec;
  });
  const silverPartitionBy: Record<string, PartitionFieldInput[]> = {};
  for (const [name, fields] of Object.entries(input.silverPartitionBy ?? {})) {
    const spec = specs.find(
      s => s.source.table === name || s.silver.table === name,
    );
    if (!spec) {
      throw new InputError(
        `silverPartitionBy names '${name}', which is not a pipeline table`,
      );
    }
    checkPartitions(
      fields,
      spec.silver.columns.map(c => c.name),
      `silver table ${spec.silver.table}`,
    );
    silverPartitionBy[spec.silver.table] = fields;
  }
  const gold = (input.gold ?? []).map(g => {
    if (!GLUE_IDENTIFIER.test(g.table)) {
      throw new InputError(
        `gold table name '${g.table}' must be lower snake case`,
      );
    }
    if (g.columns.length === 0) {
      throw new InputError(`gold table '${g.table}' needs its columns`);
    }
    const upstreamTables = g.upstream.map(u => {
      const spec = specs.find(
        s => s.source.table === u || s.silver.table === u,
      );
      if (!spec) {
        throw new InputError(
          `gold table '${g.table}' reads '${u}', which is not a pipeline table`,
        );
      }
      return `${spec.silver.database}.${spec.silver.table}`;
    });
    checkPartitions(
      g.partitionBy ?? [],
      g.columns.map(c => c.name),
      `gold table ${g.table}`,
    );
    return {
      ...g,
      database: databases.gold,
      location: tableLocation(config, 'gold', databases.gold, g.table),
      upstreamTables,
    };
  });
  const names = new Set<string>();
  for (const g of gold) {
    if (names.has(g.table))
      throw new InputError(`gold table '${g.table}' is given twice`);
    names.add(g.table);
  }
  return {
    sourceId: input.sourceId,
    pipelineName: pipelineNameOf(input.sourceId),
    specs,
    gold,
    silverPartitionBy,
  };
}

/**
 * The spec a gold job renders from: the first upstream table's spec carrying just this gold table.
 *
 * @public
 */
export function goldJobSpec(
  pipeline: ResolvedPipeline,
  gold: ResolvedGoldTable,
): PipelineSpec {
  const first = gold.upstreamTables[0];
  const base =
    pipeline.specs.find(
      s => `${s.silver.database}.${s.silver.table}` === first,
    ) ?? pipeline.specs[0];
  return {
    ...base,
    silver: { ...base.silver, table: gold.table },
    gold: [
      {
        table: gold.table,
        database: gold.database,
        location: gold.location,
        sql: gold.sql,
        upstream: gold.upstreamTables,
      },
    ],
  };
}
