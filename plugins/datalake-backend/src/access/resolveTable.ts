/*
 * The AWS target of an access request, resolved on the server from the catalog entity read with
 * the caller's credentials: a browser names an entity, never a database, table or ARN.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DATALAKE_ANNOTATIONS,
  TABLE_ENTITY_TYPES,
  TableColumn,
} from '@datalake-portal/backstage-plugin-datalake-common';

/** @public */
export type ResolvedTable = {
  entityRef: string;
  database: string;
  table: string;
  catalogId?: string;
  owner: string;
  columns: string[];
};

const TABLE_ARN = /^arn:aws[a-z-]*:glue:[^:]*:(\d{12}):table\/([^/]+)\/(.+)$/;

function tableOf(
  entity: Entity,
): Omit<ResolvedTable, 'entityRef' | 'owner' | 'columns'> | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const arn = TABLE_ARN.exec(annotations[DATALAKE_ANNOTATIONS.tableArn] ?? '');
  if (arn) return { catalogId: arn[1], database: arn[2], table: arn[3] };
  const database = annotations[DATALAKE_ANNOTATIONS.database];
  if (database && entity.metadata.name.startsWith(`${database}.`)) {
    return { database, table: entity.metadata.name.slice(database.length + 1) };
  }
  return undefined;
}

/**
 * Reads a table entity as the caller. A table that does not exist and one the caller may not
 * see get the same answer, so that the API does not reveal which tables exist.
 */
export async function resolveTable(
  catalog: CatalogService,
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
  const types = Object.values(TABLE_ENTITY_TYPES) as unknown[];
  const target =
    entity && types.includes(entity.spec?.type) ? tableOf(entity) : undefined;
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
    ...target,
    owner: stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ),
    columns,
  };
}
