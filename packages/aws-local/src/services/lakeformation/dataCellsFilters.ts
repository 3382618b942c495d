/*
 * Data cells filters: a row filter (PartiQL, kept as text) and a column selection on one Glue
 * table. The emulator stores them and checks that the table and columns exist; it does not
 * evaluate the row filter.
 */
import { randomUUID } from 'crypto';
import { ServiceContext } from '../../core/types';
import { alreadyExists, invalidInput, notFound, requireString } from './errors';
import { paginate } from './pagination';
import { dropGrantsOn } from './permissions';
import { tableColumns } from './resources';
import { dataCellsFilters, filterKey, StoredFilter } from './store';

async function parseFilter(
  input: any,
  ctx: ServiceContext,
): Promise<StoredFilter> {
  const data = input?.TableData;
  if (!data || typeof data !== 'object') {
    throw invalidInput('TableData is required.');
  }
  const db = requireString(data, 'DatabaseName', 'TableData.');
  const table = requireString(data, 'TableName', 'TableData.');
  const name = requireString(data, 'Name', 'TableData.');
  const hasNames = data.ColumnNames !== undefined && data.ColumnNames !== null;
  const hasWildcard =
    data.ColumnWildcard !== undefined && data.ColumnWildcard !== null;
  if (hasNames && hasWildcard) {
    throw invalidInput(
      'Only one of ColumnNames and ColumnWildcard may be given.',
    );
  }
  if (!hasNames && !hasWildcard) {
    throw invalidInput('One of ColumnNames and ColumnWildcard is required.');
  }
  const row = data.RowFilter;
  if (
    row &&
    row.FilterExpression !== undefined &&
    row.AllRowsWildcard !== undefined
  ) {
    throw invalidInput(
      'Only one of FilterExpression and AllRowsWildcard may be given.',
    );
  }
  if (
    row?.FilterExpression !== undefined &&
    (typeof row.FilterExpression !== 'string' ||
      row.FilterExpression.length > 2048)
  ) {
    throw invalidInput(
      'RowFilter.FilterExpression must be a string of at most 2048 characters.',
    );
  }
  const columns = new Set(await tableColumns(ctx, db, table));
  const named: string[] = hasNames
    ? data.ColumnNames
    : data.ColumnWildcard.ExcludedColumnNames ?? [];
  const missing = named.filter(c => !columns.has(c));
  if (missing.length > 0) {
    throw invalidInput(
      `Columns not found in table ${db}.${table}: ${missing.join(', ')}`,
    );
  }
  return {
    TableCatalogId: data.TableCatalogId ?? ctx.accountId,
    DatabaseName: db,
    TableName: table,
    Name: name,
    ...(row ? { RowFilter: row } : {}),
    ...(hasNames
      ? { ColumnNames: data.ColumnNames }
      : { ColumnWildcard: { ExcludedColumnNames: named } }),
    VersionId: randomUUID(),
  };
}

function getFilter(input: any, ctx: ServiceContext): StoredFilter {
  const db = requireString(input, 'DatabaseName');
  const table = requireString(input, 'TableName');
  const name = requireString(input, 'Name');
  const filter = dataCellsFilters(ctx).get(filterKey(db, table, name));
  if (!filter) {
    throw notFound(
      `Data cells filter ${name} not found on table ${db}.${table}.`,
    );
  }
  return filter;
}

export async function createDataCellsFilter(input: any, ctx: ServiceContext) {
  const filter = await parseFilter(input, ctx);
  const key = filterKey(filter.DatabaseName, filter.TableName, filter.Name);
  if (dataCellsFilters(ctx).has(key)) {
    throw alreadyExists(
      `A data cells filter named ${filter.Name} already exists on table ${filter.DatabaseName}.${filter.TableName}.`,
    );
  }
  dataCellsFilters(ctx).put(key, filter);
  return {};
}

export async function updateDataCellsFilter(input: any, ctx: ServiceContext) {
  const filter = await parseFilter(input, ctx);
  getFilter(filter, ctx);
  dataCellsFilters(ctx).put(
    filterKey(filter.DatabaseName, filter.TableName, filter.Name),
    filter,
  );
  return {};
}

export function getDataCellsFilter(input: any, ctx: ServiceContext) {
  return { DataCellsFilter: getFilter(input, ctx) };
}

export function deleteDataCellsFilter(input: any, ctx: ServiceContext) {
  const filter = getFilter(input, ctx);
  dataCellsFilters(ctx).delete(
    filterKey(filter.DatabaseName, filter.TableName, filter.Name),
  );
  dropGrantsOn(
    ctx,
    r =>
      r.kind === 'DATA_CELLS_FILTER' &&
      r.Resource.DataCellsFilter.DatabaseName === filter.DatabaseName &&
      r.Resource.DataCellsFilter.TableName === filter.TableName &&
      r.Resource.DataCellsFilter.Name === filter.Name,
  );
  return {};
}

export function listDataCellsFilter(input: any, ctx: ServiceContext) {
  const table = input?.Table;
  if (table) {
    requireString(table, 'DatabaseName', 'Table.');
    requireString(table, 'Name', 'Table.');
  }
  const all = dataCellsFilters(ctx)
    .values()
    .filter(
      f =>
        !table ||
        (f.DatabaseName === table.DatabaseName && f.TableName === table.Name),
    );
  const page = paginate(
    all,
    input ?? {},
    `filters:${table?.DatabaseName ?? ''}:${table?.Name ?? ''}`,
  );
  return { DataCellsFilters: page.items, NextToken: page.NextToken };
}
