#!/usr/bin/env node
/*
 * `yarn aws-local [options]` starts the local AWS emulator; `yarn aws-local seed [options]` fills a
 * running emulator with the demo lake. The seed is a client of the emulator (it goes through the
 * product's actions and AWS access layer), so it lives in its own package.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [first, ...rest] = process.argv.slice(2);
const [bin, args] =
  first === 'seed'
    ? ['packages/demo-seed/bin/demo-seed', rest]
    : ['packages/aws-local/bin/aws-local', process.argv.slice(2)];

const { status, signal } = spawnSync(
  process.execPath,
  [resolve(root, bin), ...args],
  { stdio: 'inherit', cwd: root },
);
process.exit(signal ? 1 : status ?? 1);
