import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import { CacheManager } from '@backstage/backend-defaults/cache';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DatalakeAwsClientFactory,
  parseIcebergMetadata,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import express from 'express';
import request from 'supertest';
import { createTablesRouter } from './createTablesRouter';
import { TableMetadataService } from './TableMetadataService';

const FIXTURES = path.resolve(
  __dirname,
  '../../../datalake-node/src/iceberg/__fixtures__',
);
const RENTAL_METADATA = fs.readFileSync(
  path.join(FIXTURES, 'v2-merge-then-compaction.metadata.json'),
  'utf8',
);
const REVENUE_METADATA = fs.readFileSync(
  path.join(FIXTURES, 'v2-no-snapshots.metadata.json'),
  'utf8',
);

const RENTAL_LOCATION =
  's3://datalake-silver-000000000000/sakila_silver/rental/metadata/00002-1b2c3d4e.metadata.json';

/** The Glue provider `lake` and the lake's buckets, as the portal configures them. */
const LAKE_CONFIG = {
  catalog: { providers: { datalake: { lake: { region: 'us-east-1' } } } },
};
const METADATA_BUCKETS = [
  'datalake-silver-000000000000',
  'datalake-gold-000000000000',
  'datalake-bronze-000000000000',
];

/** A table entity as the Glue provider `lake` emits it for `database.table`. */
function tableEntity(
  name: string,
  type: string,
  glueTable: string,
  annotations: Record<string, string>,
): Entity {
  const [database, table] = glueTable.split('.');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: glueTable,
      annotations: {
        'backstage.io/managed-by-location': 'datalake:lake',
        'backstage.io/managed-by-origin-location': 'datalake:lake',
        'datalake-portal.io/layer': 'silver',
        'datalake-portal.io/glue-database': database,
        'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:000000000000:table/${database}/${table}`,
        ...annotations,
      },
    },
    spec: { type, owner: 'group:default/data-eng' },
  };
}

const rental = tableEntity(
  'sakila-silver-rental',
  'iceberg-table',
  'sakila_silver.rental',
  { 'datalake-portal.io/metadata-location': RENTAL_LOCATION },
);
const revenue = tableEntity(
  'sakila-gold-revenue',
  'iceberg-table',
  'sakila_gold.revenue',
  {
    'datalake-portal.io/metadata-location':
      's3://datalake-gold-000000000000/sakila_gold/revenue/metadata/00000-aa.metadata.json',
  },
);
const csvTable = tableEntity(
  'sakila-bronze-legacy-csv',
  'glue-table',
  'sakila_bronze.legacy_csv',
  {},
);
// With an annotation from an older catalog sync.
const payment = tableEntity(
  'sakila-silver-payment',
  'iceberg-table',
  'sakila_silver.payment',
  {
    'datalake-portal.io/metadata-location':
      's3://datalake-silver-000000000000/sakila_silver/payment/metadata/00000-old.metadata.json',
  },
);
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'sakila-silver-rental' },
  spec: { type: 'service', owner: 'group:default/data-eng', lifecycle: 'x' },
};

/** The Node body of a GetObject answer: a byte stream. */
function body(content: string) {
  return Readable.from([Buffer.from(content)]);
}

function awsError(name: string, message: string, status: number) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

// The service gets this factory, and the test mocks the very S3 client it hands out.
const awsClients = DatalakeAwsClientFactory.fromConfig(
  new ConfigReader({
    datalake: { aws: { endpoint: 'http://127.0.0.1:4566' } },
  }),
);

