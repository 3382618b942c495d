/*
 * Which Lake Formation grants an access request stands for. Pure functions, so that granting,
 * revoking and the reconcile job agree on the same resources and keys.
 */
import { DataLakePrincipal, Resource } from '@aws-sdk/client-lakeformation';
import { AccessPermission } from '@datalake-portal/backstage-plugin-datalake-common';
import { StoredAccessRequest } from './AccessRequestStore';

/** One Lake Formation permission grant of a request. @public */
export type GrantItem = {
  resource: Resource;
  permissions: AccessPermission[];
  /** Identifies the resource the way `ListPermissions` answers can be keyed too. */
  key: string;
};

/** The data cells filter a row-filtered request needs before its grant. @public */
export type FilterDefinition = {
  name: string;
  database: string;
  table: string;
  catalogId?: string;
  rowFilter: string;
  columns?: string[];
  excludeColumns?: string[];
};

/** @public */
export type GrantPlan = {
  principal: DataLakePrincipal;
  filter?: FilterDefinition;
  items: GrantItem[];
};

/** The deterministic filter name of a request: Lake Formation names allow `[\w-]`, ≤ 255. */
export function filterNameOf(requestId: string): string {
  return `dl_req_${requestId.replace(/-/g, '')}`;
}

const sorted = (values: string[]) => [...new Set(values)].sort();

/**
 * A key for a Lake Formation resource, independent of catalog ids and column order, so that
 * what we grant and what `ListPermissions` returns compare equal.
 */
export function resourceKey(resource: Resource): string | undefined {
  if (resource.Database?.Name) return `database:${resource.Database.Name}`;
  if (resource.Table?.DatabaseName && resource.Table.Name) {
    return `table:${resource.Table.DatabaseName}.${resource.Table.Name}`;
  }
  const t = resource.TableWithColumns;
  if (t?.DatabaseName && t.Name) {
    if (t.ColumnNames) {
      return `columns:${t.DatabaseName}.${t.Name}:+${sorted(t.ColumnNames)}`;
    }
    const excluded = sorted(t.ColumnWildcard?.ExcludedColumnNames ?? []);
    // AWS lists a whole-table SELECT as a column wildcard without exclusions.
    if (excluded.length === 0) return `table:${t.DatabaseName}.${t.Name}`;
    return `columns:${t.DatabaseName}.${t.Name}:-${excluded}`;
  }
  const f = resource.DataCellsFilter;
  if (f?.DatabaseName && f.TableName && f.Name) {
    return `filter:${f.DatabaseName}.${f.TableName}:${f.Name}`;
  }
  return undefined;
}

function item(resource: Resource, permissions: AccessPermission[]): GrantItem {
  return { resource, permissions, key: resourceKey(resource)! };
}

/**
 * The grants of a request: DESCRIBE on the database (so that the table can be found at all),
 * then one of
 * - a data cells filter with the row filter and column selection, granted as requested;
 * - SELECT on `TableWithColumns` (Lake Formation takes only SELECT there) plus DESCRIBE on the
 *   table when asked for;
 * - the permissions on the whole table.
 */
export function planGrants(request: StoredAccessRequest): GrantPlan {
  const { database, table, catalogId, scope, permissions } = request;
  const catalog = catalogId ? { CatalogId: catalogId } : {};
  const items: GrantItem[] = [
    item({ Database: { ...catalog, Name: database } }, ['DESCRIBE']),
  ];
  let filter: FilterDefinition | undefined;
  if (scope.rowFilter) {
    filter = {
      name: filterNameOf(request.id),
      database,
      table,
      catalogId,
      rowFilter: scope.rowFilter,
      columns: scope.columns,
      excludeColumns: scope.excludeColumns,
    };
    items.push(
      item(
        {
          DataCellsFilter: {
            ...(catalogId ? { TableCatalogId: catalogId } : {}),
            DatabaseName: database,
            TableName: table,
            Name: filter.name,
          },
        },
        permissions,
      ),
    );
  } else if (scope.columns || scope.excludeColumns) {
    if (permissions.includes('SELECT')) {
      items.push(
        item(
          {
            TableWithColumns: {
              ...catalog,
              DatabaseName: database,
              Name: table,
              ...(scope.columns
                ? { ColumnNames: sorted(scope.columns) }
                : {
                    ColumnWildcard: {
                      ExcludedColumnNames: sorted(scope.excludeColumns ?? []),
                    },
                  }),
            },
          },
          ['SELECT'],
        ),
      );
    }
    if (permissions.includes('DESCRIBE')) {
      items.push(
        item({ Table: { ...catalog, DatabaseName: database, Name: table } }, [
          'DESCRIBE',
        ]),
      );
    }
  } else {
    items.push(
      item(
        { Table: { ...catalog, DatabaseName: database, Name: table } },
        permissions,
      ),
    );
  }
  return {
    principal: { DataLakePrincipalIdentifier: request.principal },
    filter,
    items,
  };
}

/** `resourceKey|permission` pairs of a set of grant items. */
export function grantPairs(items: GrantItem[]): Set<string> {
  return new Set(items.flatMap(i => i.permissions.map(p => `${i.key}|${p}`)));
}

/**
 * The part of `items` that no other request still needs: what may be revoked when a request
 * ends, since Lake Formation keeps one grant per principal and resource, not one per request.
 */
export function itemsToRevoke(
  items: GrantItem[],
  stillNeeded: GrantItem[],
): GrantItem[] {
  const needed = grantPairs(stillNeeded);
  return items
    .map(i => ({
      ...i,
      permissions: i.permissions.filter(p => !needed.has(`${i.key}|${p}`)),
    }))
    .filter(i => i.permissions.length > 0);
}
