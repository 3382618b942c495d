/*
 * Every access decision reaches Backstage's auditor service with who, what and the outcome,
 * refusals included, beside the request's own audit log: through the real routes and jobs.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ACCESS_TASK_IDS } from './setupAccessRequests';
import {
  AccessTestBackend,
  daysLater,
  ANALYSTS_ROLE,
  CUSTOMER_COLUMNS,
  CUSTOMER_REF,
  RecordedAuditEvent,
  startAccessTestBackend,
} from './__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const BASE = '/api/datalake/v1/access-requests';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('access decisions in the auditor', () => {
  let backend: AccessTestBackend;

  beforeAll(async () => {
    backend = await startAccessTestBackend();
  });

  afterAll(async () => {
    jest.useRealTimers();
    await backend.stop();
  });

  /** The events recorded while `run` ran. */
  async function eventsOf(run: () => Promise<unknown>) {
    const before = backend.auditEvents.length;
    await run();
    return backend.auditEvents.slice(before);
  }

  const post = (user: string, path: string, body: object = {}) =>
    request(backend.server)
      .post(`${BASE}${path}`)
      .set('Authorization', as(user))
      .send(body);

  const create = (columns: string[]) =>
    post('ana', '', {
      entityRef: CUSTOMER_REF,
      columns,
      permissions: ['SELECT'],
      justification: 'churn analysis',
      durationDays: 7,
    });

  it('records a request, a refused self-approval, the approval and its grant, and the revoke', async () => {
    let id = '';
    expect(
      await eventsOf(async () => {
        id = (await create(['first_name'])).body.id;
      }),
    ).toEqual<RecordedAuditEvent[]>([
      {
        eventId: 'access-request',
        severityLevel: 'low',
        meta: {
          actor: 'user:default/ana',
          action: 'create',
          entityRef: CUSTOMER_REF,
        },
        outcome: 'success',
        result: {
          requestId: id,
          entityRef: CUSTOMER_REF,
          status: 'pending',
          principal: ANALYSTS_ROLE,
        },
      },
    ]);

    const refused = await eventsOf(() => post('ana', `/${id}/approve`));
    expect(refused).toEqual([
      expect.objectContaining({
        eventId: 'access-request',
        meta: { actor: 'user:default/ana', action: 'approve', requestId: id },
        outcome: 'failure',
        error: expect.stringMatching(/^You may not approve access request/),
      }),
    ]);

    const approved = await eventsOf(() => post('dana', `/${id}/approve`));
    expect(approved.map(e => [e.eventId, e.meta?.actor, e.outcome])).toEqual([
      ['access-request', 'user:default/dana', 'success'],
      ['access-grant', 'user:default/dana', 'success'],
    ]);
    expect(approved[1]).toMatchObject({
      severityLevel: 'high',
      meta: { requestId: id, principal: ANALYSTS_ROLE },
      result: { status: 'granted' },
    });
    expect(approved[0].result).toMatchObject({ status: 'granted' });

    const again = await eventsOf(() => post('dana', `/${id}/reject`));
    expect(again).toEqual([
      expect.objectContaining({
        meta: { actor: 'user:default/dana', action: 'reject', requestId: id },
        outcome: 'failure',
        error: `Access request ${id} is no longer pending; it was decided already`,
      }),
    ]);

    const revoked = await eventsOf(() => post('dana', `/${id}/revoke`));
    expect(revoked).toEqual([
      expect.objectContaining({
        meta: { actor: 'user:default/dana', action: 'revoke', requestId: id },
        outcome: 'success',
        result: expect.objectContaining({ status: 'revoked' }),
      }),
    ]);
  });

  it('records what the jobs do: a grant completed by reconcile, and an expiry', async () => {
    const { id } = (await create(['email'])).body;
    backend.emulator.emulator.faults.set({
      'lakeformation.GrantPermissions': { errorRate: 1 },
    });
    const failedGrant = await eventsOf(() => post('dana', `/${id}/approve`));
    backend.emulator.emulator.faults.set({});
    // The outage leaves the request approved: the grant itself did not throw.
    expect(failedGrant[1]).toMatchObject({
      eventId: 'access-grant',
      outcome: 'success',
      result: { status: 'approved' },
    });

    const reconciled = await eventsOf(() =>
      backend.runTask(ACCESS_TASK_IDS.reconcile),
    );
    expect(reconciled).toEqual([
      expect.objectContaining({
        eventId: 'access-grant',
        meta: {
          actor: 'plugin:datalake',
          requestId: id,
          principal: ANALYSTS_ROLE,
        },
        outcome: 'success',
        result: { status: 'granted', statusReason: null },
      }),
    ]);

    daysLater(8);
    const expired = await eventsOf(() =>
      backend.runTask(ACCESS_TASK_IDS.expiry),
    );
    jest.useRealTimers();
    expect(expired).toEqual([
      {
        eventId: 'access-expiry',
        severityLevel: 'medium',
        meta: {
          actor: 'plugin:datalake',
          requestId: id,
          principal: ANALYSTS_ROLE,
        },
        outcome: 'success',
        result: { status: 'expired' },
      },
    ]);
  });

  it('records failures too: a refused request, a rejection and a refused revoke, a grant and an expiry Lake Formation fails', async () => {
    const refusedCreate = await eventsOf(() => create(['salary']));
    expect(refusedCreate).toEqual([
      expect.objectContaining({
        eventId: 'access-request',
        meta: expect.objectContaining({ action: 'create' }),
        outcome: 'failure',
        error: expect.stringMatching(/Unknown column in columns: salary/),
      }),
    ]);

    const { id: rejectedId } = (await create(['store_id'])).body;
    const rejected = await eventsOf(() =>
      post('dana', `/${rejectedId}/reject`),
    );
    expect(rejected).toEqual([
      expect.objectContaining({
        meta: {
          actor: 'user:default/dana',
          action: 'reject',
          requestId: rejectedId,
        },
        outcome: 'success',
        result: expect.objectContaining({ status: 'rejected' }),
      }),
    ]);
    const refusedRevoke = await eventsOf(() =>
      post('dana', `/${rejectedId}/revoke`),
    );
    expect(refusedRevoke).toEqual([
      expect.objectContaining({
        meta: {
          actor: 'user:default/dana',
          action: 'revoke',
          requestId: rejectedId,
        },
        outcome: 'failure',
        error: expect.stringMatching(
          /is rejected; only pending, approved or granted/,
        ),
      }),
    ]);

    // Lake Formation refuses the grant: the table went away between request and approval.
    const { id: refusedId } = (await create(['active'])).body;
    const glue = new GlueClient({
      endpoint: backend.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await glue.send(
      new DeleteTableCommand({
        DatabaseName: 'sakila_silver',
        Name: 'customer',
      }),
    );
    try {
      const refusedGrant = await eventsOf(() =>
        post('dana', `/${refusedId}/approve`),
      );
      expect(
        refusedGrant.find(e => e.eventId === 'access-grant'),
      ).toMatchObject({
        meta: { actor: 'user:default/dana', requestId: refusedId },
        outcome: 'failure',
        error: expect.stringMatching(/EntityNotFoundException/),
        result: { status: 'failed' },
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
      glue.destroy();
    }

    const { id: expiringId } = (await create(['customer_id'])).body;
    await post('dana', `/${expiringId}/approve`);
    backend.emulator.emulator.faults.set({
      'lakeformation.RevokePermissions': { errorRate: 1 },
    });
    daysLater(8);
    const expiry = await eventsOf(() =>
      backend.runTask(ACCESS_TASK_IDS.expiry),
    );
    jest.useRealTimers();
    backend.emulator.emulator.faults.set({});
    expect(expiry).toEqual([
      expect.objectContaining({
        eventId: 'access-expiry',
        meta: expect.objectContaining({ requestId: expiringId }),
        outcome: 'failure',
        error: expect.stringMatching(
          /^InternalFailure: .*\(after 4 attempts\)$/,
        ),
      }),
    ]);
  });
});