describe('createTablesRouter', () => {
  let s3Mock: ReturnType<typeof mockClient>;
  let glueMock: ReturnType<typeof mockClient>;
  beforeAll(async () => {
    s3Mock = mockClient(await awsClients.s3());
    glueMock = mockClient(await awsClients.glue());
  });
  afterAll(() => {
    s3Mock.restore();
    glueMock.restore();
  });

  /** The inputs of the GetObject calls made so far. */
  function getObjectCalls() {
    return s3Mock
      .calls()
      .map(call => call.args[0] as { constructor: Function; input: unknown })
      .filter(command => command.constructor.name === 'GetObjectCommand')
      .map(command => command.input);
  }

  function setup(options: { entities?: Entity[]; ttlSeconds?: number } = {}) {
    s3Mock.reset();
    glueMock.reset();
    s3Mock.onAnyCommand().callsFake(async ({ Key }) => ({
      Body: body(
        Key.includes('/revenue/') ? REVENUE_METADATA : RENTAL_METADATA,
      ),
    }));
    const config = new ConfigReader({
      ...LAKE_CONFIG,
      datalake: {
        tables: { metadataBuckets: METADATA_BUCKETS },
        aws: { endpoint: 'http://127.0.0.1:4566' },
        ...(options.ttlSeconds
          ? { freshness: { cacheTtlSeconds: options.ttlSeconds } }
          : {}),
      },
    });
    const catalog = catalogServiceMock({
      entities: options.entities ?? [
        rental,
        revenue,
        csvTable,
        component,
        payment,
      ],
    });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
      'datalake',
    );
    const tables = TableMetadataService.create({
      config,
      logger: mockServices.logger.mock(),
      cache,
      catalog,
      auth: mockServices.auth(),
      awsClients,
    });
    const app = express()
      .use(createTablesRouter({ httpAuth: mockServices.httpAuth(), tables }))
      .use(mockErrorHandler());
    return { app, getEntityByRef };
  }

  describe('GET /v1/freshness', () => {
    it('reports the last data change, ignoring the later compaction', async () => {
      const { app, getEntityByRef } = setup();
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-rental' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        entityRef: 'resource:default/sakila-silver-rental',
        metadataLocation: RENTAL_LOCATION,
        lastDataChange: {
          snapshotId: '5278335247536493871',
          timestamp: '2024-05-01T10:00:00.000Z',
          operation: 'overwrite',
          addedRecords: 1210,
          deletedRecords: 1150,
        },
        currentSnapshot: {
          snapshotId: '8739211356214398652',
          timestamp: '2024-05-02T10:00:00.000Z',
          operation: 'replace',
          addedRecords: 16104,
          deletedRecords: 16104,
        },
        totalRecords: 16104,
        totalFilesSize: 371004,
        checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(getObjectCalls()[0]).toEqual({
        Bucket: 'datalake-silver-000000000000',
        Key: 'sakila_silver/rental/metadata/00002-1b2c3d4e.metadata.json',
      });
      // The catalog is asked with the caller's credentials, so its permissions apply.
      expect(getEntityByRef).toHaveBeenCalledWith(
        'resource:default/sakila-silver-rental',
        { credentials: mockCredentials.user() },
      );
    });

    it('reads the current metadata file from Glue, not from the annotation of the last catalog sync', async () => {
      const { app } = setup();
      glueMock
        .on(GetTableCommand, { DatabaseName: 'sakila_silver', Name: 'payment' })
        .resolves({
          Table: {
            Name: 'payment',
            Parameters: { metadata_location: RENTAL_LOCATION },
          },
        });
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-payment' });
      expect(response.status).toBe(200);
      expect(response.body.metadataLocation).toBe(RENTAL_LOCATION);
      expect(response.body.totalRecords).toBe(16104);
      // Cached for the TTL: a second read asks Glue no more.
      await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-payment' });
      expect(glueMock.commandCalls(GetTableCommand)).toHaveLength(1);
    });

    it('falls back to the annotation while Glue cannot be read, and answers 404 when Glue has no such table', async () => {
      const { app } = setup();
      glueMock
        .on(GetTableCommand)
        .rejects(awsError('InternalServiceException', 'Glue is down', 500));
      const fallback = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-payment' });
      expect(fallback.status).toBe(200);
      expect(fallback.body.metadataLocation).toMatch(
        /00000-old\.metadata\.json$/,
      );

      const gone = setup();
      glueMock
        .on(GetTableCommand)
        .rejects(awsError('EntityNotFoundException', 'no table', 400));
      const missing = await request(gone.app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-payment' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe(
        'Glue has no table sakila_silver.payment',
      );
    });

    it('answers null freshness for a table without snapshots', async () => {
      const { app } = setup();
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:sakila-gold-revenue' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        entityRef: 'resource:default/sakila-gold-revenue',
        lastDataChange: null,
        currentSnapshot: null,
        totalRecords: null,
        totalFilesSize: null,
      });
    });

    it('reads each metadata location once while it is cached', async () => {
      const { app } = setup({ ttlSeconds: 300 });
      const ref = 'resource:default/sakila-silver-rental';
      const [first, second] = await Promise.all([
        request(app).get('/v1/freshness').query({ entityRef: ref }),
        request(app).get('/v1/freshness').query({ entityRef: ref }),
      ]);
      const third = await request(app)
        .get('/v1/tables/metadata')
        .query({ entityRef: ref });
      expect([first.status, second.status, third.status]).toEqual([
        200, 200, 200,
      ]);
      expect(third.body.checkedAt).toBe(first.body.checkedAt);
      expect(getObjectCalls()).toHaveLength(1);

      await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-gold-revenue' });
      expect(getObjectCalls()).toHaveLength(2);
    });

    it.each([
      [{}, 'query.entityRef is required'],
      [{ entityRef: '' }, 'query.entityRef is required'],
      [{ entityRef: 'sakila-silver-rental' }, 'must be an entity ref'],
      [{ entityRef: 'resource:default/' }, 'must be an entity ref'],
      [{ entityRef: 'x'.repeat(600) }, 'at most 512 characters'],
    ])('rejects the query %j with 400', async (query, message) => {
      const { app } = setup();
      const response = await request(app).get('/v1/freshness').query(query);
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain(message);
      expect(getObjectCalls()).toHaveLength(0);
    });

    it.each([
      ['resource:default/does-not-exist', 'No data lake table entity'],
      ['component:default/sakila-silver-rental', 'No data lake table entity'],
      [
        'resource:default/sakila-bronze-legacy-csv',
        'has no datalake-portal.io/metadata-location annotation',
      ],
    ])('answers 404 for %s', async (entityRef, message) => {
      const { app } = setup();
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef });
      expect(response.status).toBe(404);
      expect(response.body.error.name).toBe('NotFoundError');
      expect(response.body.error.message).toContain(message);
      expect(getObjectCalls()).toHaveLength(0);
    });

    it.each([
      [
        'registered from a file',
        {
          'backstage.io/managed-by-location': 'url:https://example.com/x.yaml',
          'backstage.io/managed-by-origin-location':
            'url:https://example.com/x.yaml',
        },
      ],
      [
        'of a provider the backend does not have',
        {
          'backstage.io/managed-by-location': 'datalake:other',
          'backstage.io/managed-by-origin-location': 'datalake:other',
        },
      ],
      [
        'with an ARN in another region',
        {
          'datalake-portal.io/table-arn':
            'arn:aws:glue:eu-west-1:000000000000:table/sakila_silver/rental',
        },
      ],
    ])(
      'answers 404 for a table entity %s, and reads nothing',
      async (_case, annotations) => {
        const forged = tableEntity(
          'sakila-silver-rental',
          'iceberg-table',
          'sakila_silver.rental',
          {
            'datalake-portal.io/metadata-location': RENTAL_LOCATION,
            ...annotations,
          },
        );
        const { app } = setup({ entities: [forged] });
        const response = await request(app)
          .get('/v1/freshness')
          .query({ entityRef: 'resource:default/sakila-silver-rental' });
        expect(response.status).toBe(404);
        expect(response.body.error.message).toBe(
          'No data lake table entity resource:default/sakila-silver-rental',
        );
        expect(getObjectCalls()).toHaveLength(0);
        expect(glueMock.calls()).toHaveLength(0);
      },
    );

    it('reads no metadata file outside the lake’s buckets, even when Glue points there', async () => {
      const { app } = setup();
      glueMock.on(GetTableCommand).resolves({
        Table: {
          Name: 'rental',
          Parameters: {
            metadata_location:
              's3://payroll-private/salaries/metadata/00001-x.metadata.json',
          },
        },
      });
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-rental' });
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        "The Iceberg metadata of resource:default/sakila-silver-rental is outside the lake's buckets (datalake.tables.metadataBuckets); it is not read",
      );
      expect(getObjectCalls()).toHaveLength(0);
    });

    it('answers 404 for a table the catalog does not show the caller', async () => {
      const { app, getEntityByRef } = setup();
      // The catalog applies the caller's permissions and answers as if the entity did not exist.
      getEntityByRef.mockResolvedValueOnce(undefined);
      const response = await request(app)
        .get('/v1/freshness')
        .query({ entityRef: 'resource:default/sakila-silver-rental' });
      expect(response.status).toBe(404);
      expect(getObjectCalls()).toHaveLength(0);
    });

    it.each([
      [
        awsError('NoSuchKey', 'The specified key does not exist.', 404),
        404,
        'NotFoundError',
      ],
      [awsError('AccessDenied', 'Access Denied', 403), 403, 'NotAllowedError'],
      [
        awsError('SlowDown', 'Please reduce your request rate.', 503),
        503,
        'ServiceUnavailableError',
      ],
    ])(
      'maps S3 failures (%#) and caches nothing',
      async (error, status, name) => {
        const { app } = setup();
        s3Mock.onAnyCommand().rejectsOnce(error);
        const ref = 'resource:default/sakila-silver-rental';
        const failed = await request(app)
          .get('/v1/freshness')
          .query({ entityRef: ref });
        expect(failed.status).toBe(status);
        expect(failed.body.error.name).toBe(name);
        expect(failed.body.error.message).toContain(error.name);

        s3Mock
          .onAnyCommand()
          .callsFake(async () => ({ Body: body(RENTAL_METADATA) }));
        const retried = await request(app)
          .get('/v1/freshness')
          .query({ entityRef: ref });
        expect(retried.status).toBe(200);
        expect(getObjectCalls()).toHaveLength(2);
      },
    );
  });

  describe('GET /v1/tables/metadata', () => {
    it('returns format, partition spec, schema and the snapshot history newest first', async () => {
      const { app } = setup();
      const response = await request(app)
        .get('/v1/tables/metadata')
        .query({ entityRef: 'resource:default/sakila-silver-rental' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        entityRef: 'resource:default/sakila-silver-rental',
        metadataLocation: RENTAL_LOCATION,
        formatVersion: 2,
        currentSnapshotId: '8739211356214398652',
        partitionSpec: [
          {
            sourceColumn: 'rental_date',
            transform: 'day',
            name: 'rental_date_day',
          },
          {
            sourceColumn: 'staff_id',
            transform: 'bucket[4]',
            name: 'staff_id_bucket',
          },
        ],
      });
      expect(response.body.schema[0]).toEqual({
        id: 1,
        name: 'rental_id',
        type: 'int',
        required: true,
        doc: 'Primary key in sakila.rental',
      });
      expect(response.body.schema[4]).toMatchObject({
        name: 'return_date',
        required: false,
        doc: null,
      });
      expect(
        response.body.snapshots.map(
          (s: { snapshotId: string }) => s.snapshotId,
        ),
      ).toEqual([
        '1823554907742911256',
        '8739211356214398652',
        '5278335247536493871',
        '3051729675574597004',
      ]);
      expect(response.body.snapshots[3]).toEqual({
        snapshotId: '3051729675574597004',
        parentSnapshotId: null,
        timestamp: '2024-05-01T08:00:00.000Z',
        operation: 'append',
        addedRecords: 16044,
        deletedRecords: null,
        totalRecords: 16044,
        addedFiles: 31,
        totalFilesSize: 402113,
      });
    });

    it('rejects a missing entity ref with 400', async () => {
      const { app } = setup();
      const response = await request(app).get('/v1/tables/metadata');
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
    });
  });
});

