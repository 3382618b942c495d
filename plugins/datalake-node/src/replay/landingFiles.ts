import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@backstage/errors';

/**
 * One landing file, in the layout one DMS `full-load-and-cdc` task writes to S3: every file of a table
 * in `[BucketFolder/]<schema>/<table>/`, the full load as `LOAD00000001…` (hexadecimal counter) in
 * that folder, CDC files named by their commit timestamp in the same folder or, with
 * `DatePartitionEnabled`, in date folders below it (DMS User Guide, "Using Amazon S3 as a target for
 * AWS Database Migration Service"; `../shared/reference/aws-data-path.md` §2.2).
 *
 * @public
 */
export type LandingFile = {
  /**
   * Path relative to the landing root, with forward slashes (`<schema>/<table>/[<date>/]<file>`): the
   * stable identity of the file, recorded with every change row it carries.
   */
  name: string;
  absolutePath: string;
  phase: 'full-load' | 'cdc';
  /**
   * The file's modification time in milliseconds since the epoch (S3's `LastModified` on AWS). A
   * full-load file whose name was applied with another modification time is a table reload: DMS
   * `ReloadTables` writes the new full load under the same `LOAD…` names. Files without it are never
   * taken for a reload.
   */
  modified?: number;
};

/** DMS names full-load files `LOAD` and an eight-digit hexadecimal counter. */
const FULL_LOAD_FILE = /^LOAD[0-9A-F]{8}\./;

/**
 * Whether a landing file (its name relative to the landing root) is a full-load file of the table:
 * `LOAD…` directly in `<schema>/<table>/`, where CDC files never have that name.
 *
 * @public
 */
export function isFullLoadFile(name: string, schema: string, table: string) {
  const prefix = `${schema}/${table}/`;
  return (
    name.startsWith(prefix) && FULL_LOAD_FILE.test(name.slice(prefix.length))
  );
}

async function listSubdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter(e => e.isDirectory()).map(e => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Every file below dir, as paths relative to it with forward slashes. */
async function listFilesBelow(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, {
      withFileTypes: true,
      recursive: true,
    });
    return entries
      .filter(e => e.isFile())
      .map(e =>
        path
          .relative(dir, path.join(e.parentPath, e.name))
          .split(path.sep)
          .join('/'),
      );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Finds the MySQL schema folder holding a table in a DMS landing root, when the caller did not name it.
 *
 * @public
 */
export async function findLandingSchema(
  landingRoot: string,
  table: string,
): Promise<string> {
  const schemas: string[] = [];
  for (const schema of await listSubdirs(landingRoot)) {
    if ((await listSubdirs(path.join(landingRoot, schema))).includes(table)) {
      schemas.push(schema);
    }
  }
  if (schemas.length === 0) {
    throw new NotFoundError(`no folder <schema>/${table} under ${landingRoot}`);
  }
  if (schemas.length > 1) {
    throw new InputError(
      `table ${table} appears under several schemas (${schemas.join(
        ', ',
      )}); pass --schema`,
    );
  }
  return schemas[0];
}

/**
 * Lists the landing files of one table in apply order: the full-load `LOAD*` files in name order
 * (their counter), then the CDC files in the order of their names, which are commit timestamps
 * (`20240101-100000000.parquet`), wherever their date folders put them.
 *
 * @public
 */
export async function listLandingFiles(
  landingRoot: string,
  schema: string,
  table: string,
  format: 'csv' | 'parquet',
): Promise<LandingFile[]> {
  const extension = `.${format}`;
  const tableDir = path.join(landingRoot, schema, table);
  const relatives = (await listFilesBelow(tableDir)).filter(n =>
    n.toLowerCase().endsWith(extension),
  );
  const files = await Promise.all(
    relatives.map(async relative => {
      const name = `${schema}/${table}/${relative}`;
      const absolutePath = path.join(tableDir, ...relative.split('/'));
      return {
        name,
        absolutePath,
        // Whole milliseconds, as Hadoop's FileStatus gives them to the Spark job.
        modified: Math.floor((await fs.stat(absolutePath)).mtimeMs),
        phase: isFullLoadFile(name, schema, table)
          ? ('full-load' as const)
          : ('cdc' as const),
        base: path.posix.basename(relative),
      };
    }),
  );
  // Code-unit order, not locale order: DMS's names are ASCII counters and timestamps.
  const byText = (a: string, b: string) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  files.sort(
    (a, b) =>
      Number(a.phase === 'cdc') - Number(b.phase === 'cdc') ||
      byText(a.base, b.base) ||
      byText(a.name, b.name),
  );
  return files.map(({ name, absolutePath, phase, modified }) => ({
    name,
    absolutePath,
    phase,
    modified,
  }));
}
