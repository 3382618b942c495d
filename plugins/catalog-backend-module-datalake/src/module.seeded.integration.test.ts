import { GlueClient, paginateGetTables } from '@aws-sdk/client-glue';
import {
  EntityPolicies,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { startEmulator, RunningEmulator } from '@datalake-portal/aws-local';
import { seedDemoLake } from '@datalake-portal/demo-seed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCatalogTestBackend } from './__testUtils__/catalogTestBackend';

const SAKILA_DIR = path.resolve(
  __dirname,
  '../../../../shared/fixtures/mysql/sakila',
);

describe('catalog module against the seeded demo lake', () => {
  let emulator: RunningEmulator;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-seeded-'));
    emulator = await startEmulator({
      port: 0,
      stateDir,
      clockSpeed: 1000,
      // The seed still records its job runs through the timer (issue #16 makes them real runs).
      settings: { glueJobExecution: 'simulated' },
    });
    await seedDemoLake({
      endpoint: emulator.url,
      fixtureDir: SAKILA_DIR,
      mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
      logger: { info: () => {}, warn: () => {} },
    });
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('makes every seeded Glue table a valid entity with layer, owner, columns and relations', async () => {
    const glue = new GlueClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const glueTables: string[] = [];
    for (const database of ['sakila_bronze', 'sakila_silver', 'sakila_gold']) {
      for await (const page of paginateGetTables(
        { client: glue },
        { DatabaseName: database },
      )) {
        glueTables.push(
          ...(page.TableList ?? []).map(t => `${database}.${t.Name}`),
        );
      }
    }
    expect(glueTables.length).toBe(34);

    const catalog = await startCatalogTestBackend({
      endpoint: emulator.url,
      providerId: 'demo',
    });
    try {
      await catalog.triggerSync();
      // Reverse relations arrive once every entity has been processed and stitched.
      const tables = await catalog.waitForTables(
        entities =>
          entities.length === 34 &&
          !!entities
            .find(t => t.metadata.name === 'sakila_silver.rental')
            ?.relations?.some(r => r.type === 'dependencyOf'),
      );

      expect(tables.map(t => t.metadata.title).sort()).toEqual(
        [...glueTables].sort(),
      );
      const valid = EntityPolicies.allOf([new SchemaValidEntityPolicy()]);
      for (const table of tables) {
        await expect(valid.enforce(table)).resolves.toBeDefined();
        const layer = table.metadata.annotations?.['datalake-portal.io/layer'];
        expect(table.metadata.title?.startsWith(`sakila_${layer}.`)).toBe(true);
        expect(table.spec?.owner).toBe('group:default/data-engineering');
        expect((table.spec?.columns as unknown[]).length).toBeGreaterThan(1);
        expect(table.relations?.map(r => r.type)).toContain('ownedBy');
      }
      const byName = new Map(tables.map(t => [t.metadata.name, t]));
      const targets = (name: string, type: string) =>
        (byName.get(name)?.relations ?? [])
          .filter(r => r.type === type)
          .map(r => r.targetRef)
          .sort();
      expect(targets('sakila_bronze.rental', 'dependsOn')).toEqual([
        'resource:default/mysql.sakila',
      ]);
      expect(targets('sakila_silver.rental', 'dependsOn')).toEqual([
        'resource:default/sakila_bronze.rental',
      ]);
      expect(targets('sakila_silver.rental', 'dependencyOf')).toContain(
        'resource:default/sakila_gold.film_rentals',
      );
    } finally {
      await catalog.stop();
    }
  }, 120_000);
});
