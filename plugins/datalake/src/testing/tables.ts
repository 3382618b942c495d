import type {
  AccessRequest,
  AccessRequestFilter,
  AccessRequestList,
  ApproveAccessRequest,
  CreateAccessRequest,
  DecideAccessRequest,
} from '@datalake-portal/backstage-plugin-datalake-common';
/* Test data shared by the component tests. */
import { Entity } from '@backstage/catalog-model';
import {
  TableFreshnessResponse,
  TableMetadataResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { DatalakeApi } from '../api';

export const rentalEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'sakila-silver-rental',
    namespace: 'default',
    title: 'sakila_silver.rental',
    annotations: {
      'datalake-portal.io/layer': 'silver',
      'datalake-portal.io/glue-database': 'sakila_silver',
      'datalake-portal.io/location':
        's3://datalake-silver-000000000000/sakila_silver/rental',
      'datalake-portal.io/metadata-location':
        's3://datalake-silver-000000000000/sakila_silver/rental/metadata/00002-1b2c.metadata.json',
      'datalake-portal.io/iceberg-format-version': '2',
    },
  },
  spec: {
    type: 'iceberg-table',
    owner: 'group:default/data-eng',
    columns: [
      { name: 'rental_id', type: 'int', nullable: false, partition: false },
      {
        name: 'rental_date',
        type: 'timestamp',
        nullable: false,
        comment: 'When the film was rented',
        partition: false,
      },
      {
        name: 'return_date',
        type: 'timestamp',
        nullable: true,
        partition: false,
      },
    ],
  },
};

export const legacyCsvEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'sakila-bronze-payment-csv',
    namespace: 'default',
    title: 'sakila_bronze.payment_csv',
    annotations: {
      'datalake-portal.io/layer': 'bronze',
      'datalake-portal.io/glue-database': 'sakila_bronze',
      'datalake-portal.io/location':
        's3://datalake-bronze-000000000000/sakila_bronze/payment_csv/',
    },
  },
  spec: {
    type: 'glue-table',
    owner: 'group:default/finance',
    columns: [
      { name: 'payment_id', type: 'int', nullable: true, partition: false },
      {
        name: 'amount',
        type: 'decimal(5,2)',
        nullable: true,
        partition: false,
      },
      { name: 'dt', type: 'string', nullable: true, partition: true },
    ],
  },
};

const HOUR = 3600 * 1000;

export function freshnessFor(now: number): TableFreshnessResponse {
  return {
    entityRef: 'resource:default/sakila-silver-rental',
    metadataLocation:
      's3://datalake-silver-000000000000/sakila_silver/rental/metadata/00002-1b2c.metadata.json',
    lastDataChange: {
      snapshotId: '5278335247536493871',
      timestamp: new Date(now - 3 * HOUR).toISOString(),
      operation: 'overwrite',
      addedRecords: 1210,
      deletedRecords: 1150,
    },
    currentSnapshot: {
      snapshotId: '8739211356214398652',
      timestamp: new Date(now - 1 * HOUR).toISOString(),
      operation: 'replace',
      addedRecords: 16104,
      deletedRecords: 16104,
    },
    totalRecords: 16104,
    totalFilesSize: 371004,
    checkedAt: new Date(now).toISOString(),
  };
}

