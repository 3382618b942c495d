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

/**
 * Writes landing files with a given modification time (DMS's `LastModified`), so that a test can lay
 * out which files landed before and after a table reload.
 */
export async function writeLandingAt(
  root: string,
  files: Record<string, string>,
  modified: Date,
): Promise<void> {
  await writeLanding(files, root);
  for (const name of Object.keys(files)) {
    await fs.utimes(path.join(root, name), modified, modified);
  }
}

/** The table of the reload scenario: CSV landing with the commit timestamp, no change sequence. */
export const RELOAD_DDL = `CREATE TABLE shop.items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20),
  price DECIMAL(10,2));`;

/** Landing files written at one modification time. */
export type LandingStep = { modified: Date; files: Record<string, string> };

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * A DMS table reload (`ReloadTables`, `TargetTablePrepMode` `DO_NOTHING`) in two batches, each a
 * set of files with their modification time relative to `now`. The first batch is the initial full
 * load and a CDC file. Then the source table drifts from bronze (CDC missed), the table is reloaded:
 * `LOAD00000001.csv` is written again, newer, and the old CDC files stay. A CDC file that landed before
 * the reload but was not applied (contained in the new load) and one after the reload (to be applied
 * over it) complete the second batch.
 *
 * After the second batch bronze must equal `RELOAD_EXPECTED`: id 1 loaded then deleted after the
 * reload; 2 updated by the reload over a row a CDC change wrote; 3 deleted by CDC, back in the new
 * load; 4 deleted at the source before the reload (absent from the new load); 5 updated after the
 * reload; 6 only in the new load; 7 inserted after the reload.
 */
export function reloadScenario(now: number): LandingStep[][] {
  const dir = 'shop/items';
  const initial: LandingStep[] = [
    {
      modified: new Date(now - 5 * HOUR),
      files: {
        [`${dir}/LOAD00000001.csv`]:
          ',1,a,1.00\n,2,b,2.00\n,3,c,3.00\n,4,d,4.00\n',
      },
    },
    {
      modified: new Date(now - 5 * HOUR + MINUTE),
      files: {
        [`${dir}/20240101-100000000.csv`]: [
          'U,2024-01-01 10:00:00,2,b2,2.50',
          'D,2024-01-01 10:00:01,3,c,3.00',
          'I,2024-01-01 10:00:02,5,e,5.00',
          '',
        ].join('\n'),
      },
    },
  ];
  const reload: LandingStep[] = [
    // A CDC file that landed an hour before the reload, not applied yet.
    {
      modified: new Date(now - 3 * HOUR),
      files: {
        [`${dir}/20240101-110000000.csv`]: 'U,2024-01-01 11:00:00,1,mid,1.50\n',
      },
    },
    {
      modified: new Date(now - 2 * HOUR),
      files: {
        [`${dir}/LOAD00000001.csv`]:
          ',1,final,1.30\n,2,b3,2.70\n,3,back,3.30\n,5,e,5.00\n,6,new,6.00\n',
      },
    },
    {
      modified: new Date(now - 2 * HOUR + MINUTE),
      files: {
        [`${dir}/20240101-130000000.csv`]: [
          'U,2024-01-01 13:00:00,5,e2,5.50',
          'D,2024-01-01 13:00:01,1,final,1.30',
          'I,2024-01-01 13:00:02,7,after,7.00',
          '',
        ].join('\n'),
      },
    },
  ];
  return [initial, reload];
}

/** Writes one batch of `reloadScenario` into a landing root. */
export async function writeReloadBatch(
  root: string,
  batch: LandingStep[],
): Promise<void> {
  for (const step of batch) {
    await writeLandingAt(root, step.files, step.modified);
  }
}

/** Bronze after the reload scenario, as `DuckDbBronzeReplay.rowsJson` gives it. */
export const RELOAD_EXPECTED = [
  { id: 2, name: 'b3', price: '2.70' },
  { id: 3, name: 'back', price: '3.30' },
  { id: 5, name: 'e2', price: '5.50' },
  { id: 6, name: 'new', price: '6.00' },
  { id: 7, name: 'after', price: '7.00' },
];
