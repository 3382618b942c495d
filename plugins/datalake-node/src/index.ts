/**
 * Shared backend library of the data lake plugins: the AWS access layer, MySQL inspection and
 * CDC preflight, pipeline SQL generation (Spark and DuckDB), the local replay, and Iceberg
 * metadata reading.
 *
 * @packageDocumentation
 */

export * from './mysql';
export * from './sql';
export * from './replay';
export * from './aws';
export * from './iceberg';
export * from './catalog';
export * from './audit';
