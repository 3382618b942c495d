/**
 * A column of the source table as the bronze layer stores it.
 *
 * @public
 */
export type PipelineColumn = {
  /** The MySQL column name, as it appears in the landing files. */
  sourceName: string;
  /** The MySQL `COLUMN_TYPE`, e.g. `bigint(20) unsigned`. */
  mysqlType: string;
  /** The Glue/Iceberg column name (lower snake case). */
  name: string;
  /** The Iceberg type, normally from `mapMysqlColumnType`. */
  icebergType: string;
  /** The Spark SQL type matching `icebergType`. */
  sparkType: string;
  /** The DuckDB type matching `icebergType`, used by the local replay and tests. */
  duckdbType: string;
  nullable: boolean;
};

/**
 * How one bronze column becomes a silver column.
 *
 * @public
 */
export type SilverColumn = {
  /** The bronze column name. */
  source: string;
  /** The silver column name (lower snake case; a user rename or the bronze name). */
  name: string;
  /** A Spark SQL type to cast to, e.g. `boolean`, `decimal(12,2)`; omitted keeps the bronze type. */
  cast?: string;
  /** Trim surrounding whitespace (string columns). */
  trim?: boolean;
  /** Values turned into NULL after trimming, e.g. `''`, `'N/A'`. */
  nullValues?: string[];
};

/**
 * A gold table computed from silver tables by a user's SQL.
 *
 * @public
 */
export type GoldTableSpec = {
  table: string;
  location: string;
  /** A `SELECT` over silver tables, written with fully qualified names. */
  sql: string;
  /** The upstream tables, recorded in the table parameters for lineage. */
  upstream: string[];
};

/**
 * What to do when the landing files carry columns the spec does not know (the source table gained
 * them after the pipeline was made; DMS appends them): stop the batch (`fail`), drop them (`ignore`),
 * or add them to the bronze and silver tables with an Iceberg schema update and replicate them
 * (`evolve`, Parquet landing only: CSV files have no header to name them).
 *
 * @public
 */
export type SchemaDriftPolicy = 'fail' | 'ignore' | 'evolve';

/**
 * The schema drift policies, in the order the form offers them.
 *
 * @public
 */
export const SCHEMA_DRIFT_POLICIES: readonly SchemaDriftPolicy[] = [
  'fail',
  'ignore',
  'evolve',
];

/**
 * One Iceberg table of a layer.
 *
 * @public
 */
export type LayerTable = {
  database: string;
  table: string;
  location: string;
};

/**
 * Everything needed to generate and run the bronze, silver and gold jobs of one source table.
 * Built from the inspection report of the MySQL source plus the user's choices.
 *
 * @public
 */
export type PipelineSpec = {
  source: {
    /** MySQL schema (database) name, the `<schema>` folder of the DMS layout. */
    schema: string;
    /** MySQL table name, the `<table>` folder of the DMS layout. */
    table: string;
    /**
     * Landing root, the DMS endpoint's bucket and `BucketFolder`, e.g. `s3://landing/dms`: every file
     * of the table is under `<landingPath>/<schema>/<table>/`.
     */
    landingPath: string;
    format: 'parquet' | 'csv';
  };
  /** Bronze column names forming the merge key (the source primary key). */
  key: string[];
  columns: PipelineColumn[];
  /**
   * Extra ordering columns DMS adds to CDC rows: the commit timestamp (`TimestampColumnName`) and
   * optionally the change sequence (`$AR_H_CHANGE_SEQ` added by a transformation rule).
   */
  cdc: {
    timestampColumn?: string;
    sequenceColumn?: string;
  };
  bronze: LayerTable;
  silver: LayerTable & {
    columns: SilverColumn[];
  };
  gold: (GoldTableSpec & { database: string })[];
  schemaDrift: SchemaDriftPolicy;
  /** Table properties and maintenance. */
  table: {
    writeMode: 'merge-on-read' | 'copy-on-write';
    snapshotRetentionDays: number;
    orphanFileRetentionDays: number;
  };
  /** An EventBridge schedule expression, e.g. `rate(1 hour)`. */
  schedule?: string;
};
