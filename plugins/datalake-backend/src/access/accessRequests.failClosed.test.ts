import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  AccessTestBackend,
  CUSTOMER_REF,
  startAccessTestBackend,
} from './__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const BASE = '/api/datalake/v1/access-requests';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const body = {
  entityRef: CUSTOMER_REF,
  permissions: ['SELECT'],
  justification: 'needed',
  durationDays: 7,
};

// Backstage's permissions service allows everything when `permission.enabled` is unset; the
// access routes must not follow it there.
describe('access requests with the permission framework off', () => {
  let backend: AccessTestBackend;

  beforeAll(async () => {
    backend = await startAccessTestBackend({ permissions: 'framework-off' });
  });

  afterAll(async () => {
    await backend.stop();
  });

  const post = (user: string, path: string, payload: object = {}) =>
    request(backend.server)
      .post(`${BASE}${path}`)
      .set('Authorization', as(user))
      .send(payload);
  const get = (user: string, path = '') =>
    request(backend.server)
      .get(`${BASE}${path}`)
      .set('Authorization', as(user));

  it("refuses an analyst another user's request, in a read and in the list", async () => {
    const created = await post('ana', '', { ...body, columns: ['email'] });
    expect(created.status).toBe(201);
    const read = await get('bob', `/${created.body.id}`);
    expect(read.status).toBe(403);
    expect(read.body.error.name).toBe('NotAllowedError');
    expect((await get('bob', `/${created.body.id}/audit`)).status).toBe(403);
    const listed = await get('bob');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).not.toContain(
      created.body.id,
    );
    expect((await post('bob', `/${created.body.id}/revoke`)).status).toBe(403);
    // The requester and the table's owners still read it.
    expect((await get('ana', `/${created.body.id}`)).status).toBe(200);
    expect((await get('dana', `/${created.body.id}`)).status).toBe(200);
  });

  it('refuses self-approval to an owner of the table, and lets another owner approve', async () => {
    const created = await post('dana', '', {
      ...body,
      columns: ['first_name'],
    });
    expect(created.status).toBe(201);
    const own = await post('dana', `/${created.body.id}/approve`);
    expect(own.status).toBe(403);
    expect((await post('dana', `/${created.body.id}/reject`)).status).toBe(403);
    expect((await get('dana', `/${created.body.id}`)).body.status).toBe(
      'pending',
    );
    const byAnalyst = await post('ana', `/${created.body.id}/approve`);
    expect(byAnalyst.status).toBe(403);

    const anas = await post('ana', '', { ...body, columns: ['store_id'] });
    const approved = await post('dana', `/${anas.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('granted');
  });
});

describe('access requests under a policy that allows everything', () => {
  let backend: AccessTestBackend;

  beforeAll(async () => {
    backend = await startAccessTestBackend({ permissions: 'allow-all' });
  });

  afterAll(async () => {
    await backend.stop();
  });

  it('still refuses self-approval and self-rejection', async () => {
    const created = await request(backend.server)
      .post(BASE)
      .set('Authorization', as('ana'))
      .send({ ...body, columns: ['email'] });
    expect(created.status).toBe(201);
    for (const action of ['approve', 'reject']) {
      const res = await request(backend.server)
        .post(`${BASE}/${created.body.id}/${action}`)
        .set('Authorization', as('ana'))
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `You may not ${action} access request ${created.body.id}: it is your own`,
      );
    }
  });
});
