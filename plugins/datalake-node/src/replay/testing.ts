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
