import {
  EntityNotFoundException,
  GetTablesCommand,
  GetTablesCommandOutput,
  GlueClient,
} from '@aws-sdk/client-glue';
import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DatalakeAwsClientFactory } from './DatalakeAwsClientFactory';

/** A Glue endpoint that answers every call with the next canned response. */
async function cannedGlue(): Promise<{
  endpoint: string;
  /** The next answer; a string is sent as it is, anything else as JSON. */
  answer(status: number, body: unknown): void;
  close(): Promise<void>;
}> {
  let next = { status: 200, body: '{}' };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, {
        'content-type': 'application/x-amz-json-1.1',
      });
      res.end(next.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    answer(status, body) {
      next = {
        status,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      };
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

function tablesPage(fieldId: number | string) {
  return {
    TableList: [
      {
        Name: 'rental',
        DatabaseName: 'silver_sakila',
        CreateTime: 1732441234.567,
        UpdateTime: 1732441299,
        Parameters: {
          table_type: 'ICEBERG',
          metadata_location: 's3://silver/rental/metadata/00002.metadata.json',
        },
        PartitionKeys: [{ Name: 'rental_month', Type: 'string' }],
        StorageDescriptor: {
          Location: 's3://silver/rental',
          Columns: [
            { Name: 'rental_id', Type: 'bigint', Comment: 'Primary key' },
            {
              Name: 'rental_date',
              Type: 'timestamp',
              Parameters: { 'iceberg.field.id': '2' },
            },
          ],
        },
        IcebergTableMetadata: {
          Schemas: [
            {
              SchemaId: 0,
              Fields: [
                {
                  Id: 1,
                  Name: 'payload',
                  Required: false,
                  Type: {
                    type: 'struct',
                    fields: [{ id: fieldId, name: 'x', type: 'long' }],
                  },
                },
              ],
            },
          ],
        },
      },
    ],
    NextToken: 'page-2',
  };
}

function withoutMetadata(output: GetTablesCommandOutput) {
  const { $metadata, ...rest } = output;
  return rest;
}

describe('Glue clients parse responses without a reviver', () => {
  let glue: Awaited<ReturnType<typeof cannedGlue>>;
  let stock: GlueClient;
  let ours: GlueClient;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  beforeAll(async () => {
    glue = await cannedGlue();
    stock = new GlueClient({
      endpoint: glue.endpoint,
      region: 'us-east-1',
      credentials,
    });
    ours = await DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({ datalake: { aws: { endpoint: glue.endpoint } } }),
    ).glue();
  });

  afterAll(async () => {
    stock.destroy();
    await glue.close();
  });

  it('reads a GetTables page exactly as the stock client does', async () => {
    glue.answer(200, tablesPage(7));
    const expected = await stock.send(
      new GetTablesCommand({ DatabaseName: 'silver_sakila' }),
    );
    const actual = await ours.send(
      new GetTablesCommand({ DatabaseName: 'silver_sakila' }),
    );
    expect(withoutMetadata(actual)).toEqual(withoutMetadata(expected));
    const [table] = actual.TableList!;
    expect(table.CreateTime).toEqual(new Date('2024-11-24T09:40:34.567Z'));
    expect(table.StorageDescriptor?.Columns?.[1].Parameters).toEqual({
      'iceberg.field.id': '2',
    });
    expect(table.IcebergTableMetadata?.Schemas?.[0].Fields?.[0].Type).toEqual({
      type: 'struct',
      fields: [{ id: 7, name: 'x', type: 'long' }],
    });
    expect(actual.NextToken).toBe('page-2');
  });

  it('keeps plain numbers inside documents, where the stock client keeps big ones exact', async () => {
    // 2^53 + 1 is not a double: only a reviver keeps it, and Glue never sends such a number.
    glue.answer(
      200,
      JSON.stringify(tablesPage(0)).replace('"id":0', '"id":9007199254740993'),
    );
    const fieldId = async (client: GlueClient) => {
      const out = await client.send(
        new GetTablesCommand({ DatabaseName: 'silver_sakila' }),
      );
      const type = out.TableList![0].IcebergTableMetadata!.Schemas![0]
        .Fields![0].Type as { fields: Array<{ id: unknown }> };
      return type.fields[0].id;
    };
    expect(typeof (await fieldId(stock))).toBe('bigint');
    expect(await fieldId(ours)).toBe(9007199254740992);
  });

  it('turns Glue errors into the same modeled exceptions', async () => {
    glue.answer(400, {
      __type: 'EntityNotFoundException',
      Message: 'Database nope not found.',
    });
    const failure = (client: GlueClient) =>
      client.send(new GetTablesCommand({ DatabaseName: 'nope' })).then(
        () => undefined,
        (error: unknown) => error,
      );
    const expected = await failure(stock);
    const actual = await failure(ours);
    expect(actual).toBeInstanceOf(EntityNotFoundException);
    expect(expected).toBeInstanceOf(EntityNotFoundException);
    expect((actual as Error).message).toBe('Database nope not found.');
    expect((actual as Error).message).toBe((expected as Error).message);
  });
});
