/* Lake Formation errors as the SDK parses them (REST-JSON, 400 unless stated). */
import { AwsError } from '../../core/types';

export const invalidInput = (message: string) =>
  new AwsError('InvalidInputException', message, 400);

export const notFound = (message: string) =>
  new AwsError('EntityNotFoundException', message, 400);

export const alreadyExists = (message: string) =>
  new AwsError('AlreadyExistsException', message, 400);

/** Reads a required non-empty string field or fails with InvalidInputException. */
export function requireString(input: any, field: string, where = ''): string {
  const value = input?.[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidInput(`${where}${field} is required.`);
  }
  return value;
}
