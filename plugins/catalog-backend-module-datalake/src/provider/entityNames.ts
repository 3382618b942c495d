import { createHash } from 'node:crypto';

const MAX_NAME_LENGTH = 63;

/**
 * A catalog entity name for a Glue object: deterministic, valid under Backstage's rules
 * (letters, digits and single `-`, `_`, `.` separators, at most 63 characters) and unique for
 * distinct inputs — when characters had to be replaced or the name shortened, a hash of the
 * original keeps two different Glue names from meeting on the same entity name.
 */
export function entityNameFor(...parts: string[]): string {
  const original = parts.join('.');
  const cleaned = original
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, m => m[0])
    .replace(/^[-_.]+|[-_.]+$/g, '');
  if (cleaned === original && cleaned.length <= MAX_NAME_LENGTH) {
    return cleaned;
  }
  const hash = createHash('sha256').update(original).digest('hex').slice(0, 8);
  const head = cleaned
    .slice(0, MAX_NAME_LENGTH - hash.length - 1)
    .replace(/[-_.]+$/, '');
  return `${head || 'x'}-${hash}`;
}
