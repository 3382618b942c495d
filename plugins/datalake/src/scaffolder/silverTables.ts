import { Entity } from '@backstage/catalog-model';
import { CatalogApi } from '@backstage/plugin-catalog-react';
import { SilverColumnSchema } from '@datalake-portal/backstage-plugin-datalake-common';

/**
 * The silver database of a source under the default layer naming (`{source}_silver`, hyphens as
 * underscores), as the pipeline actions create it.
 */
export function silverDatabaseOf(sourceId: string): string {
  return `${sourceId.replace(/-/g, '_')}_silver`;
}

/** The silver table entities of a source, by table name, with their columns. */
export async function loadSilverTables(
  catalogApi: CatalogApi,
  sourceId: string,
): Promise<Record<string, SilverColumnSchema[]>> {
  const prefix = `${silverDatabaseOf(sourceId)}.`;
  const { items } = await catalogApi.getEntities({
    filter: { kind: 'Resource', 'spec.type': 'iceberg-table' },
  });
  const tables: Record<string, SilverColumnSchema[]> = {};
  for (const entity of items as Entity[]) {
    if (!entity.metadata.name.startsWith(prefix)) continue;
    const columns = (entity.spec?.columns ?? []) as Array<{
      name: string;
      type: string;
    }>;
    tables[entity.metadata.name.slice(prefix.length)] = columns.map(c => ({
      name: c.name,
      type: c.type,
    }));
  }
  return tables;
}
