import { randomBytes } from 'node:crypto';
import { makeArn } from '../../core/arn';
import { pageSize, paginate } from '../../core/pagination';
import { AwsError, ServiceContext } from '../../core/types';

export const notFound = (message: string) =>
  new AwsError('ResourceNotFoundFault', message);
export const alreadyExists = (message: string) =>
  new AwsError('ResourceAlreadyExistsFault', message);
export const invalidParameter = (message: string) =>
  new AwsError('InvalidParameterValueException', message);
export const invalidState = (message: string) =>
  new AwsError('InvalidResourceStateFault', message);

export const nowSeconds = (ctx: ServiceContext) =>
  ctx.clock.now().getTime() / 1000;
export const nowMs = (ctx: ServiceContext) => ctx.clock.now().getTime();
/** Real milliseconds that a configured emulator duration takes. */
export const realMs = (ctx: ServiceContext, setting: string) =>
  Number(ctx.settings[setting]) / Number(ctx.settings.clockSpeed ?? 1);

/** DMS resource ARNs end in a 26-character upper-case id, e.g. `endpoint:ABC…`. */
export function newDmsArn(ctx: ServiceContext, kind: string) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const id = [...randomBytes(26)]
    .map(byte => alphabet[byte % alphabet.length])
    .join('');
  return makeArn('dms', ctx.region, ctx.accountId, `${kind}:${id}`);
}

/**
 * DMS identifiers: 1–255 letters, digits and hyphens, starting with a letter, without a
 * trailing hyphen or two consecutive hyphens; stored in lower case.
 */
export function identifier(input: any, field: string): string {
  const value = input?.[field];
  if (
    typeof value !== 'string' ||
    !/^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/.test(value) ||
    value.endsWith('-') ||
    value.length > 255
  ) {
    throw invalidParameter(
      `The parameter ${field} must begin with a letter and only contain ASCII letters, digits, and hyphens. It must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  return value.toLowerCase();
}

export function requireArn(input: any, field: string): string {
  const value = input?.[field];
  if (typeof value !== 'string' || !value.startsWith('arn:')) {
    throw invalidParameter(`${field} must be an ARN`);
  }
  return value;
}

type FilterFields<T> = Record<string, (item: T) => string | undefined>;

/**
 * `Filters` as DMS describes them: every filter must match one of its values. A describe
 * call whose filters match nothing fails with ResourceNotFoundFault, as DMS does.
 */
export function describe<T>(
  input: any,
  items: T[],
  keyOf: (item: T) => string,
  fields: FilterFields<T>,
  kind: string,
  { min = 20, max = 100, fallback = 100 } = {},
) {
  const filters: { Name: string; Values: string[] }[] = input.Filters ?? [];
  for (const filter of filters) {
    if (!fields[filter.Name]) {
      throw invalidParameter(`Invalid filter name ${filter.Name}`);
    }
  }
  const matching = items.filter(item =>
    filters.every(filter =>
      filter.Values.includes(fields[filter.Name](item) ?? ''),
    ),
  );
  if (filters.length > 0 && matching.length === 0) {
    throw notFound(`No ${kind} found matching provided filters`);
  }
  const limit = pageSize(input.MaxRecords, {
    min,
    max,
    fallback,
    field: 'MaxRecords',
    errorCode: 'InvalidParameterValueException',
  });
  const { page, nextToken } = paginate(
    matching,
    keyOf,
    limit,
    input.Marker,
    'InvalidParameterValueException',
  );
  return { page, marker: nextToken };
}

export const collections = {
  endpoints: 'dms.endpoints',
  connections: 'dms.connections',
  instances: 'dms.replicationInstances',
  configs: 'dms.replicationConfigs',
  tasks: 'dms.replicationTasks',
};
