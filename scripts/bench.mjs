#!/usr/bin/env node
/*
 * `yarn bench [name…]`: runs benchmarks from bench/<name>.ts (all of them without a name), each
 * in its own Node process with the Backstage CLI's TypeScript transform. Every benchmark writes
 * its figures to bench/results/<name>.json and compares against a baseline measured in the same
 * run, so results are ratios that hold on any machine.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const available = readdirSync(resolve(root, 'bench'))
  .filter(f => f.endsWith('.ts'))
  .map(f => f.slice(0, -3))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter(n => !available.includes(n));
if (unknown.length) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}; available: ${available.join(
      ', ',
    )}`,
  );
  process.exit(2);
}

const transform = createRequire(import.meta.url).resolve(
  '@backstage/cli/config/nodeTransform.cjs',
);
let failed = 0;
for (const name of requested.length ? requested : available) {
  console.log(`\n=== bench ${name}`);
  const { status } = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', transform, resolve(root, 'bench', `${name}.ts`)],
    { cwd: root, stdio: 'inherit' },
  );
  if (status !== 0) {
    failed += 1;
    console.error(`bench ${name} exited with ${status}`);
  }
}
process.exit(failed ? 1 : 0);
