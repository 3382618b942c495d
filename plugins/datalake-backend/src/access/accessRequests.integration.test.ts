import {
  LakeFormationClient,
  ListPermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ACCESS_TASK_IDS } from './setupAccessRequests';
import {
  ACCOUNT,
  adminCall,
  AccessTestBackend,
  daysLater,
  ANALYSTS_ROLE,
  CUSTOMER_REF,
  startAccessTestBackend,
} from './__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const ana = mockCredentials.user.header('user:default/ana');
const dana = mockCredentials.user.header('user:default/dana');
const BASE = '/api/datalake/v1/access-requests';

describe('access requests against the AWS emulator', () => {
  let backend: AccessTestBackend;
  let lakeFormation: LakeFormationClient;

  beforeAll(async () => {
    backend = await startAccessTestBackend();
    lakeFormation = new LakeFormationClient({
      endpoint: backend.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    jest.useRealTimers();
    lakeFormation.destroy();
    await backend.stop();
  });

  async function tableGrants() {
    const { PrincipalResourcePermissions } = await lakeFormation.send(
      new ListPermissionsCommand({
        Resource: {
          Table: { DatabaseName: 'sakila_silver', Name: 'customer' },
        },
        IncludeRelated: 'TRUE',
      }),
    );
    return PrincipalResourcePermissions!.map(p => ({
      Principal: p.Principal,
      Resource: p.Resource,
      Permissions: p.Permissions,
    }));
  }

  async function databaseGrants() {
    const { PrincipalResourcePermissions } = await lakeFormation.send(
      new ListPermissionsCommand({
        Resource: { Database: { Name: 'sakila_silver' } },
      }),
    );
    return PrincipalResourcePermissions!.map(
      p => p.Principal?.DataLakePrincipalIdentifier,
    );
  }

  async function create(body: Record<string, unknown>) {
    return request(backend.server)
      .post(BASE)
      .set('Authorization', ana)
      .send({
        entityRef: CUSTOMER_REF,
        permissions: ['SELECT'],
        justification: 'churn analysis',
        durationDays: 7,
        ...body,
      });
  }

  it('grants two columns on approval and revokes them on expiry', async () => {
    const created = await create({ columns: ['email', 'customer_id'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending',
      database: 'sakila_silver',
      table: 'customer',
      principal: ANALYSTS_ROLE,
      tableOwner: 'group:default/data-engineering',
      scope: { columns: ['customer_id', 'email'] },
    });
    // The owners hear about it; the requester is not told about their own request.
    expect(backend.notifications.at(-1)).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/data-engineering'],
        excludeEntityRef: 'user:default/ana',
      },
    });
    const inbox = await request(backend.server)
      .get(`${BASE}?view=to-approve`)
      .set('Authorization', dana);
    expect(inbox.body.items.map((r: any) => r.id)).toEqual([created.body.id]);
    // The approver sees who receives the access: the analysts' shared role, so all of them.
    expect(inbox.body.items[0]).toMatchObject({
      principal: ANALYSTS_ROLE,
      principalSharedBy: 'group:default/analysts',
    });

    const approved = await request(backend.server)
      .post(`${BASE}/${created.body.id}/approve`)
      .set('Authorization', dana)
      .send({ comment: 'ok for the quarter' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'granted',
      decidedBy: 'user:default/dana',
      decisionComment: 'ok for the quarter',
    });

    expect(await tableGrants()).toEqual([
      {
        Principal: { DataLakePrincipalIdentifier: ANALYSTS_ROLE },
        Resource: {
          TableWithColumns: {
            CatalogId: ACCOUNT,
            DatabaseName: 'sakila_silver',
            Name: 'customer',
            ColumnNames: ['customer_id', 'email'],
          },
        },
        Permissions: ['SELECT'],
      },
    ]);
    expect(await databaseGrants()).toEqual([ANALYSTS_ROLE]);

    const onTable = await request(backend.server)
      .get(`${BASE}?entityRef=${encodeURIComponent(CUSTOMER_REF)}`)
      .set('Authorization', ana);
    expect(onTable.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, status: 'granted' }),
    ]);

    // Eight days later the expiry job takes the grant away.
    daysLater(8);
    await backend.runTask(ACCESS_TASK_IDS.expiry);
    jest.useRealTimers();
    expect(await tableGrants()).toEqual([]);
    expect(await databaseGrants()).toEqual([]);
    const audit = await request(backend.server)
      .get(`${BASE}/${created.body.id}/audit`)
      .set('Authorization', ana);
    expect(audit.body.items.map((e: any) => e.action)).toEqual([
      'created',
      'approved',
      'granted',
      'expired',
    ]);
  });

  it('grants a row filter through a data cells filter named after the request', async () => {
    const created = await create({
      excludeColumns: ['email'],
      rowFilter: 'store_id = 1',
      permissions: ['SELECT', 'DESCRIBE'],
    });
    expect(created.status).toBe(201);
    const approved = await request(backend.server)
      .post(`${BASE}/${created.body.id}/approve`)
      .set('Authorization', dana)
      .send({});
    expect(approved.body.status).toBe('granted');
    const filterName = `dl_req_${created.body.id.replace(/-/g, '')}`;
    expect(approved.body.dataCellsFilter).toBe(filterName);
    expect(await tableGrants()).toEqual([
      {
        Principal: { DataLakePrincipalIdentifier: ANALYSTS_ROLE },
        Resource: {
          DataCellsFilter: {
            TableCatalogId: ACCOUNT,
            DatabaseName: 'sakila_silver',
            TableName: 'customer',
            Name: filterName,
          },
        },
        Permissions: ['DESCRIBE', 'SELECT'],
      },
    ]);

    const revoked = await request(backend.server)
      .post(`${BASE}/${created.body.id}/revoke`)
      .set('Authorization', ana)
      .send({ comment: 'done' });
    expect(revoked.body.status).toBe('revoked');
    expect(await tableGrants()).toEqual([]);
    const filters = await adminCall(backend.emulator, 'GET', 'stats');
    expect(filters.calls['lakeformation.DeleteDataCellsFilter']).toBe(1);
  });

  it('completes a grant lost between approval and grant exactly once in the reconcile job', async () => {
    const created = await create({ columns: ['first_name'] });
    // The "crash": Lake Formation fails every grant while the decision is committed.
    backend.emulator.emulator.faults.set({
      'lakeformation.GrantPermissions': { errorRate: 1 },
    });
    const approved = await request(backend.server)
      .post(`${BASE}/${created.body.id}/approve`)
      .set('Authorization', dana)
      .send({});
    backend.emulator.emulator.faults.set({});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(await tableGrants()).toEqual([]);

    await adminCall(backend.emulator, 'DELETE', 'stats');
    await backend.runTask(ACCESS_TASK_IDS.reconcile);
    await backend.runTask(ACCESS_TASK_IDS.reconcile);
    const { calls } = await adminCall(backend.emulator, 'GET', 'stats');
    // Database DESCRIBE and the column grant, once each, over two runs.
    expect(calls['lakeformation.GrantPermissions']).toBe(2);
    expect(await tableGrants()).toEqual([
      {
        Principal: { DataLakePrincipalIdentifier: ANALYSTS_ROLE },
        Resource: {
          TableWithColumns: {
            CatalogId: ACCOUNT,
            DatabaseName: 'sakila_silver',
            Name: 'customer',
            ColumnNames: ['first_name'],
          },
        },
        Permissions: ['SELECT'],
      },
    ]);
    const after = await request(backend.server)
      .get(`${BASE}/${created.body.id}/audit`)
      .set('Authorization', ana);
    expect(after.body.items.map((e: any) => [e.action, e.actor])).toEqual([
      ['created', 'user:default/ana'],
      ['approved', 'user:default/dana'],
      ['grant-failed', 'user:default/dana'],
      ['granted', 'plugin:datalake'],
    ]);
  });
});
