#!/usr/bin/env node
/*
 * Repository hygiene that no linter covers:
 *  - every @backstage/* package resolves to exactly one version in yarn.lock, and that version
 *    is the one the root `resolutions` pin for the Backstage release in backstage.json;
 *  - no tracked file contains the npm registry's host (it differs between machines and must be
 *    computed at run time with `npm config get registry`).
 * Exits non-zero with a list of findings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

function lockedVersions(lockfile) {
  const versions = new Map();
  let current = null;
  for (const line of lockfile.split('\n')) {
    const header = /^"?(@backstage\/[^@"]+)@/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (!line.startsWith(' ')) current = null;
    const version = /^ {2}version: (.+)$/.exec(line);
    if (current && version) {
      if (!versions.has(current)) versions.set(current, new Set());
      versions.get(current).add(version[1].replace(/"/g, ''));
    }
  }
  return versions;
}

const rootPackage = JSON.parse(
  readFileSync(resolve(root, 'package.json'), 'utf8'),
);
const pins = rootPackage.resolutions ?? {};
const release = JSON.parse(
  readFileSync(resolve(root, 'backstage.json'), 'utf8'),
).version;
const locked = lockedVersions(readFileSync(resolve(root, 'yarn.lock'), 'utf8'));
for (const [name, versions] of locked) {
  if (versions.size > 1) {
    problems.push(
      `${name} has ${versions.size} versions in yarn.lock: ${[...versions].join(
        ', ',
      )}`,
    );
  } else if (pins[name] && !versions.has(pins[name])) {
    problems.push(
      `${name} resolves to ${[...versions][0]}, not ${
        pins[name]
      } of Backstage ${release}`,
    );
  } else if (!pins[name]) {
    problems.push(
      `${name} is not pinned in the root resolutions to its Backstage ${release} version`,
    );
  }
}

let registry = '';
try {
  registry = execFileSync('npm', ['config', 'get', 'registry'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
} catch {
  // Without npm there is no registry to leak.
}
const host = registry.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
if (host && host !== 'undefined') {
  let hits = '';
  try {
    hits = execFileSync('git', ['grep', '-l', '-F', host], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch (e) {
    // git grep exits 1 when nothing matches.
    if (e.status !== 1) throw e;
  }
  for (const file of hits.split('\n').filter(Boolean)) {
    problems.push(
      `${file} contains the registry host; compute it at run time instead`,
    );
  }
}

if (problems.length) {
  console.error(`Repository checks failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `Repository checks passed: ${locked.size} @backstage packages, one version each, all of Backstage ${release}; no registry host in tracked files.`,
);
