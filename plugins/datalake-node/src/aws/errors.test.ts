import {
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { ResourceNotFoundFault } from '@aws-sdk/client-database-migration-service';
import {
  AlreadyExistsException,
  InvalidInputException,
  AccessDeniedException,
  ConcurrentModificationException,
} from '@aws-sdk/client-lakeformation';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { toBackstageError } from './errors';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

function awsError(name: string, httpStatusCode: number, extra: object = {}) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    ...meta(httpStatusCode),
    ...extra,
  });
}

describe('toBackstageError', () => {
  it.each([
    [
      new EntityNotFoundException({
        message: 'Table film not found',
        ...meta(400),
      }),
      NotFoundError,
    ],
    [
      new ResourceNotFoundFault({ message: 'No endpoint', ...meta(400) }),
      NotFoundError,
    ],
    [
      new NoSuchKey({
        message: 'The specified key does not exist.',
        ...meta(404),
      }),
      NotFoundError,
    ],
    [
      new StateMachineDoesNotExist({
        message: 'State Machine Does Not Exist',
        ...meta(400),
      }),
      NotFoundError,
    ],
    [
      new AlreadyExistsException({ message: 'exists', ...meta(400) }),
      ConflictError,
    ],
    [
      new ConcurrentModificationException({ message: 'busy', ...meta(400) }),
      ConflictError,
    ],
    [awsError('ResourceAlreadyExistsFault', 400), ConflictError],
    [new InvalidInputException({ message: 'bad', ...meta(400) }), InputError],
    [awsError('InvalidParameterValueException', 400), InputError],
    [awsError('ValidationException', 400), InputError],
    [
      new AccessDeniedException({ message: 'no', ...meta(403) }),
      NotAllowedError,
    ],
    [awsError('ThrottlingException', 400), ServiceUnavailableError],
    [awsError('SomethingNew', 503), ServiceUnavailableError],
    [
      awsError('Busy', 400, { $retryable: { throttling: true } }),
      ServiceUnavailableError,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
        code: 'ECONNREFUSED',
      }),
      ServiceUnavailableError,
    ],
    [awsError('UnknownClientThing', 400), InputError],
    [awsError('Gone', 404), NotFoundError],
  ])('maps %s', (error, expected) => {
    const mapped = toBackstageError(error);
    expect(mapped).toBeInstanceOf(expected);
    expect(mapped.message).toBe(`${error.name}: ${error.message}`);
  });

  it('keeps errors that are not from AWS', () => {
    const plain = new TypeError('x is undefined');
    expect(toBackstageError(plain)).toBe(plain);
    const already = new NotFoundError('gone');
    expect(toBackstageError(already)).toBe(already);
  });

  it('rejects non-errors through assertError', () => {
    expect(() => toBackstageError('boom')).toThrow();
  });

  it('maps what a mocked SDK client throws', async () => {
    const glueMock = mockClient(GlueClient);
    glueMock.on(GetTableCommand).rejects(
      new EntityNotFoundException({
        message: 'Table nope not found.',
        ...meta(400),
      }),
    );
    const error = await new GlueClient({ region: 'us-east-1' })
      .send(new GetTableCommand({ DatabaseName: 'silver', Name: 'nope' }))
      .catch(e => e);
    const mapped = toBackstageError(error);
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect(mapped.message).toBe(
      'EntityNotFoundException: Table nope not found.',
    );
    glueMock.restore();
  });
});
