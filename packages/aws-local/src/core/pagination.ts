import { AwsError } from './types';

/** Opaque page tokens carrying the last key returned, so pages stay stable under writes. */
export function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString(
    'base64url',
  );
}

export function decodeToken(
  token: string | undefined,
  errorCode = 'InvalidInputException',
): string | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw new AwsError(errorCode, 'The pagination token is invalid');
}

/** Checks an optional page size against the operation's documented bounds. */
export function pageSize(
  value: unknown,
  {
    min,
    max,
    fallback,
    field,
    errorCode = 'ValidationException',
  }: {
    min: number;
    max: number;
    fallback: number;
    field: string;
    errorCode?: string;
  },
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AwsError(errorCode, `${field} must be an integer`);
  }
  if (value < min || value > max) {
    throw new AwsError(
      errorCode,
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

/**
 * One page of `items` (in key order) after the token's key. Returns the next token when more
 * items follow.
 */
export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  limit: number,
  token: string | undefined,
  errorCode?: string,
): { page: T[]; nextToken?: string } {
  const after = decodeToken(token, errorCode);
  let start = 0;
  if (after !== undefined) {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keyOf(items[mid]) <= after) low = mid + 1;
      else high = mid;
    }
    start = low;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    page,
    nextToken: more ? encodeToken(keyOf(page[page.length - 1])) : undefined,
  };
}
