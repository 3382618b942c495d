/*
 * Lake Formation resources: which kind a `Resource` is, its normalised form (catalog ids filled
 * in, as ListPermissions returns them), a stable key for storage, the permissions each kind
 * accepts, and the check that what it names exists (Glue databases and tables through the Glue
 * service, filters and LF-Tags in this service's own state).
 */
import { ServiceContext } from '../../core/types';
import { invalidInput, notFound, requireString } from './errors';
import { dataCellsFilters, filterKey, lfTags } from './store';

export type ResourceKind =
  | 'CATALOG'
  | 'DATABASE'
  | 'TABLE'
  | 'TABLE_WITH_COLUMNS'
  | 'DATA_LOCATION'
  | 'DATA_CELLS_FILTER'
  | 'LF_TAG'
  | 'LF_TAG_POLICY';

const FIELDS: Record<string, ResourceKind> = {
  Catalog: 'CATALOG',
  Database: 'DATABASE',
  Table: 'TABLE',
  TableWithColumns: 'TABLE_WITH_COLUMNS',
  DataLocation: 'DATA_LOCATION',
  DataCellsFilter: 'DATA_CELLS_FILTER',
  LFTag: 'LF_TAG',
  LFTagPolicy: 'LF_TAG_POLICY',
};

export const PERMISSIONS = new Set([
  'ALL',
  'SELECT',
  'ALTER',
  'DROP',
  'DELETE',
  'INSERT',
  'DESCRIBE',
  'CREATE_DATABASE',
  'CREATE_TABLE',
  'DATA_LOCATION_ACCESS',
  'CREATE_LF_TAG',
  'ASSOCIATE',
  'GRANT_WITH_LF_TAG_EXPRESSION',
  'CREATE_LF_TAG_EXPRESSION',
  'CREATE_CATALOG',
  'SUPER_USER',
]);

const TABLE_PERMISSIONS = [
  'ALL',
  'ALTER',
  'DELETE',
  'DESCRIBE',
  'DROP',
  'INSERT',
  'SELECT',
];
const DATABASE_PERMISSIONS = [
  'ALL',
  'ALTER',
  'CREATE_TABLE',
  'DESCRIBE',
  'DROP',
];

/** The permissions that make sense on each kind (Lake Formation permissions reference). */
const ALLOWED: Record<ResourceKind, Set<string>> = {
  CATALOG: new Set([
    'ALL',
    'CREATE_DATABASE',
    'CREATE_LF_TAG',
    'CREATE_LF_TAG_EXPRESSION',
    'CREATE_CATALOG',
    'DESCRIBE',
    'ALTER',
    'DROP',
    'SUPER_USER',
  ]),
  DATABASE: new Set(DATABASE_PERMISSIONS),
  TABLE: new Set(TABLE_PERMISSIONS),
  TABLE_WITH_COLUMNS: new Set(['SELECT']),
  DATA_LOCATION: new Set(['DATA_LOCATION_ACCESS']),
  DATA_CELLS_FILTER: new Set(['SELECT', 'DESCRIBE', 'DROP']),
  LF_TAG: new Set([
    'DESCRIBE',
    'ASSOCIATE',
    'ALTER',
    'DROP',
    'GRANT_WITH_LF_TAG_EXPRESSION',
  ]),
  LF_TAG_POLICY: new Set([...TABLE_PERMISSIONS, ...DATABASE_PERMISSIONS]),
};

export interface DescribedResource {
  kind: ResourceKind;
  /** The resource as Lake Formation echoes it back, catalog ids included. */
  resource: Record<string, any>;
  key: string;
  /** `db` and `db/table` for resources inside the Glue catalog, for ListPermissions filters. */
  database?: string;
  table?: string;
}

function sortedUnique(values: unknown, field: string): string[] {
  if (!Array.isArray(values) || values.some(v => typeof v !== 'string')) {
    throw invalidInput(`${field} must be a list of strings.`);
  }
  return [...new Set(values as string[])].sort();
}

