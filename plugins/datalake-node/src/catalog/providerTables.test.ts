import { ProviderTables } from './providerTables';

const tables = new ProviderTables([
  {
    id: 'lake',
    namespace: 'default',
    region: 'eu-west-1',
    accountId: '111122223333',
  },
  { id: 'audit', namespace: 'audit', region: 'us-east-1' },
]);

function entity(
  overrides: {
    location?: string;
    origin?: string;
    namespace?: string;
    arn?: string;
    database?: string;
    kind?: string;
    type?: string;
  } = {},
) {
  const location = overrides.location ?? 'datalake:lake';
  return {
    kind: overrides.kind ?? 'Resource',
    metadata: {
      namespace: overrides.namespace ?? 'default',
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': overrides.origin ?? location,
        'datalake-portal.io/glue-database': overrides.database ?? 'shop_silver',
        'datalake-portal.io/table-arn':
          overrides.arn ??
          'arn:aws:glue:eu-west-1:111122223333:table/shop_silver/orders',
      },
    },
    spec: { type: overrides.type ?? 'iceberg-table' },
  };
}

describe('ProviderTables', () => {
  it('identifies a table entity a configured provider emitted, with the ARN rebuilt from its config', () => {
    expect(tables.identify(entity())).toEqual({
      providerId: 'lake',
      database: 'shop_silver',
      table: 'orders',
      region: 'eu-west-1',
      catalogId: '111122223333',
      tableArn: 'arn:aws:glue:eu-west-1:111122223333:table/shop_silver/orders',
    });
    // Without an account in config, the account is the one the provider read and wrote.
    expect(
      tables.identify(
        entity({
          location: 'datalake:audit',
          namespace: 'audit',
          arn: 'arn:aws:glue:us-east-1:444455556666:table/shop_silver/orders',
        }),
      ),
    ).toEqual({
      providerId: 'audit',
      database: 'shop_silver',
      table: 'orders',
      region: 'us-east-1',
      tableArn: 'arn:aws:glue:us-east-1:444455556666:table/shop_silver/orders',
    });
  });

  it.each([
    ['registered from a URL', { location: 'url:https://example.com/c.yaml' }],
    ['registered from a file', { location: 'file:/tmp/catalog-info.yaml' }],
    [
      'whose origin is another location',
      { origin: 'url:https://example.com/c.yaml' },
    ],
    ['of a provider not in config', { location: 'datalake:other' }],
    ['in another namespace than its provider’s', { namespace: 'finance' }],
    [
      'with an ARN in another account',
      { arn: 'arn:aws:glue:eu-west-1:999999999999:table/shop_silver/orders' },
    ],
    [
      'with an ARN in another region',
      { arn: 'arn:aws:glue:us-east-1:111122223333:table/shop_silver/orders' },
    ],
    [
      'whose ARN names another database than its annotation',
      { database: 'shop_gold' },
    ],
    ['that is not a table', { type: 'glue-database' }],
    ['that is not a Resource', { kind: 'Component' }],
    ['with a malformed ARN', { arn: 'arn:aws:glue:eu-west-1:1:table/x' }],
  ])('refuses an entity %s', (_case, overrides) => {
    expect(tables.identify(entity(overrides))).toBeUndefined();
  });
});
