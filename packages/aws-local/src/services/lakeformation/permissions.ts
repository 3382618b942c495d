/*
 * Grant, revoke and list Lake Formation permissions. Grants are stored per principal and
 * resource; granting again is a no-op (as in AWS), revoking what the principal does not hold
 * is refused with the message AWS gives.
 */
import { AwsError, ServiceContext } from '../../core/types';
import { invalidInput } from './errors';
import { paginate } from './pagination';
import {
  checkPermissions,
  checkResourceExists,
  describeResource,
  DescribedResource,
} from './resources';
import { nowSeconds, PermissionRecord, permissions } from './store';

interface PermissionRequest {
  principal: string;
  described: DescribedResource;
  permissions: string[];
  grantable: string[];
}

function stringList(
  value: unknown,
  field: string,
  required: boolean,
): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalidInput(`${field} is required.`);
    return [];
  }
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
    throw invalidInput(`${field} must be a list of permissions.`);
  }
  if (required && value.length === 0) {
    throw invalidInput(`${field} must not be empty.`);
  }
  return [...new Set(value as string[])];
}

async function parseRequest(
  input: any,
  ctx: ServiceContext,
): Promise<PermissionRequest> {
  const principal = input?.Principal?.DataLakePrincipalIdentifier;
  if (typeof principal !== 'string' || principal.length === 0) {
    throw invalidInput('Principal.DataLakePrincipalIdentifier is required.');
  }
  const described = describeResource(input.Resource, ctx);
  const perms = stringList(input.Permissions, 'Permissions', true);
  const grantable = stringList(
    input.PermissionsWithGrantOption,
    'PermissionsWithGrantOption',
    false,
  );
  checkPermissions(described.kind, perms, 'Permissions');
  checkPermissions(described.kind, grantable, 'PermissionsWithGrantOption');
  const notGranted = grantable.filter(p => !perms.includes(p));
  if (notGranted.length > 0) {
    throw invalidInput(
      `PermissionsWithGrantOption must be a subset of Permissions: ${notGranted.join(
        ', ',
      )}`,
    );
  }
  return { principal, described, permissions: perms, grantable };
}

const recordKey = (principal: string, resourceKey: string) =>
  `${resourceKey}\u0000${principal}`;

function union(a: string[], b: string[]) {
  return [...new Set([...a, ...b])].sort();
}

async function grant(input: any, ctx: ServiceContext) {
  const request = await parseRequest(input, ctx);
  await checkResourceExists(ctx, request.described);
  const key = recordKey(request.principal, request.described.key);
  const existing = permissions(ctx).get(key);
  permissions(ctx).put(key, {
    Principal: { DataLakePrincipalIdentifier: request.principal },
    Resource: request.described.resource,
    Permissions: union(existing?.Permissions ?? [], request.permissions),
    PermissionsWithGrantOption: union(
      existing?.PermissionsWithGrantOption ?? [],
      request.grantable,
    ),
    LastUpdated: nowSeconds(ctx),
    LastUpdatedBy: `arn:aws:iam::${ctx.accountId}:root`,
    kind: request.described.kind,
    resourceKey: request.described.key,
    database: request.described.database,
    table: request.described.table,
  });
}

async function revoke(input: any, ctx: ServiceContext) {
  const request = await parseRequest(input, ctx);
  const key = recordKey(request.principal, request.described.key);
  const existing = permissions(ctx).get(key);
  const held = existing
    ? request.permissions.filter(p => existing.Permissions.includes(p)).length +
      request.grantable.filter(p =>
        existing.PermissionsWithGrantOption.includes(p),
      ).length
    : 0;
  if (!existing || held === 0) {
    throw invalidInput(
      'No permissions revoked. Grantee has no permissions and no grantable permissions on resource.',
    );
  }
  // Revoking a permission also takes away its grant option.
  const remaining = existing.Permissions.filter(
    p => !request.permissions.includes(p),
  );
  const remainingGrantable = existing.PermissionsWithGrantOption.filter(
    p => !request.permissions.includes(p) && !request.grantable.includes(p),
  );
  if (remaining.length === 0) {
    permissions(ctx).delete(key);
    return;
  }
  permissions(ctx).put(key, {
    ...existing,
    Permissions: remaining,
    PermissionsWithGrantOption: remainingGrantable,
    LastUpdated: nowSeconds(ctx),
  });
}

export async function grantPermissions(input: any, ctx: ServiceContext) {
  await grant(input, ctx);
  return {};
}

