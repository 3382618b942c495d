/*
 * The seeded demo lake for integration tests: a local AWS emulator seeded by the demo seed (the
 * pipeline actions against the real MariaDB), and the catalog entities the real catalog provider
 * makes of it, with the dependency relations the catalog would compute.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GetJobRunCommand,
  GlueClient,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DatalakeEntityProvider } from '@datalake-portal/backstage-plugin-catalog-backend-module-datalake';
import { readProviderConfigs } from '@datalake-portal/backstage-plugin-datalake-node';
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

/**
 * The demo lake's resources with a run history on the emulator's timer: these tests read how the
 * portal reports runs, not what the runs write, so Glue runs are simulated (the Spark tests and
 * the browser tests run them for real). Besides the seed's first load there is a second
 * execution in which silver payment fails into the Catch, and more runs of the rental jobs.
 */
export async function startSeededLake(): Promise<RunningEmulator> {
  const running = await startEmulator({
    port: 0,
    stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'datalake-status-')),
    clockSpeed: 1000,
    settings: { glueJobExecution: 'simulated' },
  });
  await seedDemoLake({
    endpoint: running.url,
    fixtureDir: SAKILA_DIR,
    mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
    logger: { info: () => {}, warn: () => {} },
  });
  await addRunHistory(running);
  return running;
}

async function addRunHistory(running: RunningEmulator) {
  const clients = {
    endpoint: running.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const glue = new GlueClient(clients);
  const sfn = new SFNClient(clients);
  const until = async <T>(read: () => Promise<T>, done: (v: T) => boolean) => {
    for (let i = 0; i < 2_000; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the seeded lake did not settle');
  };
  for (const job of [
    'datalake-sakila-bronze-rental',
    'datalake-sakila-silver-rental',
  ]) {
    for (let run = 0; run < 2; run++) {
      const { JobRunId } = await glue.send(
        new StartJobRunCommand({ JobName: job }),
      );
      await until(
        () =>
          glue.send(new GetJobRunCommand({ JobName: job, RunId: JobRunId })),
        r => ['SUCCEEDED', 'FAILED'].includes(r.JobRun?.JobRunState ?? ''),
      );
    }
  }
  await fetch(`${running.url}/_aws-local/glue/fail-next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      JobName: 'datalake-sakila-silver-payment',
      message:
        'Py4JJavaError: An error occurred while calling o87.sql: MERGE INTO sakila_silver.payment failed: Cannot cast "N/A" to DECIMAL(5,2)',
    }),
  });
  const { stateMachines = [] } = await sfn.send(
    new ListStateMachinesCommand({}),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stateMachines.find(m => m.name === 'datalake-sakila')!
        .stateMachineArn,
      name: 'nightly-2',
    }),
  );
  await until(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    e => e.status !== 'RUNNING',
  );
}

/**
 * The Glue provider of the seeded lake, as a portal's root config holds it: the catalog module
 * emits the entities with it, and the backend trusts only the entities of the providers it has.
 */
export const SEEDED_PROVIDER_CONFIG = {
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
};

/** The entities the catalog module emits for the seeded Glue catalog, with relations. */
export async function catalogEntities(
  running: RunningEmulator,
): Promise<Entity[]> {
  const [config] = readProviderConfigs(
    new ConfigReader(SEEDED_PROVIDER_CONFIG),
  );
  // Plain functions rather than jest mocks, so that benchmarks use the same harness.
  const mutations: Array<{ entities: Array<{ entity: Entity }> }> = [];
  const applyMutation = async (mutation: any) => {
    mutations.push(mutation);
  };
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
    mockServices.rootLogger({ level: 'none' }),
    { run: async () => {} } as any,
    async () => 0,
  );
  await provider.connect({ applyMutation, refresh: async () => {} });
  await provider.refresh();
  const entities: Entity[] = [
    MYSQL_SOURCE_ENTITY,
    ...mutations[0].entities.map(e => e.entity),
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
