import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Entity } from '@backstage/catalog-model';
import { startEmulator, RunningEmulator } from '@datalake-portal/aws-local';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startCatalogTestBackend } from './__testUtils__/catalogTestBackend';

const bucketOf = (database: string) => `lake-${database.replace(/_/g, '-')}`;

/** Creates a medallion lake in the emulator the way the pipeline actions record it. */
async function createLake(glue: GlueClient, s3: S3Client) {
  const column = (Name: string, Type: string, optional = true) => ({
    Name,
    Type,
    Parameters: { 'iceberg.field.optional': String(optional) },
  });
  const table = async (
    database: string,
    name: string,
    parameters: Record<string, string>,
  ) =>
    glue.send(
      new CreateTableCommand({
        DatabaseName: database,
        OpenTableFormatInput: {
          IcebergInput: { MetadataOperation: 'CREATE', Version: '2' },
        },
        TableInput: {
          Name: name,
          Description: `${name} in ${database}`,
          Parameters: parameters,
          StorageDescriptor: {
            Location: `s3://${bucketOf(database)}/${name}`,
            Columns: [
              column('rental_id', 'int', false),
              {
                ...column('rental_date', 'timestamp'),
                Comment: 'When the DVD left',
              },
            ],
          },
        },
      }),
    );
  for (const database of [
    'sakila_bronze',
    'sakila_silver',
    'sakila_gold',
    'scratch',
  ]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucketOf(database) }));
  }
  for (const layer of ['bronze', 'silver', 'gold']) {
    await glue.send(
      new CreateDatabaseCommand({
        DatabaseInput: {
          Name: `sakila_${layer}`,
          Parameters: { 'datalake.owner': 'group:default/data-engineering' },
        },
      }),
    );
  }
  await glue.send(
    new CreateDatabaseCommand({ DatabaseInput: { Name: 'scratch' } }),
  );
  for (const name of ['rental', 'payment', 'film']) {
    await table('sakila_bronze', name, {
      'datalake.upstream': `mysql:sakila/sakila.${name}`,
      'datalake.source': 'sakila',
    });
    await table('sakila_silver', name, {
      'datalake.upstream': `sakila_bronze.${name}`,
      'datalake.source': 'sakila',
    });
  }
  await table('sakila_gold', 'revenue_by_month', {
    'datalake.upstream': 'sakila_silver.rental,sakila_silver.payment',
    'datalake.owner': 'group:default/analysts',
  });
  await table('scratch', 'ignored', {});
}

describe('catalog module against the local AWS emulator', () => {
  let emulator: RunningEmulator;
  let stateDir: string;
  let glue: GlueClient;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-datalake-'));
    emulator = await startEmulator({ port: 0, stateDir });
    const clientConfig = {
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    glue = new GlueClient(clientConfig);
    await createLake(
      glue,
      new S3Client({ ...clientConfig, forcePathStyle: true }),
    );
  });

  afterAll(async () => {
    await emulator?.close().catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('syncs every table, drops removed ones, and survives an outage', async () => {
    const catalog = await startCatalogTestBackend({
      endpoint: emulator.url,
      providerId: 'lake',
      provider: { maxRemovalShare: 0.5 },
    });
    const waitFor = catalog.waitForTables;
    const tableEntities = catalog.tableEntities;

    try {
      await catalog.triggerSync();
      // Relations, reverse ones included, arrive once every entity has been processed.
      const entities = await waitFor(
        e =>
          e.length === 7 &&
          e.find(x => x.metadata.name === 'sakila_silver.rental')?.relations
            ?.length === 4,
      );
      expect(entities.map(e => e.metadata.name).sort()).toEqual([
        'sakila_bronze.film',
        'sakila_bronze.payment',
        'sakila_bronze.rental',
        'sakila_gold.revenue_by_month',
        'sakila_silver.film',
        'sakila_silver.payment',
        'sakila_silver.rental',
      ]);
      const byName = new Map(entities.map(e => [e.metadata.name, e]));
      const silver = byName.get('sakila_silver.rental')!;
      expect(silver.metadata.annotations?.['datalake-portal.io/layer']).toBe(
        'silver',
      );
      expect(silver.spec?.owner).toBe('group:default/data-engineering');
      expect(silver.spec?.columns).toEqual([
        { name: 'rental_id', type: 'int', nullable: false, partition: false },
        {
          name: 'rental_date',
          type: 'timestamp',
          nullable: true,
          comment: 'When the DVD left',
          partition: false,
        },
      ]);
      const relations = (e: Entity) =>
        (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();
      expect(relations(silver)).toEqual([
        'dependencyOf resource:default/sakila_gold.revenue_by_month',
        'dependsOn resource:default/sakila_bronze.rental',
        'ownedBy group:default/data-engineering',
        'partOf system:default/sakila',
      ]);
      expect(relations(byName.get('sakila_gold.revenue_by_month')!)).toEqual([
        'dependsOn resource:default/sakila_silver.payment',
        'dependsOn resource:default/sakila_silver.rental',
        'ownedBy group:default/analysts',
      ]);
      expect(relations(byName.get('sakila_bronze.rental')!)).toContain(
        'dependsOn resource:default/mysql.sakila',
      );

      // A table dropped in Glue leaves the catalog on the next sync.
      await glue.send(
        new DeleteTableCommand({
          DatabaseName: 'sakila_gold',
          Name: 'revenue_by_month',
        }),
      );
      await catalog.triggerSync();
      const afterDrop = await waitFor(e => e.length === 6);
      expect(afterDrop.map(e => e.metadata.name)).not.toContain(
        'sakila_gold.revenue_by_month',
      );

      // With the emulator gone (its port answering 503 to every call), a sync fails and every
      // entity stays.
      await emulator.close();
      let outageRequests = 0;
      const outage = http.createServer((_req, res) => {
        outageRequests += 1;
        res.writeHead(503).end();
      });
      await new Promise<void>(resolve =>
        outage.listen(emulator.port, '127.0.0.1', resolve),
      );
      try {
        await catalog.triggerSync();
        const deadline = Date.now() + 20_000;
        while (outageRequests === 0 && Date.now() < deadline) {
          await new Promise(resolve => setTimeout(resolve, 100));
        }
        expect(outageRequests).toBeGreaterThan(0);
        // Give the failed sync time to finish retrying, and the catalog time to apply anything.
        await new Promise(resolve => setTimeout(resolve, 3_000));
        const afterOutage = await tableEntities();
        expect(afterOutage.map(e => e.metadata.name).sort()).toEqual(
          afterDrop.map(e => e.metadata.name).sort(),
        );
      } finally {
        await new Promise(resolve => outage.close(resolve));
      }
    } finally {
      await catalog.stop();
    }
  }, 90_000);
});
