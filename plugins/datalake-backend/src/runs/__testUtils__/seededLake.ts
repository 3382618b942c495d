/*
 * The seeded demo lake for integration tests: a local AWS emulator seeded by the demo seed (the
 * pipeline actions against the real MariaDB), and the catalog entities the real catalog provider
 * makes of it, with the dependency relations the catalog would compute.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GlueClient } from '@aws-sdk/client-glue';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  DatalakeEntityProvider,
  readProviderConfigs,
} from '@datalake-portal/backstage-plugin-catalog-backend-module-datalake';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import { seedDemoLake } from '@datalake-portal/demo-seed';

/** The Sakila fixture beside the repository (/work/shared next to /work/main). */
const SAKILA_DIR = path.resolve(
  __dirname,
  '../../../../../../shared/fixtures/mysql/sakila',
);

export const MYSQL_SOURCE_ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'mysql.sakila', namespace: 'default' },
  spec: { type: 'mysql-database', owner: 'group:default/data-engineering' },
};

export async function startSeededLake(): Promise<RunningEmulator> {
  const running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'datalake-status-')),
    clockSpeed: 1000,
    // The seed still records its job runs through the timer (issue #16 makes them real runs).
    settings: { glueJobExecution: 'simulated' },
  });
  await seedDemoLake({
    endpoint: running.url,
    fixtureDir: SAKILA_DIR,
    mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    logger: { info: () => {}, warn: () => {} },
  });
  return running;
}

/** The entities the catalog module emits for the seeded Glue catalog, with relations. */
export async function catalogEntities(
  running: RunningEmulator,
): Promise<Entity[]> {
  const [config] = readProviderConfigs(
    new ConfigReader({
      catalog: {
        providers: {
          datalake: {
            demo: {
              region: 'us-east-1',
              databases: { include: ['sakila_.*'] },
              layers: {
                rules: [
                  { layer: 'bronze', databasePattern: '.*_bronze' },
                  { layer: 'silver', databasePattern: '.*_silver' },
                  { layer: 'gold', databasePattern: '.*_gold' },
                ],
              },
              owner: { fallback: 'group:default/data-platform' },
            },
          },
        },
      },
    }),
  );
  const applyMutation = jest.fn();
  const provider = new DatalakeEntityProvider(
    config,
    {
      glue: new GlueClient({
        endpoint: running.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      accountId: '000000000000',
    },
    mockServices.logger.mock(),
    { run: jest.fn() },
    async () => 0,
  );
  await provider.connect({ applyMutation, refresh: jest.fn() });
  await provider.refresh();
  const entities: Entity[] = [
    MYSQL_SOURCE_ENTITY,
    ...applyMutation.mock.calls[0][0].entities.map(
      (e: { entity: Entity }) => e.entity,
    ),
  ];
  return withDependencyRelations(entities);
}

/** Adds the dependsOn/dependencyOf relations the catalog's processors would add. */
export function withDependencyRelations(entities: Entity[]): Entity[] {
  const copies = entities.map(e => ({ ...e, relations: [] as any[] }));
  const byRef = new Map(copies.map(e => [stringifyEntityRef(e), e]));
  for (const entity of copies) {
    const ref = stringifyEntityRef(entity);
    for (const target of (entity.spec?.dependsOn as string[]) ?? []) {
      entity.relations.push({ type: RELATION_DEPENDS_ON, targetRef: target });
      byRef
        .get(target)
        ?.relations.push({ type: RELATION_DEPENDENCY_OF, targetRef: ref });
    }
  }
  return copies;
}

/** The emulator's per-operation call counts. */
export async function emulatorCalls(
  running: RunningEmulator,
  reset = false,
): Promise<Record<string, number>> {
  const response = await fetch(`${running.url}/_aws-local/stats`, {
    method: reset ? 'DELETE' : 'GET',
  });
  return (await response.json()).calls;
}

export async function setFaults(
  running: RunningEmulator,
  faults: Record<string, unknown>,
) {
  await fetch(`${running.url}/_aws-local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
}
