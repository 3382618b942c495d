/*
 * Offset pagination with opaque tokens, bound to the list they were issued for so that a token
 * replayed against another list is refused like AWS refuses it.
 */
import { AwsError } from '../../core/types';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  all: T[],
  options: {
    maxResults?: number;
    nextToken?: string;
    scope: string;
    defaultMax: number;
  },
): Page<T> {
  const { maxResults, nextToken, scope, defaultMax } = options;
  if (
    maxResults !== undefined &&
    (maxResults < 0 || maxResults > 1000 || !Number.isInteger(maxResults))
  ) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  const size = maxResults ? maxResults : defaultMax;
  let offset = 0;
  if (nextToken) {
    try {
      const decoded = JSON.parse(
        Buffer.from(nextToken, 'base64url').toString('utf8'),
      );
      if (
        decoded.s !== scope ||
        !Number.isInteger(decoded.o) ||
        decoded.o < 0
      ) {
        throw new Error('token of another list');
      }
      offset = decoded.o;
    } catch {
      throw new AwsError('InvalidToken', `Invalid Token: '${nextToken}'`);
    }
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return {
    items,
    nextToken:
      next < all.length
        ? Buffer.from(JSON.stringify({ s: scope, o: next })).toString(
            'base64url',
          )
        : undefined,
  };
}