/** Identifies the one resource a request names and normalises it. */
export function describeResource(
  input: unknown,
  ctx: ServiceContext,
): DescribedResource {
  const resource = (input ?? {}) as Record<string, any>;
  const present = Object.keys(FIELDS).filter(
    f => resource[f] !== undefined && resource[f] !== null,
  );
  if (present.length !== 1) {
    throw invalidInput(
      `Resource parameter must have exactly 1 resource specified but ${present.length} were provided.`,
    );
  }
  const field = present[0];
  const kind = FIELDS[field];
  const value = resource[field] as Record<string, any>;
  const catalogId = (value.CatalogId as string | undefined) ?? ctx.accountId;
  switch (kind) {
    case 'CATALOG':
      return {
        kind,
        resource: { Catalog: {} },
        key: `catalog:${ctx.accountId}`,
      };
    case 'DATABASE': {
      const name = requireString(value, 'Name', 'Database.');
      return {
        kind,
        resource: { Database: { CatalogId: catalogId, Name: name } },
        key: `database:${catalogId}:${name}`,
        database: name,
      };
    }
    case 'TABLE': {
      const db = requireString(value, 'DatabaseName', 'Table.');
      const wildcard =
        value.TableWildcard !== undefined && value.TableWildcard !== null;
      if (wildcard === (value.Name !== undefined)) {
        throw invalidInput('Table must specify either Name or TableWildcard.');
      }
      const name = wildcard
        ? undefined
        : requireString(value, 'Name', 'Table.');
      return {
        kind,
        resource: {
          Table: wildcard
            ? { CatalogId: catalogId, DatabaseName: db, TableWildcard: {} }
            : { CatalogId: catalogId, DatabaseName: db, Name: name },
        },
        key: `table:${catalogId}:${db}:${wildcard ? '*' : name}`,
        database: db,
        table: name,
      };
    }
    case 'TABLE_WITH_COLUMNS': {
      const db = requireString(value, 'DatabaseName', 'TableWithColumns.');
      const name = requireString(value, 'Name', 'TableWithColumns.');
      const hasNames = value.ColumnNames !== undefined;
      const hasWildcard =
        value.ColumnWildcard !== undefined && value.ColumnWildcard !== null;
      if (hasNames === hasWildcard) {
        throw invalidInput(
          'TableWithColumns must specify either ColumnNames or ColumnWildcard.',
        );
      }
      const columns = hasNames
        ? sortedUnique(value.ColumnNames, 'ColumnNames')
        : undefined;
      if (columns && columns.length === 0) {
        throw invalidInput('ColumnNames must not be empty.');
      }
      const excluded = hasWildcard
        ? sortedUnique(
            value.ColumnWildcard.ExcludedColumnNames ?? [],
            'ExcludedColumnNames',
          )
        : undefined;
      return {
        kind,
        resource: {
          TableWithColumns: {
            CatalogId: catalogId,
            DatabaseName: db,
            Name: name,
            ...(columns
              ? { ColumnNames: columns }
              : { ColumnWildcard: { ExcludedColumnNames: excluded } }),
          },
        },
        key: `columns:${catalogId}:${db}:${name}:${
          columns ? `+${columns.join(',')}` : `-${excluded!.join(',')}`
        }`,
        database: db,
        table: name,
      };
    }
    case 'DATA_LOCATION': {
      const arn = requireString(value, 'ResourceArn', 'DataLocation.');
      if (!/^arn:aws[a-z-]*:s3:::[^/]+/.test(arn)) {
        throw invalidInput(`Invalid S3 location ARN: ${arn}`);
      }
      return {
        kind,
        resource: { DataLocation: { CatalogId: catalogId, ResourceArn: arn } },
        key: `location:${catalogId}:${arn}`,
      };
    }
    case 'DATA_CELLS_FILTER': {
      const db = requireString(value, 'DatabaseName', 'DataCellsFilter.');
      const table = requireString(value, 'TableName', 'DataCellsFilter.');
      const name = requireString(value, 'Name', 'DataCellsFilter.');
      const tableCatalogId =
        (value.TableCatalogId as string | undefined) ?? ctx.accountId;
      return {
        kind,
        resource: {
          DataCellsFilter: {
            TableCatalogId: tableCatalogId,
            DatabaseName: db,
            TableName: table,
            Name: name,
          },
        },
        key: `filter:${tableCatalogId}:${db}:${table}:${name}`,
        database: db,
        table,
      };
    }
    case 'LF_TAG': {
      const tagKey = requireString(value, 'TagKey', 'LFTag.');
      const tagValues = sortedUnique(value.TagValues, 'TagValues');
      if (tagValues.length === 0 || tagValues.length > 50) {
        throw invalidInput('TagValues must hold between 1 and 50 values.');
      }
      return {
        kind,
        resource: {
          LFTag: { CatalogId: catalogId, TagKey: tagKey, TagValues: tagValues },
        },
        key: `lftag:${catalogId}:${tagKey}:${tagValues.join(',')}`,
      };
    }
    case 'LF_TAG_POLICY': {
      const resourceType = value.ResourceType;
      if (resourceType !== 'DATABASE' && resourceType !== 'TABLE') {
        throw invalidInput(
          'LFTagPolicy.ResourceType must be DATABASE or TABLE.',
        );
      }
      if (!Array.isArray(value.Expression) || value.Expression.length === 0) {
        throw invalidInput('LFTagPolicy.Expression is required.');
      }
      const expression = (value.Expression as any[])
        .map(e => ({
          TagKey: requireString(e, 'TagKey', 'Expression.'),
          TagValues: sortedUnique(e.TagValues, 'TagValues'),
        }))
        .sort((a, b) => a.TagKey.localeCompare(b.TagKey));
      return {
        kind,
        resource: {
          LFTagPolicy: {
            CatalogId: catalogId,
            ResourceType: resourceType,
            Expression: expression,
          },
        },
        key: `lftagpolicy:${catalogId}:${resourceType}:${JSON.stringify(
          expression,
        )}`,
      };
    }
    default:
      throw invalidInput('Unsupported resource.');
  }
}

