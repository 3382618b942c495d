/*
 * The Iceberg table definitions of a pipeline (bronze, silver and gold) and their Glue
 * `CreateTable` input: Glue columns (Hive type names, as Iceberg's GlueCatalog writes them) plus
 * `OpenTableFormatInput.IcebergInput` with the Iceberg schema, partition spec and properties.
 */
import { CreateTableCommandInput } from '@aws-sdk/client-glue';
import { InputError } from '@backstage/errors';
import {
  DATALAKE_TABLE_PARAMETERS,
  formatUpstreamParameter,
  PipelineSpec,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  bronzeTableColumns,
  planBronzeMerge,
  planSilverMerge,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { LakeLayer, PipelineConfig } from './pipelineConfig';
import { PartitionFieldInput, ResolvedPipeline } from './pipelineSpecs';

/**
 * One Iceberg table the pipeline writes.
 *
 * @public
 */
export type IcebergTableDefinition = {
  layer: LakeLayer;
  database: string;
  table: string;
  location: string;
  columns: { name: string; icebergType: string; required: boolean }[];
  /** Columns identifying a row (the merge key); none for gold tables. */
  identifierColumns: string[];
  partitionBy: PartitionFieldInput[];
  /** The Glue parameters the catalog sync reads. */
  parameters: Record<string, string>;
};

const SPARK_TO_ICEBERG: Record<string, string> = {
  boolean: 'boolean',
  tinyint: 'int',
  smallint: 'int',
  int: 'int',
  integer: 'int',
  bigint: 'long',
  long: 'long',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamptz',
  timestamp_ntz: 'timestamp',
};

/** The Iceberg type of a Spark SQL type (as casts and gold columns are written). @public */
export function sparkTypeToIceberg(sparkType: string): string {
  const type = sparkType.trim().toLowerCase();
  const decimal = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const simple =
    SPARK_TO_ICEBERG[type.replace(/^(var)?char\(\d+\)$/, 'string')];
  if (!simple) {
    throw new InputError(
      `'${sparkType}' is not a Spark SQL type an Iceberg column can have`,
    );
  }
  return simple;
}

/** The Glue (Hive) type name Iceberg's GlueCatalog writes for an Iceberg type. @public */
export function icebergTypeToGlue(icebergType: string): string {
  if (icebergType === 'long') return 'bigint';
  if (icebergType === 'timestamptz') return 'timestamp';
  return icebergType;
}

function commonParameters(
  pipeline: ResolvedPipeline,
  owner: string,
  layer: LakeLayer,
  upstream: string,
): Record<string, string> {
  return {
    [DATALAKE_TABLE_PARAMETERS.layer]: layer,
    [DATALAKE_TABLE_PARAMETERS.owner]: owner,
    [DATALAKE_TABLE_PARAMETERS.upstream]: upstream,
    [DATALAKE_TABLE_PARAMETERS.source]: pipeline.sourceId,
    [DATALAKE_TABLE_PARAMETERS.pipeline]: pipeline.pipelineName,
  };
}

function bronzeTable(
  pipeline: ResolvedPipeline,
  spec: PipelineSpec,
  owner: string,
): IcebergTableDefinition {
  const plan = planBronzeMerge(spec);
  const sourceTypes = new Map(spec.columns.map(c => [c.name, c.icebergType]));
  return {
    layer: 'bronze',
    database: spec.bronze.database,
    table: spec.bronze.table,
    location: spec.bronze.location,
    // The `_dl_*` change columns follow the source columns; bronzeTableColumns keeps that order.
    columns: bronzeTableColumns(plan, 'spark').map(c => ({
      name: c.name,
      icebergType: sourceTypes.get(c.name) ?? sparkTypeToIceberg(c.type),
      required: spec.key.includes(c.name),
    })),
    identifierColumns: spec.key,
    partitionBy: [],
    parameters: commonParameters(
      pipeline,
      owner,
      'bronze',
      formatUpstreamParameter([
        {
          kind: 'mysql',
          sourceId: pipeline.sourceId,
          schema: spec.source.schema,
          table: spec.source.table,
        },
      ]),
    ),
  };
}

function silverTable(
  pipeline: ResolvedPipeline,
  spec: PipelineSpec,
  owner: string,
): IcebergTableDefinition {
  const plan = planSilverMerge(spec);
  const bronzeTypes = new Map(spec.columns.map(c => [c.name, c.icebergType]));
  return {
    layer: 'silver',
    database: spec.silver.database,
    table: spec.silver.table,
    location: spec.silver.location,
    columns: plan.columns.map(c => ({
      name: c.name,
      icebergType: c.cast
        ? sparkTypeToIceberg(c.cast.spark)
        : bronzeTypes.get(c.source)!,
      required: plan.key.includes(c.name),
    })),
    identifierColumns: plan.key,
    partitionBy: pipeline.silverPartitionBy[spec.silver.table] ?? [],
    parameters: commonParameters(
      pipeline,
      owner,
      'silver',
      formatUpstreamParameter([
        {
          kind: 'glue',
          database: spec.bronze.database,
          table: spec.bronze.table,
        },
      ]),
    ),
  };
}

/**
 * Every table of a pipeline: bronze and silver per source table, then the gold tables.
 *
 * @public
 */
export function pipelineTables(
  pipeline: ResolvedPipeline,
  owner: string,
): IcebergTableDefinition[] {
  return [
    ...pipeline.specs.map(spec => bronzeTable(pipeline, spec, owner)),
    ...pipeline.specs.map(spec => silverTable(pipeline, spec, owner)),
    ...pipeline.gold.map(g => ({
      layer: 'gold' as const,
      database: g.database,
      table: g.table,
      location: g.location,
      columns: g.columns.map(c => ({
        name: c.name,
        icebergType: sparkTypeToIceberg(c.type),
        required: false,
      })),
      identifierColumns: [],
      partitionBy: g.partitionBy ?? [],
      parameters: commonParameters(
        pipeline,
        owner,
        'gold',
        formatUpstreamParameter(
          g.upstreamTables.map(u => {
            const [database, table] = u.split('.');
            return { kind: 'glue' as const, database, table };
          }),
        ),
      ),
    })),
  ];
}

/**
 * The table property naming the merge key (the source's primary key), on every keyed table.
 *
 * @public
 */
export const MERGE_KEY_PROPERTY = 'datalake.merge-key';

/**
 * The merge key as Iceberg identifier fields, on copy-on-write tables only. Iceberg 1.6 and 1.7
 * (Glue 5.0 runs 1.7.1) fail every merge-on-read MERGE, UPDATE and DELETE of a table with
 * identifier fields ("Cannot add fieldId 1 as an identifier field: field does not exist",
 * apache/iceberg#11709), which our jobs showed when they first ran; the key stays in
 * {@link MERGE_KEY_PROPERTY} for every table.
 */
function identifierFields(
  definition: IcebergTableDefinition,
  config: PipelineConfig,
): string[] {
  return config.table.writeMode === 'copy-on-write'
    ? definition.identifierColumns
    : [];
}

/** The Iceberg table properties of every pipeline table. @public */
export function icebergProperties(
  config: PipelineConfig,
): Record<string, string> {
  const mode = config.table.writeMode;
  return {
    'format-version': '2',
    'write.delete.mode': mode,
    'write.update.mode': mode,
    'write.merge.mode': mode,
    'write.parquet.compression-codec': 'zstd',
    'history.expire.max-snapshot-age-ms': String(
      config.table.snapshotRetentionDays * 24 * 3600 * 1000,
    ),
  };
}

/**
 * The Glue `CreateTable` input of a table: Glue columns for readers of the Glue schema (Athena,
 * the catalog sync) and the Iceberg schema, partition spec and properties Glue writes into the
 * table's first `metadata.json`.
 *
 * @public
 */
export function createTableInput(
  definition: IcebergTableDefinition,
  config: PipelineConfig,
): CreateTableCommandInput {
  const fieldId = new Map(definition.columns.map((c, i) => [c.name, i + 1]));
  return {
    DatabaseName: definition.database,
    TableInput: {
      Name: definition.table,
      TableType: 'EXTERNAL_TABLE',
      Parameters: definition.parameters,
      StorageDescriptor: {
        Location: definition.location,
        Columns: definition.columns.map(c => ({
          Name: c.name,
          Type: icebergTypeToGlue(c.icebergType),
        })),
      },
    },
    OpenTableFormatInput: {
      IcebergInput: {
        MetadataOperation: 'CREATE',
        Version: '2',
        CreateIcebergTableInput: {
          Location: definition.location,
          Schema: {
            SchemaId: 0,
            Type: 'struct',
            Fields: definition.columns.map(c => ({
              Id: fieldId.get(c.name)!,
              Name: c.name,
              Type: c.icebergType,
              Required: c.required,
            })),
            IdentifierFieldIds: identifierFields(definition, config).map(
              k => fieldId.get(k)!,
            ),
          },
          PartitionSpec: {
            SpecId: 0,
            Fields: definition.partitionBy.map((p, i) => ({
              SourceId: fieldId.get(p.column)!,
              Transform: p.transform,
              Name:
                p.transform === 'identity'
                  ? p.column
                  : `${p.column}_${p.transform.replace(/\[.*$/, '')}`,
              FieldId: 1000 + i,
            })),
          },
          Properties: {
            ...icebergProperties(config),
            ...(definition.identifierColumns.length > 0
              ? { [MERGE_KEY_PROPERTY]: definition.identifierColumns.join(',') }
              : {}),
          },
        },
      },
    },
  };
}
