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
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import catalogModuleDatalake from '../index';

/**
 * A real catalog backend with the datalake module, reading the Glue catalog of an emulator
 * through one provider whose sync runs only when a test triggers it.
 */
export async function startCatalogTestBackend(options: {
  endpoint: string;
  providerId: string;
  provider?: Record<string, unknown>;
}) {
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
          datalake: {
            aws: { region: 'us-east-1', endpoint: options.endpoint },
          },
          catalog: {
            processingInterval: { seconds: 1 },
            providers: {
              datalake: {
                [options.providerId]: {
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
                  ...options.provider,
                },
              },
            },
          },
        },
      }),
    ],
  });

  const tableEntities = async (): Promise<Entity[]> => {
    const response = await request(backend.server)
      .get('/api/catalog/entities')
      .query({ filter: 'kind=resource,spec.type=iceberg-table' })
      .set('Authorization', mockCredentials.user.header());
    if (response.status !== 200) {
      throw new Error(`The catalog answered ${response.status}`);
    }
    return response.body;
  };

  return {
    stop: () => backend.stop(),
    tableEntities,
    triggerSync: () =>
      scheduler!.triggerTask(`datalake-provider:${options.providerId}:refresh`),
    /** Polls the table entities until `done` holds or 60 s pass; returns the last answer. */
    async waitForTables(done: (entities: Entity[]) => boolean) {
      const deadline = Date.now() + 60_000;
      let entities = await tableEntities();
      while (!done(entities) && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 250));
        entities = await tableEntities();
      }
      return entities;
    },
  };
}
