import {
  Database,
  GlueClient,
  paginateGetDatabases,
  paginateGetTables,
  Table,
} from '@aws-sdk/client-glue';
import {
  GetResourceLFTagsCommand,
  LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import { DatalakeProviderConfig } from '@datalake-portal/backstage-plugin-datalake-node';
import { ResolvedDatabase } from './glueEntities';

/** The databases one sync read from Glue; their tables went to the page callback. */
export interface GlueCatalogSnapshot {
  databases: ResolvedDatabase[];
}

/**
 * Receives each page of tables as it arrives, so that the SDK's table objects can be dropped
 * page by page instead of all 50,000 being held until the read ends.
 */
export type GlueTablePageHandler = (
  database: ResolvedDatabase,
  tables: Table[],
) => Promise<void>;

/** The largest page Glue serves for GetDatabases and GetTables. */
const GLUE_PAGE_SIZE = 100;

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order. */
async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

function included(name: string, config: DatalakeProviderConfig): boolean {
  const { include, exclude } = config.databases;
  if (include.length && !include.some(p => p.test(name))) {
    return false;
  }
  return !exclude.some(p => p.test(name));
}

function layerOf(
  database: Database,
  config: DatalakeProviderConfig,
): string | undefined {
  const name = database.Name ?? '';
  const rule = config.layers.rules.find(r => r.databasePattern.test(name));
  return rule?.layer ?? database.Parameters?.[config.layers.databaseParameter];
}

async function lfTagOwner(
  lakeFormation: LakeFormationClient,
  database: Database,
  tagKey: string,
): Promise<string | undefined> {
  const response = await lakeFormation.send(
    new GetResourceLFTagsCommand({
      CatalogId: database.CatalogId,
      Resource: { Database: { Name: database.Name } },
    }),
  );
  return response.LFTagOnDatabase?.find(t => t.TagKey === tagKey)
    ?.TagValues?.[0];
}

/**
 * Reads the configured databases and all their tables: one paginated GetDatabases, then one
 * paginated GetTables per database with `concurrency` databases in flight. GetTables already
 * returns whole table definitions, so a sync costs no more calls than listing does. Each page goes
 * to `onTables` once its database's layer and owner are known.
 * Any failure rejects the whole read: a partial answer must never look like deleted tables.
 */
export async function readGlueCatalog(
  clients: { glue: GlueClient; lakeFormation?: LakeFormationClient },
  config: DatalakeProviderConfig,
  onTables: GlueTablePageHandler,
): Promise<GlueCatalogSnapshot> {
  const databases: Database[] = [];
  for await (const page of paginateGetDatabases(
    { client: clients.glue, pageSize: GLUE_PAGE_SIZE },
    { CatalogId: config.accountId },
  )) {
    for (const database of page.DatabaseList ?? []) {
      if (database.Name && included(database.Name, config)) {
        databases.push(database);
      }
    }
  }

  const resolved = await mapWithConcurrency(
    databases,
    config.concurrency,
    async (database): Promise<ResolvedDatabase> => {
      const tagOwner =
        config.owner.lfTagKey && clients.lakeFormation
          ? await lfTagOwner(
              clients.lakeFormation,
              database,
              config.owner.lfTagKey,
            )
          : undefined;
      const owner =
        tagOwner ??
        database.Parameters?.[config.owner.databaseParameter] ??
        config.owner.fallback;
      const result = { database, layer: layerOf(database, config), owner };
      for await (const page of paginateGetTables(
        { client: clients.glue, pageSize: GLUE_PAGE_SIZE },
        { CatalogId: config.accountId, DatabaseName: database.Name },
      )) {
        await onTables(result, page.TableList ?? []);
      }
      return result;
    },
  );
  return { databases: resolved };
}
