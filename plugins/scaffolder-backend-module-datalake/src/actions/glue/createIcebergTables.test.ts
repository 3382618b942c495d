import {
  CreateDatabaseCommand,
  CreateTableCommand,
  CreateTableCommandInput,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { ConflictError, InputError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { createIcebergTableCreateAction } from './createIcebergTables';
import { examples } from './createIcebergTables.examples';
import {
  actionContext,
  exampleInputs,
  mockedOptions,
  sakilaInspection,
  testPipelineConfig,
} from './__testUtils__/pipelineTestContext';

const glue = mockClient(GlueClient);

function notFound(message: string) {
  return new EntityNotFoundException({ message, $metadata: {} });
}

/** A Glue double that keeps what CreateTable/CreateDatabase received, as Glue would. */
function fakeCatalog() {
  const tables = new Map<string, CreateTableCommandInput>();
  const databases = new Set<string>();
  glue.on(GetDatabaseCommand).callsFake(input => {
    if (!databases.has(input.Name))
      throw notFound(`Database ${input.Name} not found.`);
    return { Database: { Name: input.Name } };
  });
  glue.on(CreateDatabaseCommand).callsFake(input => {
    databases.add(input.DatabaseInput.Name);
    return {};
  });
  glue.on(GetTableCommand).callsFake(input => {
    const created = tables.get(`${input.DatabaseName}.${input.Name}`);
    if (!created) throw notFound(`Table ${input.Name} not found.`);
    return {
      Table: {
        ...created.TableInput,
        CatalogId: '111122223333',
        Parameters: {
          ...created.TableInput!.Parameters,
          table_type: 'ICEBERG',
          metadata_location: `${
            created.TableInput!.StorageDescriptor!.Location
          }/metadata/00000-x.metadata.json`,
        },
      },
    };
  });
  glue.on(CreateTableCommand).callsFake(input => {
    tables.set(`${input.DatabaseName}.${input.TableInput.Name}`, input);
    return {};
  });
  return { tables, databases };
}

const created = () =>
  glue.commandCalls(CreateTableCommand).map(c => c.args[0].input);

beforeEach(() => glue.reset());

describe('datalake:glue:iceberg-table:create', () => {
  it('runs the example with gold and partitioning: bronze with change columns, silver, gold, lineage parameters', async () => {
    fakeCatalog();
    const action = createIcebergTableCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0]);
    await action.handler(ctx as any);

    expect(
      created().map(t => `${t.DatabaseName}.${t.TableInput!.Name}`),
    ).toEqual([
      'sakila_bronze.payment',
      'sakila_bronze.staff',
      'sakila_silver.payment',
      'sakila_silver.staff',
      'sakila_gold.revenue_by_store_month',
    ]);
    const [bronzePayment, , silverPayment, , gold] = created();
    expect(bronzePayment.TableInput!.StorageDescriptor).toEqual({
      Location: 's3://datalake-bronze/sakila_bronze/payment',
      Columns: [
        { Name: 'payment_id', Type: 'int' },
        { Name: 'customer_id', Type: 'int' },
        { Name: 'staff_id', Type: 'int' },
        { Name: 'rental_id', Type: 'int' },
        { Name: 'amount', Type: 'decimal(5,2)' },
        { Name: 'payment_date', Type: 'timestamp' },
        { Name: 'last_update', Type: 'timestamp' },
        { Name: '_dl_op', Type: 'string' },
        { Name: '_dl_commit_ts', Type: 'timestamp' },
        { Name: '_dl_change_seq', Type: 'string' },
        { Name: '_dl_source_file', Type: 'string' },
        { Name: '_dl_source_row', Type: 'bigint' },
      ],
    });
    expect(bronzePayment.TableInput!.Parameters).toEqual({
      'datalake.layer': 'bronze',
      'datalake.owner': 'group:default/data-engineering',
      'datalake.upstream': 'mysql:sakila/sakila.payment',
      'datalake.source': 'sakila',
      'datalake.pipeline': 'datalake-sakila',
    });
    const iceberg = bronzePayment.OpenTableFormatInput!.IcebergInput!;
    expect(iceberg.MetadataOperation).toBe('CREATE');
    expect(iceberg.Version).toBe('2');
    // Merge-on-read (the default): the key is a property, not Iceberg identifier fields, which
    // Iceberg 1.7 cannot MERGE into in that mode (apache/iceberg#11709).
    expect(iceberg.CreateIcebergTableInput!.Schema!.IdentifierFieldIds).toEqual(
      [],
    );
    expect(iceberg.CreateIcebergTableInput!.Properties).toMatchObject({
      'datalake.merge-key': 'payment_id',
    });
    expect(iceberg.CreateIcebergTableInput!.Schema!.Fields![0]).toEqual({
      Id: 1,
      Name: 'payment_id',
      Type: 'int',
      Required: true,
    });
    expect(iceberg.CreateIcebergTableInput!.Properties).toMatchObject({
      'format-version': '2',
      'write.delete.mode': 'merge-on-read',
      'write.update.mode': 'merge-on-read',
      'write.merge.mode': 'merge-on-read',
    });

    expect(silverPayment.TableInput!.Parameters!['datalake.upstream']).toBe(
      'sakila_bronze.payment',
    );
    expect(
      silverPayment.TableInput!.StorageDescriptor!.Columns!.map(c => c.Name),
    ).not.toContain('_dl_op');
    expect(
      silverPayment.OpenTableFormatInput!.IcebergInput!.CreateIcebergTableInput!
        .PartitionSpec,
    ).toEqual({
      SpecId: 0,
      Fields: [
        {
          SourceId: 6,
          Transform: 'month',
          Name: 'payment_date_month',
          FieldId: 1000,
        },
      ],
    });

    expect(gold.TableInput!.Parameters).toMatchObject({
      'datalake.layer': 'gold',
      'datalake.upstream': 'sakila_silver.payment,sakila_silver.staff',
    });
    expect(gold.TableInput!.StorageDescriptor!.Columns).toEqual([
      { Name: 'store_id', Type: 'int' },
      { Name: 'month', Type: 'timestamp' },
      { Name: 'revenue', Type: 'decimal(12,2)' },
    ]);

    expect(
      glue
        .commandCalls(CreateDatabaseCommand)
        .map(c => c.args[0].input.DatabaseInput!.Name),
    ).toEqual(['sakila_bronze', 'sakila_silver', 'sakila_gold']);
    expect(ctx.output).toHaveBeenCalledWith('createdCount', 5);
    const tables = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'tables',
    )[1];
    expect(tables[0]).toEqual({
      layer: 'bronze',
      database: 'sakila_bronze',
      table: 'payment',
      location: 's3://datalake-bronze/sakila_bronze/payment',
      arn: 'arn:aws:glue:eu-west-1:111122223333:table/sakila_bronze/payment',
      metadataLocation:
        's3://datalake-bronze/sakila_bronze/payment/metadata/00000-x.metadata.json',
      status: 'created',
    });
  });

  it('gives copy-on-write tables the merge key as Iceberg identifier fields', async () => {
    fakeCatalog();
    const action = createIcebergTableCreateAction(
      mockedOptions(
        testPipelineConfig({ table: { writeMode: 'copy-on-write' } }),
      ),
    );
    await action.handler(
      actionContext(exampleInputs(examples[0].example)[0]) as any,
    );
    const silver = created().find(
      t =>
        `${t.DatabaseName}.${t.TableInput!.Name}` === 'sakila_silver.payment',
    )!;
    const input =
      silver.OpenTableFormatInput!.IcebergInput!.CreateIcebergTableInput!;
    expect(input.Schema!.IdentifierFieldIds).toEqual([1]);
    expect(input.Properties).toMatchObject({
      'write.merge.mode': 'copy-on-write',
      'datalake.merge-key': 'payment_id',
    });
  });

  it('runs the example for every table of the report: 16 bronze and 16 silver tables', async () => {
    fakeCatalog();
    const action = createIcebergTableCreateAction(mockedOptions());
    await action.handler(
      actionContext(exampleInputs(examples[1].example)[0]) as any,
    );
    expect(
      created().filter(t => t.DatabaseName === 'sakila_bronze'),
    ).toHaveLength(16);
    expect(
      created().filter(t => t.DatabaseName === 'sakila_silver'),
    ).toHaveLength(16);
  });

  it('creates nothing when the tables exist with the same definition', async () => {
    const catalog = fakeCatalog();
    const action = createIcebergTableCreateAction(mockedOptions());
    const input = exampleInputs(examples[0].example)[0];
    await action.handler(actionContext(input) as any);
    expect(catalog.tables.size).toBe(5);

    glue.resetHistory();
    const ctx = actionContext(input);
    await action.handler(ctx as any);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(CreateDatabaseCommand)).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('createdCount', 0);
  });

  it('fails with a conflict when a table exists with another definition', async () => {
    const catalog = fakeCatalog();
    const action = createIcebergTableCreateAction(mockedOptions());
    const input = {
      sourceId: 'sakila',
      owner: 'group:default/data-engineering',
      inspection: sakilaInspection(),
      tables: ['actor'],
    };
    await action.handler(actionContext(input) as any);
    const bronze = catalog.tables.get('sakila_bronze.actor')!;
    bronze.TableInput!.Parameters!['datalake.owner'] =
      'group:default/someone-else';
    bronze.TableInput!.StorageDescriptor!.Columns!.pop();

    glue.resetHistory();
    await expect(action.handler(actionContext(input) as any)).rejects.toThrow(
      ConflictError,
    );
    await expect(action.handler(actionContext(input) as any)).rejects.toThrow(
      'Glue table sakila_bronze.actor already exists with a different columns, datalake.owner; this action does not alter existing tables (nothing was changed)',
    );
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('follows the configured databases, buckets and write mode', async () => {
    fakeCatalog();
    const config = testPipelineConfig({
      layers: {
        silver: {
          database: 'lake_{source}_clean',
          bucket: 'clean',
          prefix: 'tables',
        },
      },
      table: { writeMode: 'copy-on-write' },
    });
    const action = createIcebergTableCreateAction(mockedOptions(config));
    await action.handler(
      actionContext({
        sourceId: 'sakila',
        owner: 'group:default/x',
        inspection: sakilaInspection(),
        tables: ['film'],
      }) as any,
    );
    const silver = created().find(t => t.DatabaseName === 'lake_sakila_clean')!;
    expect(silver.TableInput!.StorageDescriptor!.Location).toBe(
      's3://clean/tables/lake_sakila_clean/film',
    );
    expect(
      silver.OpenTableFormatInput!.IcebergInput!.CreateIcebergTableInput!
        .Properties,
    ).toMatchObject({
      'write.merge.mode': 'copy-on-write',
      'write.delete.mode': 'copy-on-write',
    });
  });

  it('makes no AWS call in a dry run', async () => {
    const action = createIcebergTableCreateAction(mockedOptions());
    const ctx = actionContext(exampleInputs(examples[0].example)[0], true);
    await action.handler(ctx as any);
    expect(glue.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('createdCount', 0);
  });

  it('refuses bad input before any call', async () => {
    const action = createIcebergTableCreateAction(mockedOptions());
    const base = {
      sourceId: 'sakila',
      owner: 'group:default/x',
      inspection: sakilaInspection(),
    };
    await expect(
      action.handler(actionContext({ ...base, tables: ['nope'] }) as any),
    ).rejects.toThrow(
      "table 'nope' is not in the inspection report of 'sakila'",
    );
    await expect(
      action.handler(actionContext({ ...base, inspection: { foo: 1 } }) as any),
    ).rejects.toThrow(InputError);
    await expect(
      action.handler(
        actionContext({
          ...base,
          tables: ['film'],
          gold: [
            {
              table: 'g',
              sql: 'SELECT 1',
              upstream: ['rental'],
              columns: [{ name: 'x', type: 'int' }],
            },
          ],
        }) as any,
      ),
    ).rejects.toThrow(
      "gold table 'g' reads 'rental', which is not a pipeline table",
    );
    await expect(
      createIcebergTableCreateAction({
        ...mockedOptions(),
        pipeline: undefined,
      }).handler(actionContext({ ...base, tables: ['film'] }) as any),
    ).rejects.toThrow(
      'datalake.pipeline (glue.roleArn, stepFunctions.roleArn, layer buckets) is not configured',
    );
    expect(glue.calls()).toHaveLength(0);
  });
});
