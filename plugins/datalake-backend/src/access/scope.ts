/*
 * Checks and normalises the scope of a request against the table's schema, and the narrowing an
 * approver may apply. Column names are matched as the schema spells them; Glue lower-cases them.
 */
import { InputError } from '@backstage/errors';
import {
  AccessScope,
  ApproveAccessRequest,
  validateRowFilter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { createHash } from 'node:crypto';

function checkColumns(
  names: string[],
  columns: string[],
  field: string,
  table: string,
): string[] {
  if (names.length === 0) {
    throw new InputError(`${field} must name at least one column`);
  }
  const unknown = names.filter(n => !columns.includes(n));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown column${
        unknown.length > 1 ? 's' : ''
      } in ${field}: ${unknown.join(', ')} (table ${table} has ${columns.join(
        ', ',
      )})`,
    );
  }
  return [...new Set(names)].sort();
}

/**
 * Checks a row filter against the table's columns, and that it reads only the columns the grant
 * shows: a filter over a hidden column would tell the grantee about values they may not see.
 */
function checkRowFilter(
  rowFilter: string,
  columns: string[],
  visible: string[],
): string {
  const result = validateRowFilter(rowFilter, columns);
  if (!result.valid) {
    throw new InputError(`Invalid rowFilter: ${result.error}`);
  }
  const hidden = result.referencedColumns.filter(c => !visible.includes(c));
  if (hidden.length > 0) {
    throw new InputError(
      `Invalid rowFilter: it reads ${hidden.join(
        ', ',
      )}, which the grant hides (it shows ${visible.join(', ')})`,
    );
  }
  return rowFilter.trim();
}

/** The checked scope of a new request, with columns sorted and duplicates removed. */
export function normalizeScope(
  scope: AccessScope,
  columns: string[],
  table: string,
): AccessScope {
  if (scope.columns && scope.excludeColumns) {
    throw new InputError('Give either columns or excludeColumns, not both');
  }
  const result: AccessScope = {};
  if (scope.columns) {
    result.columns = checkColumns(scope.columns, columns, 'columns', table);
  }
  if (scope.excludeColumns) {
    result.excludeColumns = checkColumns(
      scope.excludeColumns,
      columns,
      'excludeColumns',
      table,
    );
    if (result.excludeColumns.length >= columns.length) {
      throw new InputError('excludeColumns may not exclude every column');
    }
  }
  if (scope.rowFilter !== undefined) {
    result.rowFilter = checkRowFilter(
      scope.rowFilter,
      columns,
      visibleColumns(result, columns),
    );
  }
  return result;
}

/** The columns a scope lets the grantee read. */
export function visibleColumns(
  scope: AccessScope,
  columns: string[],
): string[] {
  if (scope.columns) return scope.columns;
  const excluded = new Set(scope.excludeColumns ?? []);
  return columns.filter(c => !excluded.has(c));
}

/**
 * The scope after an approver narrowed it: columns only within those requested, and a row
 * filter that is added to (AND) the requested one, never replacing it.
 */
export function narrowScope(
  requested: AccessScope,
  approval: ApproveAccessRequest,
  columns: string[],
  table: string,
): AccessScope {
  const scope: AccessScope = { ...requested };
  if (approval.columns) {
    const allowed = visibleColumns(requested, columns);
    const narrowed = checkColumns(approval.columns, columns, 'columns', table);
    const outside = narrowed.filter(c => !allowed.includes(c));
    if (outside.length > 0) {
      throw new InputError(
        `An approval may only narrow the request; not requested: ${outside.join(
          ', ',
        )}`,
      );
    }
    scope.columns = narrowed;
    delete scope.excludeColumns;
  }
  const visible = visibleColumns(scope, columns);
  if (approval.rowFilter) {
    const added = checkRowFilter(approval.rowFilter, columns, visible);
    scope.rowFilter = requested.rowFilter
      ? checkRowFilter(
          `(${requested.rowFilter}) AND (${added})`,
          columns,
          visible,
        )
      : added;
  } else if (scope.rowFilter) {
    // Narrowed columns may hide what the requested filter reads.
    checkRowFilter(scope.rowFilter, columns, visible);
  }
  return scope;
}

/** Identifies requester, table and scope, for the one-pending-request rule. */
export function pendingKeyOf(
  requester: string,
  entityRef: string,
  scope: AccessScope,
): string {
  const canonical = JSON.stringify([
    requester.toLocaleLowerCase('en-US'),
    entityRef.toLocaleLowerCase('en-US'),
    scope.columns ?? null,
    scope.excludeColumns ?? null,
    scope.rowFilter?.replace(/\s+/g, ' ') ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
