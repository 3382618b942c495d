import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Writes DMS-layout landing files under a fresh temporary root; returns the root. */
export async function writeLanding(
  files: Record<string, string>,
  root?: string,
): Promise<string> {
  const dir = root ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'dl-landing-')));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return dir;
}

/**
 * Copies landing files kept in a two-task layout (`initial-load/<schema>/<table>/LOAD*` and
 * `cdc-load/<schema>/<table>/<timestamp>.*`, as `../shared/fixtures/dms/game` holds them) into the
 * layout one `full-load-and-cdc` task writes: `<schema>/<table>/LOAD*`, and the CDC files in the
 * same folder or, with `datePartitions`, under `<yyyy>/<mm>/<dd>/` (DatePartitionEnabled with the
 * default YYYYMMDD sequence and SLASH delimiter). Returns the new landing root.
 */
export async function asOneDmsTaskLayout(
  twoFolderRoot: string,
  options: { datePartitions: boolean },
): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-landing-'));
  for (const phase of ['initial-load', 'cdc-load']) {
    const phaseDir = path.join(twoFolderRoot, phase);
    const entries = await fs.readdir(phaseDir, {
      withFileTypes: true,
      recursive: true,
    });
    for (const entry of entries.filter(e => e.isFile())) {
      const [schema, table, ...rest] = path
        .relative(phaseDir, path.join(entry.parentPath, entry.name))
        .split(path.sep);
      const name = rest.join('/');
      const day = /^(\d{4})(\d{2})(\d{2})-/.exec(name);
      const target =
        phase === 'cdc-load' && options.datePartitions && day
          ? path.join(root, schema, table, day[1], day[2], day[3], name)
          : path.join(root, schema, table, name);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(path.join(entry.parentPath, entry.name), target);
    }
  }
  return root;
}
