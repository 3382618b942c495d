import { parseArgs } from 'node:util';
import { InputError } from '@backstage/errors';
import {
  SCHEMA_DRIFT_POLICIES,
  SchemaDriftPolicy,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { runReplay } from './runReplay';

const USAGE = `Usage: yarn datalake replay --ddl FILE --landing DIR --format csv|parquet --out FILE.csv [options]

Applies a DMS landing folder (<schema>/<table>/LOAD* then the CDC files of <schema>/<table>/, in its
date folders too) to a DuckDB bronze table with the generated merge SQL and writes the table as CSV, sorted by key.

Options:
  --ddl FILE               MySQL CREATE TABLE statement(s) giving columns, types and key
  --landing DIR            landing root (the endpoint's bucket and BucketFolder) holding <schema>/<table>/
  --format csv|parquet     landing file format
  --out FILE.csv           where to write the bronze table
  --table NAME             table to replay when the DDL defines several
  --schema NAME            MySQL schema folder (found automatically when unique)
  --timestamp-column NAME  DMS TimestampColumnName (CSV: right after Op)
  --sequence-column NAME   column holding $AR_H_CHANGE_SEQ (CSV: last field)
  --db FILE                keep the DuckDB database in FILE between runs (files are applied once)
  --schema-drift fail|ignore|evolve
                           unknown landing columns: fail (default), ignore, or add them (parquet)
  --with-metadata          also write the _dl_* change metadata columns
`;

/**
 * The `replay` command of `yarn datalake`: parses the arguments, runs the replay and returns the exit
 * code.
 *
 * @public
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ddl: { type: 'string' },
      landing: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      table: { type: 'string' },
      schema: { type: 'string' },
      'timestamp-column': { type: 'string' },
      'sequence-column': { type: 'string' },
      db: { type: 'string' },
      'schema-drift': { type: 'string' },
      'with-metadata': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const missing = ['ddl', 'landing', 'format', 'out'].filter(
    k => !values[k as keyof typeof values],
  );
  if (missing.length > 0) {
    process.stderr.write(
      `missing ${missing.map(m => `--${m}`).join(', ')}\n\n${USAGE}`,
    );
    return 2;
  }
  if (values.format !== 'csv' && values.format !== 'parquet') {
    throw new InputError(
      `--format must be csv or parquet, not '${values.format}'`,
    );
  }
  const drift = values['schema-drift'] ?? 'fail';
  if (!(SCHEMA_DRIFT_POLICIES as readonly string[]).includes(drift)) {
    throw new InputError(
      `--schema-drift must be ${SCHEMA_DRIFT_POLICIES.join(
        ', ',
      )}, not '${drift}'`,
    );
  }
  const result = await runReplay({
    ddlFile: values.ddl!,
    landingDir: values.landing!,
    format: values.format,
    outFile: values.out!,
    table: values.table,
    schema: values.schema,
    timestampColumn: values['timestamp-column'],
    sequenceColumn: values['sequence-column'],
    databaseFile: values.db,
    schemaDrift: drift as SchemaDriftPolicy,
    withMetadata: values['with-metadata'],
  });
  process.stdout.write(
    result.reload
      ? `${result.table}: rebuilt from a reloaded full load: read ${result.appliedFiles.length} file(s) with ${result.changeRows} change row(s), skipped ${result.skippedFiles.length} contained in it or applied before; wrote ${result.rows} row(s) to ${values.out}\n`
      : `${result.table}: applied ${result.appliedFiles.length} file(s) with ${result.changeRows} change row(s), skipped ${result.skippedFiles.length} already applied; wrote ${result.rows} row(s) to ${values.out}\n`,
  );
  return 0;
}