export async function revokePermissions(input: any, ctx: ServiceContext) {
  await revoke(input, ctx);
  return {};
}

async function batch(input: any, ctx: ServiceContext, apply: typeof grant) {
  const entries = input?.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw invalidInput('Entries is required.');
  }
  if (entries.length > 20) {
    throw invalidInput('Entries must hold at most 20 entries.');
  }
  const Failures: unknown[] = [];
  for (const entry of entries) {
    try {
      if (typeof entry?.Id !== 'string' || entry.Id.length === 0) {
        throw invalidInput('Entry Id is required.');
      }
      await apply(entry, ctx);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      Failures.push({
        RequestEntry: entry,
        Error: { ErrorCode: e.code, ErrorMessage: e.message },
      });
    }
  }
  return { Failures };
}

export const batchGrantPermissions = (input: any, ctx: ServiceContext) =>
  batch(input, ctx, grant);

export const batchRevokePermissions = (input: any, ctx: ServiceContext) =>
  batch(input, ctx, revoke);

const RESOURCE_TYPES: Record<string, string[]> = {
  CATALOG: ['CATALOG'],
  DATABASE: ['DATABASE'],
  TABLE: ['TABLE', 'TABLE_WITH_COLUMNS'],
  DATA_LOCATION: ['DATA_LOCATION'],
  LF_TAG: ['LF_TAG'],
  LF_TAG_POLICY: ['LF_TAG_POLICY'],
  LF_TAG_POLICY_DATABASE: ['LF_TAG_POLICY'],
  LF_TAG_POLICY_TABLE: ['LF_TAG_POLICY'],
};

function matchesResource(
  record: PermissionRecord,
  filter: DescribedResource,
  includeRelated: boolean,
): boolean {
  if (filter.kind === 'TABLE' && filter.table !== undefined) {
    // A table filter also shows its column grants, and its cell filters with IncludeRelated.
    if (record.database !== filter.database || record.table !== filter.table)
      return false;
    return (
      record.kind === 'TABLE' ||
      record.kind === 'TABLE_WITH_COLUMNS' ||
      (includeRelated && record.kind === 'DATA_CELLS_FILTER')
    );
  }
  return record.resourceKey === filter.key;
}

export function listPermissions(input: any, ctx: ServiceContext) {
  const principal = input?.Principal?.DataLakePrincipalIdentifier;
  const includeRelated = input?.IncludeRelated === 'TRUE';
  if (includeRelated && principal !== undefined) {
    throw invalidInput(
      'Principal must not be set when IncludeRelated is TRUE.',
    );
  }
  let kinds: string[] | undefined;
  if (input?.ResourceType !== undefined) {
    kinds = RESOURCE_TYPES[input.ResourceType];
    if (!kinds) {
      throw invalidInput(`Unsupported ResourceType: ${input.ResourceType}`);
    }
  }
  const filter = input?.Resource
    ? describeResource(input.Resource, ctx)
    : undefined;
  if (filter?.kind === 'TABLE_WITH_COLUMNS') {
    throw invalidInput(
      'ListPermissions does not support a TableWithColumns resource; list the table.',
    );
  }
  const matching = permissions(ctx)
    .values()
    .filter(
      r =>
        principal === undefined ||
        r.Principal.DataLakePrincipalIdentifier === principal,
    )
    .filter(r => !kinds || kinds.includes(r.kind))
    .filter(r => !filter || matchesResource(r, filter, includeRelated));
  const page = paginate(
    matching,
    input ?? {},
    `permissions:${JSON.stringify([
      principal,
      input?.ResourceType,
      filter?.key,
      includeRelated,
    ])}`,
  );
  return {
    PrincipalResourcePermissions: page.items.map(r => ({
      Principal: r.Principal,
      Resource: r.Resource,
      Permissions: r.Permissions,
      PermissionsWithGrantOption: r.PermissionsWithGrantOption,
      LastUpdated: r.LastUpdated,
      LastUpdatedBy: r.LastUpdatedBy,
    })),
    NextToken: page.NextToken,
  };
}

/** Drops every grant on a resource that no longer exists (a deleted filter or LF-Tag). */
export function dropGrantsOn(
  ctx: ServiceContext,
  match: (record: PermissionRecord) => boolean,
) {
  for (const key of [...permissions(ctx).keys()]) {
    const record = permissions(ctx).get(key);
    if (record && match(record)) {
      permissions(ctx).delete(key);
    }
  }
}
