import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  AccessTestBackend,
  CUSTOMER_REF,
  FOREIGN_ACCOUNT_REF,
  FORGED_REF,
  PAYMENT_REF,
  startAccessTestBackend,
} from './__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const BASE = '/api/datalake/v1/access-requests';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const body = {
  entityRef: CUSTOMER_REF,
  columns: ['email'],
  permissions: ['SELECT'],
  justification: 'needed',
  durationDays: 7,
};

describe('access request authorization and input checks', () => {
  let backend: AccessTestBackend;
  let anonymous: AccessTestBackend;

  beforeAll(async () => {
    backend = await startAccessTestBackend();
    anonymous = await startAccessTestBackend({ httpAuthDefault: 'none' });
  });

  afterAll(async () => {
    await backend.stop();
    await anonymous.stop();
  });

  const post = (user: string, path: string, payload: object = {}) =>
    request(backend.server)
      .post(`${BASE}${path}`)
      .set('Authorization', as(user))
      .send(payload);

  async function listAll(user: string) {
    const res = await request(backend.server)
      .get(BASE)
      .set('Authorization', as(user));
    return res.body.items as Array<{ id: string; status: string }>;
  }

  it('answers 401 without credentials', async () => {
    const res = await request(anonymous.server).post(BASE).send(body);
    expect(res.status).toBe(401);
    const list = await request(anonymous.server).get(BASE);
    expect(list.status).toBe(401);
  });

  it('refuses approval by a non-owner with 403 and leaves the request pending', async () => {
    const created = await post('ana', '', body);
    expect(created.status).toBe(201);
    const res = await post('bob', `/${created.body.id}/approve`);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: `You may not approve access request ${created.body.id}`,
    });
    expect((await post('bob', `/${created.body.id}/reject`)).status).toBe(403);
    // Bob can neither see nor revoke Ana's request.
    expect((await listAll('bob')).map(r => r.id)).not.toContain(
      created.body.id,
    );
    expect((await post('bob', `/${created.body.id}/revoke`)).status).toBe(403);
    const [mine] = await listAll('ana');
    expect(mine).toMatchObject({ id: created.body.id, status: 'pending' });
  });

  it('refuses self-approval with 403 even to an owner of the table', async () => {
    const created = await post('dana', '', {
      ...body,
      columns: ['first_name'],
    });
    expect(created.status).toBe(201);
    expect(created.body.principal).toBe(
      'arn:aws:iam::000000000000:role/datalake-dana',
    );
    // A role of her own (the default pattern): nobody else shares it.
    expect(created.body).not.toHaveProperty('principalSharedBy');
    const res = await post('dana', `/${created.body.id}/approve`);
    expect(res.status).toBe(403);
    // An admin may approve it, but an admin's own request stays off limits for them too.
    expect((await post('pat', `/${created.body.id}/approve`)).body.status).toBe(
      'granted',
    );
  });

  it('refuses a table the caller may not see exactly like an unknown table', async () => {
    const hidden = await post('ana', '', {
      ...body,
      entityRef: PAYMENT_REF,
      columns: undefined,
    });
    const unknown = await post('ana', '', {
      ...body,
      entityRef: 'resource:default/sakila_silver.nope',
    });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.message).toBe(
      `No data lake table ${PAYMENT_REF} that you can see`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'No data lake table resource:default/sakila_silver.nope that you can see',
    );
  });

  it.each([
    ['registered from a file, claiming a lake table', FORGED_REF],
    [
      'with an ARN in an account the provider does not read',
      FOREIGN_ACCOUNT_REF,
    ],
  ])(
    'refuses a table entity %s like an unknown table, and stores nothing',
    async (_case, entityRef) => {
      const before = (await listAll('ana')).length;
      const res = await post('ana', '', {
        ...body,
        entityRef,
        columns: undefined,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        `No data lake table ${entityRef} that you can see`,
      );
      expect((await listAll('ana')).length).toBe(before);
    },
  );

  it.each([
    [{ columns: ['email', 'salary'] }, /Unknown column in columns: salary/],
    [
      { rowFilter: 'store_id = 1; DROP TABLE x' },
      /Invalid rowFilter: Semicolons are not allowed/,
    ],
    [{ rowFilter: 'salary > 3' }, /Invalid rowFilter: Unknown column 'salary'/],
    [
      { columns: ['email'], rowFilter: 'store_id = 1' },
      /Invalid rowFilter: it reads store_id, which the grant hides/,
    ],
    [
      {
        columns: undefined,
        excludeColumns: ['active'],
        rowFilter: 'active = 1',
      },
      /Invalid rowFilter: it reads active, which the grant hides/,
    ],
    [
      { rowFilter: 'email\u00a0= 1' },
      /Invalid rowFilter: Unicode whitespace U\+00A0 at character 6/,
    ],
    [
      { rowFilter: "email = 'a\u2003b'" },
      /Invalid rowFilter: Unicode whitespace U\+2003 at character 11/,
    ],
    [{ rowFilter: 'x'.repeat(2049) }, /body.rowFilter: Too big/],
    [
      { durationDays: 31 },
      /durationDays must be a whole number of days between 1 and 30, got 31/,
    ],
    [{ durationDays: 0 }, /body.durationDays/],
    [
      { columns: ['email'], excludeColumns: ['store_id'] },
      /either columns or excludeColumns/,
    ],
    [{ permissions: ['ALL'] }, /body.permissions.0/],
    [{ principal: 'arn:aws:iam::1:role/x' }, /Unrecognized key: "principal"/],
  ])('refuses %j with a 400 and stores nothing', async (overrides, message) => {
    const before = (await listAll('ana')).length;
    const res = await post('ana', '', {
      ...body,
      justification: 'bad input',
      ...overrides,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error).not.toHaveProperty('stack');
    expect((await listAll('ana')).length).toBe(before);
  });

  it('answers a body over the route limit with 413 and a JSON error, and stores nothing', async () => {
    const before = (await listAll('ana')).length;
    // Under the sources routes' limit, over this route's 64 kB.
    const res = await post('ana', '', {
      ...body,
      justification: 'x'.repeat(80 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toEqual({
      name: 'PayloadTooLargeError',
      message: 'The request body is larger than the 64 kB this route accepts',
    });
    expect((await listAll('ana')).length).toBe(before);
  });

  it('refuses a duplicate pending request with 409 and keeps the first one only', async () => {
    const scope = { ...body, columns: ['active', 'store_id'] };
    const first = await post('ana', '', scope);
    expect(first.status).toBe(201);
    const before = await listAll('ana');
    const second = await post('ana', '', {
      ...scope,
      columns: ['store_id', 'active'],
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(
      /pending request .* same scope already exists/,
    );
    expect(await listAll('ana')).toEqual(before);
  });

  it('answers 409 when a decided request is decided again, and 404 for an unknown id', async () => {
    const created = await post('ana', '', {
      ...body,
      columns: ['customer_id'],
    });
    expect(
      (await post('dana', `/${created.body.id}/reject`, { comment: 'no' }))
        .body,
    ).toMatchObject({
      status: 'rejected',
      decisionComment: 'no',
    });
    const again = await post('dana', `/${created.body.id}/approve`);
    expect(again.status).toBe(409);
    const missing = await post(
      'dana',
      '/00000000-0000-4000-8000-00000000abcd/approve',
    );
    expect(missing.status).toBe(404);
  });

  it('refuses an approval whose columns hide what the row filter reads', async () => {
    const created = await post('ana', '', {
      ...body,
      columns: ['email', 'store_id'],
      rowFilter: 'store_id = 1',
    });
    expect(created.status).toBe(201);
    const hiding = await post('dana', `/${created.body.id}/approve`, {
      columns: ['email'],
    });
    expect(hiding.status).toBe(400);
    expect(hiding.body.error.message).toMatch(
      /Invalid rowFilter: it reads store_id, which the grant hides/,
    );
    const added = await post('dana', `/${created.body.id}/approve`, {
      rowFilter: 'active = 1',
    });
    expect(added.status).toBe(400);
    expect(added.body.error.message).toMatch(
      /it reads active, which the grant hides/,
    );
    expect(
      (await listAll('ana')).find(r => r.id === created.body.id),
    ).toMatchObject({
      status: 'pending',
    });
  });

  it('lets an approver narrow the columns, but not widen them', async () => {
    const created = await post('ana', '', {
      ...body,
      columns: ['email', 'first_name'],
    });
    const widened = await post('dana', `/${created.body.id}/approve`, {
      columns: ['store_id'],
    });
    expect(widened.status).toBe(400);
    expect(widened.body.error.message).toMatch(/not requested: store_id/);
    const narrowed = await post('dana', `/${created.body.id}/approve`, {
      columns: ['first_name'],
      rowFilter: "first_name LIKE 'A%'",
    });
    expect(narrowed.body).toMatchObject({
      status: 'granted',
      requestedScope: { columns: ['email', 'first_name'] },
      scope: { columns: ['first_name'], rowFilter: "first_name LIKE 'A%'" },
    });
  });
});
