/*
 * Grants that stay consistent with the requests when Lake Formation throttles, refuses part of a
 * grant, or a grant lands after its request ended: against the AWS emulator, which enforces the
 * Lake Formation resources and injects throttling.
 */
import {
  DeleteTableCommand,
  GlueClient,
  CreateTableCommand,
} from '@aws-sdk/client-glue';
import {
  GrantPermissionsCommand,
  LakeFormationClient,
  ListPermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ACCESS_TASK_IDS } from './setupAccessRequests';
import {
  ACCOUNT,
  AccessTestBackend,
  ANALYSTS_ROLE,
  CUSTOMER_COLUMNS,
  CUSTOMER_REF,
  startAccessTestBackend,
} from './__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const ana = mockCredentials.user.header('user:default/ana');
const dana = mockCredentials.user.header('user:default/dana');
const BASE = '/api/datalake/v1/access-requests';

describe('access grants stay consistent with their requests', () => {
  let backend: AccessTestBackend;
  let lakeFormation: LakeFormationClient;
  let glue: GlueClient;

  beforeAll(async () => {
    backend = await startAccessTestBackend();
    const clientConfig = {
      endpoint: backend.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    lakeFormation = new LakeFormationClient(clientConfig);
    glue = new GlueClient(clientConfig);
  });

  afterAll(async () => {
    lakeFormation.destroy();
    glue.destroy();
    await backend.stop();
  });

  /** Everything the analysts' role holds on the customer table and its database. */
  async function analystGrants() {
    const list = async (Resource: any, IncludeRelated?: string) =>
      (
        await lakeFormation.send(
          new ListPermissionsCommand({ Resource, IncludeRelated }),
        )
      )
        .PrincipalResourcePermissions!.filter(
          p => p.Principal?.DataLakePrincipalIdentifier === ANALYSTS_ROLE,
        )
        .map(p => ({ Resource: p.Resource, Permissions: p.Permissions }));
    return [
      ...(await list({ Database: { Name: 'sakila_silver' } })),
      ...(await list(
        { Table: { DatabaseName: 'sakila_silver', Name: 'customer' } },
        'TRUE',
      )),
    ];
  }

  const columnGrant = {
    Resource: {
      TableWithColumns: {
        CatalogId: ACCOUNT,
        DatabaseName: 'sakila_silver',
        Name: 'customer',
        ColumnNames: ['first_name'],
      },
    },
    Permissions: ['SELECT'],
  };
  const describeGrant = {
    Resource: { Database: { CatalogId: ACCOUNT, Name: 'sakila_silver' } },
    Permissions: ['DESCRIBE'],
  };

  async function requestAndApprove() {
    const created = await request(backend.server)
      .post(BASE)
      .set('Authorization', ana)
      .send({
        entityRef: CUSTOMER_REF,
        columns: ['first_name'],
        permissions: ['SELECT'],
        justification: 'churn analysis',
        durationDays: 7,
      });
    expect(created.status).toBe(201);
    const approved = await request(backend.server)
      .post(`${BASE}/${created.body.id}/approve`)
      .set('Authorization', dana)
      .send({});
    expect(approved.status).toBe(200);
    return approved.body as { id: string; status: string };
  }

  async function revoke(id: string) {
    const res = await request(backend.server)
      .post(`${BASE}/${id}/revoke`)
      .set('Authorization', dana)
      .send({});
    expect(res.body.status).toBe('revoked');
  }

  async function auditOf(id: string) {
    const res = await request(backend.server)
      .get(`${BASE}/${id}/audit`)
      .set('Authorization', ana);
    return res.body.items as Array<{ action: string; details?: any }>;
  }

  it('retries a throttled grant with backoff and grants at once, not at the next reconcile', async () => {
    // One grant call per quarter second: the second of the two grants is throttled first.
    backend.emulator.emulator.faults.set({
      'lakeformation.GrantPermissions': { throttle: { rate: 4, burst: 1 } },
    });
    let approved;
    try {
      approved = await requestAndApprove();
    } finally {
      backend.emulator.emulator.faults.set({});
    }
    expect(approved.status).toBe('granted');
    expect(await analystGrants()).toEqual(
      expect.arrayContaining([describeGrant, columnGrant]),
    );
    expect((await auditOf(approved.id)).map(e => e.action)).toEqual([
      'created',
      'approved',
      'granted',
    ]);
    await revoke(approved.id);
    expect(await analystGrants()).toEqual([]);
  });

  it('revokes, at the next reconcile, a grant that landed after its request was revoked', async () => {
    const approved = await requestAndApprove();
    await revoke(approved.id);
    expect(await analystGrants()).toEqual([]);
    // What an in-flight grant of a crashed node leaves: Lake Formation got it after the revoke.
    for (const g of [describeGrant, columnGrant]) {
      await lakeFormation.send(
        new GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: ANALYSTS_ROLE },
          Resource: g.Resource,
          Permissions: g.Permissions as any,
        }),
      );
    }
    expect(await analystGrants()).toHaveLength(2);

    // `revokeUnmanagedGrants` is off: grants nobody accounts for stay; these are the revoked
    // request's own, and go.
    const before = backend.auditEvents.length;
    await backend.runTask(ACCESS_TASK_IDS.reconcile);
    expect(await analystGrants()).toEqual([]);
    // Each repair is an auditor event of its own.
    expect(
      backend.auditEvents
        .slice(before)
        .filter(e => e.eventId === 'access-reconcile')
        .map(e => [e.meta?.repair, e.meta?.resource, e.outcome]),
    ).toEqual([
      [
        'revoke-grant-of-ended-request',
        expect.stringContaining('customer'),
        'success',
      ],
      ['revoke-grant-of-ended-request', expect.any(String), 'success'],
    ]);
  });

  it('rolls back the part of a grant that landed when Lake Formation refuses the rest', async () => {
    // The table disappears between the request and its approval: the database's DESCRIBE is
    // granted, the column grant is refused (EntityNotFoundException).
    await glue.send(
      new DeleteTableCommand({
        DatabaseName: 'sakila_silver',
        Name: 'customer',
      }),
    );
    try {
      const approved = await requestAndApprove();
      expect(approved.status).toBe('failed');
      expect(await analystGrants()).toEqual([]);
      const audit = await auditOf(approved.id);
      expect(audit.map(e => e.action)).toEqual([
        'created',
        'approved',
        'grant-failed',
      ]);
      expect(audit[2].details).toMatchObject({
        retry: false,
        rolledBack: true,
      });
    } finally {
      await glue.send(
        new CreateTableCommand({
          DatabaseName: 'sakila_silver',
          TableInput: {
            Name: 'customer',
            StorageDescriptor: {
              Columns: CUSTOMER_COLUMNS.map(c => ({ Name: c, Type: 'string' })),
            },
          },
        }),
      );
    }
  });
});
