/*
 * Reading table entities for lineage and run status: the caller's credentials go to the catalog,
 * so an entity the caller may not see is treated as absent.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { assertError, InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import { LineageColumn } from '@datalake-portal/backstage-plugin-datalake-common';

/** Normalises an entity ref from a query, or throws an InputError. */
export function normaliseEntityRef(value: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind: 'resource' }),
    );
  } catch (e) {
    assertError(e);
    throw new InputError(`Invalid entity ref '${value}': ${e.message}`);
  }
}

export function columnsOf(entity: Entity): LineageColumn[] {
  const columns = entity.spec?.columns;
  if (!Array.isArray(columns)) {
    return [];
  }
  return columns
    .filter(
      (c): c is { name: string; type?: string } =>
        !!c && typeof c === 'object' && typeof (c as any).name === 'string',
    )
    .map(c => ({
      name: c.name,
      ...(typeof c.type === 'string' ? { type: c.type } : {}),
    }));
}

export function dependsOnRefs(entity: Entity): string[] {
  const value = entity.spec?.dependsOn;
  if (!Array.isArray(value)) {
    return [];
  }
  return value
    .filter((v): v is string => typeof v === 'string')
    .map(v => {
      try {
        return stringifyEntityRef(
          parseEntityRef(v, {
            defaultKind: 'resource',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
      } catch {
        return undefined;
      }
    })
    .filter((v): v is string => !!v);
}

export function dependencyOfRefs(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef);
}

/**
 * Fetches one table entity a configured Glue provider emitted, or throws NotFoundError (also for
 * an entity the caller may not see, and one registered from a file claiming a table).
 */
export async function getTableEntity(
  catalog: CatalogService,
  tables: ProviderTables,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<Entity> {
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity || !tables.identify(entity)) {
    throw new NotFoundError(`No data lake table entity ${entityRef}`);
  }
  return entity;
}

/** Fetches entities by ref; the ones missing or invisible to the caller are left out. */
export async function getEntities(
  catalog: CatalogService,
  refs: string[],
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  if (refs.length === 0) {
    return [];
  }
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: refs },
    { credentials },
  );
  return items.filter((e): e is Entity => !!e);
}