describe('TableMetadataService', () => {
  const catalog = catalogServiceMock({ entities: [rental] });

  it('caches with the configured TTL, 60 seconds by default', () => {
    for (const [freshness, expectedMs] of [
      [undefined, 60_000],
      [{ cacheTtlSeconds: 5 }, 5_000],
    ] as const) {
      const cache = mockServices.cache.mock();
      TableMetadataService.create({
        config: new ConfigReader({ datalake: { freshness } }),
        logger: mockServices.logger.mock(),
        cache,
        catalog,
        auth: mockServices.auth(),
        metadataSource: { read: jest.fn() },
      });
      expect(cache.withOptions).toHaveBeenCalledWith({
        defaultTtl: expectedMs,
      });
    }
  });

  it('refuses a TTL that is not positive', () => {
    expect(() =>
      TableMetadataService.create({
        config: new ConfigReader({
          datalake: { freshness: { cacheTtlSeconds: 0 } },
        }),
        logger: mockServices.logger.mock(),
        cache: mockServices.cache.mock(),
        catalog,
        auth: mockServices.auth(),
      }),
    ).toThrow(/cacheTtlSeconds must be a positive number/);
  });

  it('uses its own service credentials for backend-internal callers', async () => {
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
      'datalake',
    );
    const read = jest.fn(async () => parseIcebergMetadata(RENTAL_METADATA));
    const service = TableMetadataService.create({
      config: new ConfigReader({
        ...LAKE_CONFIG,
        datalake: { tables: { metadataBuckets: METADATA_BUCKETS } },
      }),
      logger: mockServices.logger.mock(),
      cache,
      catalog,
      auth: mockServices.auth({ pluginId: 'datalake' }),
      metadataSource: { read },
    });
    const freshness = await service.getFreshness(
      'resource:sakila-silver-rental',
    );
    expect(freshness.lastDataChange?.snapshotId).toBe('5278335247536493871');
    expect(read).toHaveBeenCalledWith(RENTAL_LOCATION);
    expect(getEntityByRef).toHaveBeenCalledWith(
      'resource:default/sakila-silver-rental',
      { credentials: mockCredentials.service('plugin:datalake') },
    );
  });
});
