import { GlueClient, paginateGetTables } from '@aws-sdk/client-glue';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Entity,
  EntityPolicies,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { startEmulator, RunningEmulator } from '@datalake-portal/aws-local';
import { seedDemoLake } from '@datalake-portal/demo-seed';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogModuleDatalake from './index';

const SAKILA_DIR = path.resolve(
  __dirname,
  '../../../../shared/fixtures/mysql/sakila',
);

describe('catalog module against the seeded demo lake', () => {
  let emulator: RunningEmulator;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-seeded-'));
    emulator = await startEmulator({ port: 0, stateDir, clockSpeed: 1000 });
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

    let scheduler: SchedulerService | undefined;
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDatalake,
        createBackendModule({
          pluginId: 'catalog',
          moduleId: 'test-scheduler',
          register(reg) {
            reg.registerInit({
              deps: { s: coreServices.scheduler },
              async init({ s }) {
                scheduler = s;
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            datalake: { aws: { region: 'us-east-1', endpoint: emulator.url } },
            catalog: {
              processingInterval: { seconds: 1 },
              providers: {
                datalake: {
                  demo: {
                    databases: { include: ['sakila_.*'] },
                    layers: {
                      rules: [
                        { layer: 'bronze', databasePattern: '.*_bronze' },
                        { layer: 'silver', databasePattern: '.*_silver' },
                        { layer: 'gold', databasePattern: '.*_gold' },
                      ],
                    },
                    schedule: {
                      frequency: { trigger: 'manual' },
                      timeout: { minutes: 1 },
                    },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    try {
      await scheduler!.triggerTask('datalake-provider:demo:refresh');
      let tables: Entity[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const response = await request(backend.server)
          .get('/api/catalog/entities')
          .query({ filter: 'kind=resource,spec.type=iceberg-table' })
          .set('Authorization', mockCredentials.user.header());
        tables = response.body;
        const silver = tables.find(
          t => t.metadata.name === 'sakila_silver.rental',
        );
        if (
          tables.length === 34 &&
          silver?.relations?.some(r => r.type === 'dependencyOf')
        )
          break;
        await new Promise(resolve => setTimeout(resolve, 250));
      }

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
      await backend.stop();
    }
  }, 120_000);
});
