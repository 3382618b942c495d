import { randomUUID } from 'node:crypto';

/**
 * The name of an execution the portal starts: unique, sortable, and saying where it came from,
 * e.g. `run-now-20261202T150000-1a2b3c4d` or `reload-…`.
 */
export function executionName(origin: 'run-now' | 'reload', now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${origin}-${stamp}-${randomUUID().slice(0, 8)}`;
}
