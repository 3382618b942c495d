/*
 * JSON body parsing with a per-route size limit, whose failures come out as Backstage error
 * bodies that say what went wrong: body-parser's own errors read "request entity too large" and
 * carry its internals (expected, length, type) into the response.
 */
import { CustomErrorBase, InputError } from '@backstage/errors';
import express from 'express';

/**
 * A request body over the route's limit: answered with 413 (the error middleware takes the
 * status from `statusCode`).
 *
 * @public
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;

  // A getter on the prototype, not an own field, so that the serialized error body stays
  // `{ name, message }`.
  get statusCode(): number {
    return 413;
  }
}

function isBodyParserError(error: unknown): error is Error & { type: string } {
  return (
    error instanceof Error &&
    typeof (error as { type?: unknown }).type === 'string'
  );
}

/**
 * Parses JSON bodies of at most `limitKb` kilobytes. Use it on the paths of one router only
 * (`router.use('/v1/things', ...jsonBody(64))`): a body parsed by an earlier router is not
 * parsed again, so a router-wide parser would impose its own limit on every other router.
 */
export function jsonBody(
  limitKb: number,
): [express.RequestHandler, express.ErrorRequestHandler] {
  return [
    express.json({ limit: limitKb * 1024 }),
    (error, _req, _res, next) => {
      if (!isBodyParserError(error)) {
        next(error);
      } else if (error.type === 'entity.too.large') {
        next(
          new PayloadTooLargeError(
            `The request body is larger than the ${limitKb} kB this route accepts`,
          ),
        );
      } else if (error.type === 'entity.parse.failed') {
        next(new InputError('The request body is not valid JSON'));
      } else {
        // Unsupported charset or encoding (415), aborted request (400): body-parser's status holds.
        next(error);
      }
    },
  ];
}