export function metadataFor(now: number): TableMetadataResponse {
  return {
    entityRef: 'resource:default/sakila-silver-rental',
    metadataLocation:
      's3://datalake-silver-000000000000/sakila_silver/rental/metadata/00002-1b2c.metadata.json',
    formatVersion: 2,
    currentSnapshotId: '8739211356214398652',
    partitionSpec: [
      {
        sourceColumn: 'rental_date',
        transform: 'day',
        name: 'rental_date_day',
      },
      { sourceColumn: 'staff_id', transform: 'identity', name: 'staff_id' },
    ],
    schema: [],
    snapshots: [
      {
        snapshotId: '8739211356214398652',
        parentSnapshotId: '5278335247536493871',
        timestamp: new Date(now - HOUR).toISOString(),
        operation: 'replace',
        addedRecords: 16104,
        deletedRecords: 16104,
        totalRecords: 16104,
        addedFiles: 4,
        totalFilesSize: 371004,
      },
      {
        snapshotId: '5278335247536493871',
        parentSnapshotId: '3051729675574597004',
        timestamp: new Date(now - 3 * HOUR).toISOString(),
        operation: 'overwrite',
        addedRecords: 1210,
        deletedRecords: 1150,
        totalRecords: 16104,
        addedFiles: 3,
        totalFilesSize: 410356,
      },
      {
        snapshotId: '3051729675574597004',
        parentSnapshotId: null,
        timestamp: new Date(now - 26 * HOUR).toISOString(),
        operation: 'append',
        addedRecords: 16044,
        deletedRecords: null,
        totalRecords: 16044,
        addedFiles: 31,
        totalFilesSize: 402113,
      },
    ],
    checkedAt: new Date(now).toISOString(),
  };
}

/** A DatalakeApi whose methods are jest mocks answering with the data above. */
export function mockDatalakeApi(now = Date.now()): jest.Mocked<DatalakeApi> {
  return {
    getFreshness: jest.fn(async (_entityRef: string) => freshnessFor(now)),
    getTableMetadata: jest.fn(async (_entityRef: string) => metadataFor(now)),
    getLineage: jest.fn(
      async (_entityRef: string, _depth?: number): Promise<never> => {
        throw new Error('getLineage is not mocked in this test');
      },
    ),
    getRuns: jest.fn(
      async (
        _entityRef: string,
        _page?: { limit?: number; cursor?: string },
      ): Promise<never> => {
        throw new Error('getRuns is not mocked in this test');
      },
    ),
    startPipelineRun: jest.fn(async (_entityRef: string): Promise<never> => {
      throw new Error('startPipelineRun is not mocked in this test');
    }),
    reloadTable: jest.fn(async (_entityRef: string): Promise<never> => {
      throw new Error('reloadTable is not mocked in this test');
    }),
    ...mockAccessRequestMethods(),
    ...mockSourceMethods(),
  };
}

/** The source methods of the scaffolder fields, failing until a test mocks what it uses. */
function mockSourceMethods(): Pick<
  jest.Mocked<DatalakeApi>,
  'listSources' | 'inspectSource' | 'preflightSource'
> {
  return {
    listSources: jest.fn(async (): Promise<never> => {
      throw new Error('listSources is not mocked in this test');
    }),
    inspectSource: jest.fn(
      async (_id: string, _tables?: string[]): Promise<never> => {
        throw new Error('inspectSource is not mocked in this test');
      },
    ),
    preflightSource: jest.fn(
      async (_id: string, _tables?: string[]): Promise<never> => {
        throw new Error('preflightSource is not mocked in this test');
      },
    ),
  };
}

/** The access request methods, failing until a test mocks what it uses. */
function mockAccessRequestMethods(): Pick<
  jest.Mocked<DatalakeApi>,
  | 'createAccessRequest'
  | 'listAccessRequests'
  | 'approveAccessRequest'
  | 'rejectAccessRequest'
  | 'revokeAccessRequest'
> {
  const fail = (name: string): never => {
    throw new Error(`${name} is not mocked in this test`);
  };
  return {
    createAccessRequest: jest.fn(
      async (_request: CreateAccessRequest): Promise<AccessRequest> =>
        fail('createAccessRequest'),
    ),
    listAccessRequests: jest.fn(
      async (_filter?: AccessRequestFilter): Promise<AccessRequestList> =>
        fail('listAccessRequests'),
    ),
    approveAccessRequest: jest.fn(
      async (_id: string, _d?: ApproveAccessRequest): Promise<AccessRequest> =>
        fail('approveAccessRequest'),
    ),
    rejectAccessRequest: jest.fn(
      async (_id: string, _d?: DecideAccessRequest): Promise<AccessRequest> =>
        fail('rejectAccessRequest'),
    ),
    revokeAccessRequest: jest.fn(
      async (_id: string, _d?: DecideAccessRequest): Promise<AccessRequest> =>
        fail('revokeAccessRequest'),
    ),
  };
}
