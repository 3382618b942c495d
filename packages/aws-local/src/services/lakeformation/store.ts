/* The persisted state of the Lake Formation emulation. */
import { ServiceContext, StateCollection } from '../../core/types';

export interface PermissionRecord {
  Principal: { DataLakePrincipalIdentifier: string };
  Resource: Record<string, any>;
  Permissions: string[];
  PermissionsWithGrantOption: string[];
  LastUpdated: number;
  LastUpdatedBy: string;
  /** Derived from the resource, for filtering. */
  kind: string;
  resourceKey: string;
  database?: string;
  table?: string;
}

export interface StoredFilter {
  TableCatalogId: string;
  DatabaseName: string;
  TableName: string;
  Name: string;
  RowFilter?: {
    FilterExpression?: string;
    AllRowsWildcard?: Record<string, never>;
  };
  ColumnNames?: string[];
  ColumnWildcard?: { ExcludedColumnNames?: string[] };
  VersionId: string;
}

export interface StoredLFTag {
  CatalogId: string;
  TagKey: string;
  TagValues: string[];
}

/** LF-Tags assigned to one database, table or column: tag key → value. */
export interface ResourceTagAssignment {
  database: string;
  table?: string;
  column?: string;
  tags: Record<string, string>;
}

export const permissions = (
  ctx: ServiceContext,
): StateCollection<PermissionRecord> =>
  ctx.state.collection('lakeformation.permissions');

export const dataCellsFilters = (
  ctx: ServiceContext,
): StateCollection<StoredFilter> =>
  ctx.state.collection('lakeformation.dataCellsFilters');

export const lfTags = (ctx: ServiceContext): StateCollection<StoredLFTag> =>
  ctx.state.collection('lakeformation.lfTags');

export const resourceTags = (
  ctx: ServiceContext,
): StateCollection<ResourceTagAssignment> =>
  ctx.state.collection('lakeformation.resourceTags');

export const filterKey = (db: string, table: string, name: string) =>
  `${db}\u0000${table}\u0000${name}`;

export const nowSeconds = (ctx: ServiceContext) =>
  ctx.clock.now().getTime() / 1000;
