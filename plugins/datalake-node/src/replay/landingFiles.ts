import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotFoundError } from '@backstage/errors';

/**
 * One landing file, in the DMS S3 layout.
 *
 * @public
 */
export type LandingFile = {
  /** Path relative to the landing root, with forward slashes: the stable identity of the file. */
  name: string;
  absolutePath: string;
  phase: 'initial-load' | 'cdc-load';
};

async function listDir(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter(e => e.isFile()).map(e => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
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

/**
 * Finds the MySQL schema folder holding a table in a DMS landing root, when the caller did not name it.
 *
 * @public
 */
export async function findLandingSchema(
  landingRoot: string,
  table: string,
): Promise<string> {
  const schemas = new Set<string>();
  for (const phase of ['initial-load', 'cdc-load']) {
    for (const schema of await listSubdirs(path.join(landingRoot, phase))) {
      if (
        (await listSubdirs(path.join(landingRoot, phase, schema))).includes(
          table,
        )
      ) {
        schemas.add(schema);
      }
    }
  }
  if (schemas.size === 0) {
    throw new NotFoundError(
      `no folder initial-load/<schema>/${table} or cdc-load/<schema>/${table} under ${landingRoot}`,
    );
  }
  if (schemas.size > 1) {
    throw new InputError(
      `table ${table} appears under several schemas (${[...schemas].join(
        ', ',
      )}); pass --schema`,
    );
  }
  return [...schemas][0];
}

/**
 * Lists the landing files of one table in apply order: full-load `LOAD*` files, then CDC files, each
 * in name order (DMS names them with a hexadecimal counter and a commit timestamp respectively).
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
  const out: LandingFile[] = [];
  for (const phase of ['initial-load', 'cdc-load'] as const) {
    const dir = path.join(landingRoot, phase, schema, table);
    const names = (await listDir(dir))
      .filter(n => n.toLowerCase().endsWith(extension))
      .filter(n => phase === 'cdc-load' || n.startsWith('LOAD'))
      .sort();
    for (const n of names) {
      out.push({
        name: `${phase}/${schema}/${table}/${n}`,
        absolutePath: path.join(dir, n),
        phase,
      });
    }
  }
  return out;
}
