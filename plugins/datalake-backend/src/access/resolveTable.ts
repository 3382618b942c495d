/*
 * The AWS target of an access request, resolved on the server from the catalog entity read with
 * the caller's credentials: a browser names an entity, never a database, table or ARN.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TableColumn } from '@datalake-portal/backstage-plugin-datalake-common';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';

/** @public */
export type ResolvedTable = {
  entityRef: string;
  database: string;
  table: string;
  catalogId?: string;
  owner: string;
  columns: string[];
};

/**
 * Reads a table entity as the caller. A table that does not exist, one the caller may not see and
 * one no configured Glue provider emitted (a registered file claiming a table) get the same
 * answer, so that the API does not reveal which tables exist. Database, table and account come
 * from `ProviderTables`, never from an annotation alone.
 */
export async function resolveTable(
  catalog: CatalogService,
  tables: ProviderTables,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<ResolvedTable> {
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(entityRef, {
        defaultKind: 'resource',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    throw new InputError(`entityRef '${entityRef}' is not an entity ref`);
  }
  const entity = await catalog.getEntityByRef(ref, { credentials });
  const target = entity ? tables.identify(entity) : undefined;
  if (!entity || !target) {
    throw new InputError(`No data lake table ${ref} that you can see`);
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new InputError(`Table ${ref} has no owner to approve requests`);
  }
  const columns = ((entity.spec?.columns ?? []) as TableColumn[])
    .map(c => c?.name)
    .filter((name): name is string => typeof name === 'string');
  return {
    entityRef: stringifyEntityRef(entity),
    database: target.database,
    table: target.table,
    ...(target.catalogId ? { catalogId: target.catalogId } : {}),
    owner: stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
    columns,
  };
}
