/*
 * Maps AWS SDK errors to @backstage/errors in one place, so that routes and actions answer
 * with the right status and keep AWS's error name and message.
 */
import {
  assertError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

const NOT_FOUND = new Set([
  'EntityNotFoundException',
  'ResourceNotFoundFault',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound',
  'StateMachineDoesNotExist',
  'ExecutionDoesNotExist',
  'ActivityDoesNotExist',
]);

const CONFLICT = new Set([
  'AlreadyExistsException',
  'ResourceAlreadyExistsFault',
  'ConcurrentModificationException',
  'StateMachineAlreadyExists',
  'ExecutionAlreadyExists',
  'BucketAlreadyExists',
  'BucketAlreadyOwnedByYou',
  'ConcurrentRunsExceededException',
  'InvalidResourceStateFault',
]);

const INPUT = new Set([
  'InvalidInputException',
  'InvalidParameterValueException',
  'InvalidParameterCombinationException',
  'ValidationException',
  'InvalidDefinition',
  'InvalidArn',
  'InvalidName',
  'InvalidExecutionInput',
  'InvalidToken',
  'SerializationException',
]);

const NOT_ALLOWED = new Set([
  'AccessDeniedException',
  'AccessDeniedFault',
  'AccessDenied',
  'UnauthorizedOperation',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'KMSKeyNotAccessibleFault',
]);

const UNAVAILABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServiceException',
  'InternalFailure',
  'InternalError',
  'OperationTimeoutException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

type AwsLikeError = Error & {
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
};

/**
 * Turns an AWS SDK error into the matching `@backstage/errors` error whose message keeps the AWS
 * error name and message (`EntityNotFoundException: Table film not found.`). The original is
 * not attached as `cause`: Backstage would repeat it in the message that clients see. Errors
 * that are not from AWS are returned unchanged; non-errors fail `assertError`.
 *
 * @public
 */
export function toBackstageError(e: unknown): Error {
  assertError(e);
  const error = e as AwsLikeError;
  const name = error.name;
  const status = error.$metadata?.httpStatusCode;
  const message = `${name}: ${error.message}`;
  if (NOT_FOUND.has(name)) return new NotFoundError(message);
  if (CONFLICT.has(name)) return new ConflictError(message);
  if (INPUT.has(name)) return new InputError(message);
  if (NOT_ALLOWED.has(name)) return new NotAllowedError(message);
  if (
    UNAVAILABLE.has(name) ||
    error.$retryable?.throttling ||
    (error.code !== undefined && NETWORK_CODES.has(error.code)) ||
    (status !== undefined && status >= 500)
  ) {
    return new ServiceUnavailableError(message);
  }
  if (status === 404) return new NotFoundError(message);
  if (status === 409) return new ConflictError(message);
  if (status === 403) return new NotAllowedError(message);
  if (error.$fault === 'client' || (status !== undefined && status >= 400)) {
    return new InputError(message);
  }
  return error;
}
