import {
  GetDatabasesCommand,
  GetTablesCommand,
  GlueClient,
  Table,
} from '@aws-sdk/client-glue';
import {
  GetResourceLFTagsCommand,
  LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { mockClient } from 'aws-sdk-client-mock';
import { readProviderConfigs } from '@datalake-portal/backstage-plugin-datalake-node';
import { DatalakeEntityProvider } from './DatalakeEntityProvider';

const glueMock = mockClient(GlueClient);
const lfMock = mockClient(LakeFormationClient);

function icebergTable(
  database: string,
  name: string,
  extra: Partial<Table> = {},
): Table {
  return {
    Name: name,
    DatabaseName: database,
    CatalogId: '123456789012',
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      table_type: 'ICEBERG',
      metadata_location: `s3://lake-${database}/${name}/metadata/00001.metadata.json`,
      'format-version': '2',
    },
    StorageDescriptor: {
      Location: `s3://lake-${database}/${name}`,
      Columns: [
        {
          Name: 'rental_id',
          Type: 'int',
          Parameters: { 'iceberg.field.optional': 'false' },
        },
        {
          Name: 'rental_date',
          Type: 'timestamp',
          Comment: 'When the DVD left the store',
        },
      ],
    },
    ...extra,
  };
}

function setup(extraConfig: Record<string, unknown> = {}) {
  const [config] = readProviderConfigs(
    new ConfigReader({
      catalog: {
        providers: {
          datalake: {
            demo: {
              region: 'eu-west-1',
              databases: { include: ['sakila_.*'] },
              layers: {
                rules: [
                  { layer: 'bronze', databasePattern: '.*_bronze' },
                  { layer: 'silver', databasePattern: '.*_silver' },
                ],
              },
              owner: { fallback: 'group:default/data-platform' },
              ...extraConfig,
            },
          },
        },
      },
    }),
  );
  const applyMutation = jest.fn();
  const connection: EntityProviderConnection = {
    applyMutation,
    refresh: jest.fn(),
  };
  const counter = jest.fn(async () => 0);
  const provider = new DatalakeEntityProvider(
    config,
    {
      glue: new GlueClient({ region: 'eu-west-1' }),
      lakeFormation: new LakeFormationClient({ region: 'eu-west-1' }),
      accountId: '123456789012',
    },
    mockServices.logger.mock(),
    { run: jest.fn() },
    counter,
  );
  return { provider, connection, applyMutation, counter };
}