/** Fails with InvalidInputException when a permission does not apply to the resource kind. */
export function checkPermissions(
  kind: ResourceKind,
  permissions: string[],
  field: string,
) {
  for (const permission of permissions) {
    if (!PERMISSIONS.has(permission)) {
      throw invalidInput(`Invalid permission in ${field}: ${permission}`);
    }
    if (!ALLOWED[kind].has(permission)) {
      throw invalidInput(
        `Permissions modification is invalid: ${permission} is not a valid permission on a ${kind} resource.`,
      );
    }
  }
}

async function glueTable(ctx: ServiceContext, db: string, name: string) {
  const { Table } = await ctx.invoke('glue', 'GetTable', {
    DatabaseName: db,
    Name: name,
  });
  return Table as {
    StorageDescriptor?: { Columns?: Array<{ Name: string }> };
    PartitionKeys?: Array<{ Name: string }>;
  };
}

/** The column names of a Glue table, partition keys included. */
export async function tableColumns(
  ctx: ServiceContext,
  db: string,
  name: string,
): Promise<string[]> {
  const table = await glueTable(ctx, db, name);
  return [
    ...(table.StorageDescriptor?.Columns ?? []),
    ...(table.PartitionKeys ?? []),
  ].map(c => c.Name);
}

function checkTagValues(ctx: ServiceContext, tagKey: string, values: string[]) {
  const tag = lfTags(ctx).get(tagKey);
  if (!tag) {
    throw notFound(`Tag key does not exist: ${tagKey}`);
  }
  const unknown = values.filter(v => !tag.TagValues.includes(v));
  if (unknown.length > 0) {
    throw invalidInput(
      `Tag values ${unknown.join(', ')} do not exist for tag key ${tagKey}.`,
    );
  }
}

/** Checks that what the resource names exists; Glue errors (EntityNotFoundException) propagate. */
export async function checkResourceExists(
  ctx: ServiceContext,
  described: DescribedResource,
) {
  const r = described.resource;
  switch (described.kind) {
    case 'DATABASE':
      await ctx.invoke('glue', 'GetDatabase', { Name: r.Database.Name });
      return;
    case 'TABLE':
      if (r.Table.Name === undefined) {
        await ctx.invoke('glue', 'GetDatabase', { Name: r.Table.DatabaseName });
      } else {
        await glueTable(ctx, r.Table.DatabaseName, r.Table.Name);
      }
      return;
    case 'TABLE_WITH_COLUMNS': {
      const t = r.TableWithColumns;
      const columns = new Set(await tableColumns(ctx, t.DatabaseName, t.Name));
      const named: string[] =
        t.ColumnNames ?? t.ColumnWildcard.ExcludedColumnNames;
      const missing = named.filter(c => !columns.has(c));
      if (missing.length > 0) {
        throw invalidInput(
          `Columns not found in table ${t.DatabaseName}.${
            t.Name
          }: ${missing.join(', ')}`,
        );
      }
      return;
    }
    case 'DATA_CELLS_FILTER': {
      const f = r.DataCellsFilter;
      if (
        !dataCellsFilters(ctx).has(
          filterKey(f.DatabaseName, f.TableName, f.Name),
        )
      ) {
        throw notFound(
          `Data cells filter ${f.Name} not found on table ${f.DatabaseName}.${f.TableName}.`,
        );
      }
      return;
    }
    case 'LF_TAG':
      checkTagValues(ctx, r.LFTag.TagKey, r.LFTag.TagValues);
      return;
    case 'LF_TAG_POLICY':
      for (const e of r.LFTagPolicy.Expression) {
        checkTagValues(ctx, e.TagKey, e.TagValues);
      }
      return;
    default:
      return;
  }
}
