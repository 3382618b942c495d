/*
 * Lake Formation pagination: MaxResults 1–1000 and an opaque NextToken bound to the listing it
 * came from.
 */
import { invalidInput } from './errors';

export function paginate<T>(
  all: T[],
  input: { MaxResults?: number; NextToken?: string },
  scope: string,
  defaultMax = 100,
): { items: T[]; NextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
    throw invalidInput('MaxResults must be between 1 and 1000.');
  }
  let offset = 0;
  if (input.NextToken) {
    try {
      const token = JSON.parse(
        Buffer.from(input.NextToken, 'base64url').toString('utf8'),
      );
      if (token.s !== scope || !Number.isInteger(token.o) || token.o < 0) {
        throw new Error('token of another listing');
      }
      offset = token.o;
    } catch {
      throw invalidInput('Invalid NextToken.');
    }
  }
  const size = max ?? defaultMax;
  const next = offset + size;
  return {
    items: all.slice(offset, next),
    NextToken:
      next < all.length
        ? Buffer.from(JSON.stringify({ s: scope, o: next })).toString(
            'base64url',
          )
        : undefined,
  };
}