describe('DatalakeEntityProvider', () => {
  beforeEach(() => {
    glueMock.reset();
    lfMock.reset();
    glueMock.on(GetDatabasesCommand).resolves({
      DatabaseList: [
        {
          Name: 'sakila_bronze',
          Parameters: { 'datalake.owner': 'group:default/data-engineering' },
        },
        { Name: 'sakila_silver' },
        { Name: 'scratch' },
      ],
    });
    glueMock
      .on(GetTablesCommand, { DatabaseName: 'sakila_bronze' })
      .resolvesOnce({
        TableList: [icebergTable('sakila_bronze', 'rental')],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        TableList: [
          icebergTable('sakila_bronze', 'film', {
            Parameters: {
              table_type: 'ICEBERG',
              'datalake.owner': 'group:default/analysts',
            },
          }),
        ],
      });
    glueMock.on(GetTablesCommand, { DatabaseName: 'sakila_silver' }).resolves({
      TableList: [
        icebergTable('sakila_silver', 'rental', {
          Parameters: {
            table_type: 'ICEBERG',
            'datalake.upstream': 'sakila_bronze.rental',
            'datalake.source': 'sakila',
          },
          PartitionKeys: [{ Name: 'rental_month', Type: 'string' }],
        }),
      ],
    });
  });

  it('emits a valid entity per included database and table, with layer, owner, columns and relations', async () => {
    const { provider, connection, applyMutation } = setup();
    await provider.connect(connection);
    const result = await provider.refresh();

    expect(result).toEqual({
      applied: true,
      databases: 2,
      tables: 3,
      invalid: 0,
      readMs: expect.any(Number),
      buildMs: expect.any(Number),
      applyMs: expect.any(Number),
    });
    expect(glueMock.commandCalls(GetTablesCommand)).toHaveLength(3);
    const mutation = applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    const byName = Object.fromEntries(
      mutation.entities.map((e: any) => [e.entity.metadata.name, e]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'sakila_bronze',
      'sakila_bronze.film',
      'sakila_bronze.rental',
      'sakila_silver',
      'sakila_silver.rental',
    ]);
    for (const { locationKey } of mutation.entities) {
      expect(locationKey).toBe('datalake:demo');
    }

    const rental = byName['sakila_bronze.rental'].entity;
    expect(rental.metadata.title).toBe('sakila_bronze.rental');
    expect(rental.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'datalake:demo',
      'backstage.io/managed-by-origin-location': 'datalake:demo',
      'datalake-portal.io/layer': 'bronze',
      'datalake-portal.io/glue-database': 'sakila_bronze',
      'datalake-portal.io/table-arn':
        'arn:aws:glue:eu-west-1:123456789012:table/sakila_bronze/rental',
      'datalake-portal.io/location': 's3://lake-sakila_bronze/rental',
      'datalake-portal.io/iceberg-format-version': '2',
    });
    expect(rental.metadata.tags).toEqual(['bronze', 'iceberg']);
    expect(rental.spec).toMatchObject({
      type: 'iceberg-table',
      owner: 'group:default/data-engineering',
      columns: [
        { name: 'rental_id', type: 'int', nullable: false, partition: false },
        {
          name: 'rental_date',
          type: 'timestamp',
          nullable: true,
          comment: 'When the DVD left the store',
          partition: false,
        },
      ],
    });
    expect(rental.metadata.links.map((l: any) => l.title)).toEqual([
      'Glue console',
      'S3 location',
    ]);

    // A table parameter overrides the database's owner; the fallback applies without either.
    expect(byName['sakila_bronze.film'].entity.spec.owner).toBe(
      'group:default/analysts',
    );
    const silver = byName['sakila_silver.rental'].entity;
    expect(silver.spec.owner).toBe('group:default/data-platform');
    expect(silver.spec.dependsOn).toEqual([
      'resource:default/sakila_bronze.rental',
    ]);
    expect(silver.spec.system).toBe('system:default/sakila');
    expect(silver.spec.columns.at(-1)).toEqual({
      name: 'rental_month',
      type: 'string',
      nullable: true,
      partition: true,
    });
    expect(byName.sakila_silver.entity.spec).toEqual({
      type: 'glue-database',
      owner: 'group:default/data-platform',
    });
  });

  it('takes the owner from an LF-Tag on the database when configured', async () => {
    lfMock.on(GetResourceLFTagsCommand).resolves({
      LFTagOnDatabase: [
        { TagKey: 'owner', TagValues: ['group:default/finance'] },
      ],
    });
    const { provider, connection, applyMutation } = setup({
      owner: { lfTagKey: 'owner' },
    });
    await provider.connect(connection);
    await provider.refresh();
    const entities = applyMutation.mock.calls[0][0].entities.map(
      (e: any) => e.entity,
    );
    const silver = entities.find(
      (e: any) => e.metadata.name === 'sakila_silver.rental',
    );
    expect(silver.spec.owner).toBe('group:default/finance');
    expect(lfMock.commandCalls(GetResourceLFTagsCommand)).toHaveLength(2);
  });

  it('changes nothing when a Glue call fails', async () => {
    glueMock
      .on(GetTablesCommand, { DatabaseName: 'sakila_silver' })
      .rejects(new Error('Rate exceeded'));
    const { provider, connection, applyMutation } = setup();
    await provider.connect(connection);
    await expect(provider.refresh()).rejects.toThrow('Rate exceeded');
    expect(applyMutation).not.toHaveBeenCalled();
  });

  it('changes nothing when Glue answers with nothing', async () => {
    glueMock.on(GetDatabasesCommand).resolves({ DatabaseList: [] });
    const { provider, connection, applyMutation } = setup();
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(result.applied).toBe(false);
    expect(applyMutation).not.toHaveBeenCalled();
  });

  it('refuses a sync that would remove more than the configured share', async () => {
    const { provider, connection, applyMutation, counter } = setup({
      maxRemovalShare: 0.2,
    });
    counter.mockResolvedValue(50);
    await provider.connect(connection);
    const result = await provider.refresh();
    expect(counter).toHaveBeenCalledWith('datalake:demo');
    expect(result.applied).toBe(false);
    expect(result.reason).toContain('remove 45 of 50 entities');
    expect(applyMutation).not.toHaveBeenCalled();
  });
});
