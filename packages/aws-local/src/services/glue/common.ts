import { AwsError, ServiceContext } from '../../core/types';
import { valuesWithPrefix } from '../../core/state';
import { makeArn } from '../../core/arn';

export const nowSeconds = (ctx: ServiceContext) =>
  ctx.clock.now().getTime() / 1000;

export function notFound(message: string): AwsError {
  return new AwsError('EntityNotFoundException', message);
}

export function alreadyExists(message: string): AwsError {
  return new AwsError('AlreadyExistsException', message);
}

export function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInputException', message);
}

/** A required, non-empty string member of the input. */
export function requireString(input: any, field: string): string {
  const value = input?.[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidInput(`${field} is required`);
  }
  return value;
}

/** Glue keeps database and table names in lower case, as Hive does. */
export function catalogName(input: any, field: string): string {
  const name = requireString(input, field).toLowerCase();
  if (name.includes('/')) {
    throw invalidInput(`${field} must not contain '/'`);
  }
  return name;
}

export function glueArn(ctx: ServiceContext, resource: string) {
  return makeArn('glue', ctx.region, ctx.accountId, resource);
}

/** Children of `prefix` in key order, by binary search where the state supports it. */
export const withPrefix = valuesWithPrefix;

export const collections = {
  databases: 'glue.databases',
  tables: 'glue.tables',
  tableVersions: 'glue.tableVersions',
  jobs: 'glue.jobs',
  jobRuns: 'glue.jobRuns',
  failNext: 'glue.failNext',
  tags: 'glue.tags',
};
