import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { DatabaseAccessRequestStore } from './DatabaseAccessRequestStore';
import { StoredAccessRequest } from './AccessRequestStore';

// The local PostgreSQL server (trust auth); CI exports the same variable.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES17_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_17'] });

function request(id: string, overrides: Partial<StoredAccessRequest> = {}) {
  return {
    id,
    entityRef: 'resource:default/sakila_silver.customer',
    database: 'sakila_silver',
    table: 'customer',
    catalogId: '000000000000',
    tableOwner: 'group:default/data-engineering',
    tableColumns: ['customer_id', 'email'],
    requester: 'user:default/ana',
    principal: 'arn:aws:iam::000000000000:role/analysts',
    requestedScope: { columns: ['email'] },
    scope: { columns: ['email'] },
    permissions: ['SELECT'],
    justification: 'churn analysis',
    durationDays: 7,
    status: 'pending',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  } as StoredAccessRequest;
}

const created = {
  at: '2025-01-01T00:00:00.000Z',
  actor: 'user:default/ana',
  action: 'created' as const,
};

describe.each(databases.eachSupportedId())(
  'DatabaseAccessRequestStore on %s',
  id => {
    let store: DatabaseAccessRequestStore;
    let database: DatabaseService;

    beforeAll(async () => {
      const knex = await databases.init(id);
      database = mockServices.database({ knex, migrations: { skip: false } });
      store = await DatabaseAccessRequestStore.create({ database });
    });

    it('stores a request with its audit entry and reads it back', async () => {
      const id1 = '00000000-0000-4000-8000-000000000001';
      await expect(
        store.create(request(id1), 'key-1', created),
      ).resolves.toEqual(request(id1));
      await expect(store.listAudit(id1)).resolves.toEqual([
        { requestId: id1, ...created },
      ]);
    });

    it('refuses a second pending request with the same key and writes nothing', async () => {
      const id2 = '00000000-0000-4000-8000-000000000002';
      const error = await store
        .create(request(id2), 'key-1', created)
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      await expect(store.get(id2)).resolves.toBeUndefined();
      await expect(store.listAudit(id2)).resolves.toEqual([]);
    });

    it('applies a transition only from the expected state, with its audit entry', async () => {
      const id1 = '00000000-0000-4000-8000-000000000001';
      const approved = await store.transition(id1, {
        from: ['pending'],
        to: 'approved',
        patch: {
          decidedBy: 'user:default/dana',
          decidedAt: '2025-01-02T00:00:00.000Z',
          scope: { columns: ['email'], rowFilter: "email LIKE '%@x'" },
          grantClaimedAt: '2025-01-02T00:00:00.000Z',
        },
        audit: {
          at: '2025-01-02T00:00:00.000Z',
          actor: 'user:default/dana',
          action: 'approved',
          details: { comment: 'ok' },
        },
      });
      expect(approved).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/dana',
        scope: { columns: ['email'], rowFilter: "email LIKE '%@x'" },
        requestedScope: { columns: ['email'] },
        updatedAt: '2025-01-02T00:00:00.000Z',
      });
      await expect(
        store.transition(id1, { from: ['pending'], to: 'rejected' }),
      ).resolves.toBeUndefined();
      // The lease holds until it is older than the cutoff.
      await expect(
        store.transition(id1, {
          from: ['approved'],
          patch: { grantClaimedAt: '2025-01-02T00:01:00.000Z' },
          claimedBefore: '2025-01-01T23:59:00.000Z',
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.transition(id1, {
          from: ['approved'],
          patch: { grantClaimedAt: null },
          claimedBefore: '2025-01-02T00:00:01.000Z',
        }),
      ).resolves.not.toHaveProperty('grantClaimedAt');
      expect((await store.listAudit(id1)).map(e => e.action)).toEqual([
        'created',
        'approved',
      ]);
    });

    it('frees the pending key once a request is decided', async () => {
      const id3 = '00000000-0000-4000-8000-000000000003';
      await expect(
        store.create(request(id3), 'key-1', created),
      ).resolves.toMatchObject({ status: 'pending' });
    });

    it('lists by requester, table, status and expiry', async () => {
      const id4 = '00000000-0000-4000-8000-000000000004';
      await store.create(
        request(id4, {
          requester: 'user:default/dana',
          entityRef: 'resource:default/sakila_silver.film',
          table: 'film',
        }),
        'key-4',
        created,
      );
      await store.transition(id4, {
        from: ['pending'],
        to: 'granted',
        patch: { expiresAt: '2025-02-01T00:00:00.000Z' },
      });
      const ids = (rows: StoredAccessRequest[]) => rows.map(r => r.id).sort();
      expect(ids(await store.list({ requester: 'user:default/ana' }))).toEqual([
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000003',
      ]);
      expect(
        ids(
          await store.list({
            entityRef: 'resource:default/sakila_silver.film',
          }),
        ),
      ).toEqual([id4]);
      expect(
        ids(
          await store.list({
            statuses: ['granted'],
            expiresBefore: '2025-02-01T00:00:00.000Z',
          }),
        ),
      ).toEqual([id4]);
      expect(
        await store.list({
          statuses: ['granted'],
          expiresBefore: '2025-01-31T23:59:59.999Z',
        }),
      ).toEqual([]);
    });

    it('migrates down cleanly', async () => {
      const knex = await database.getClient();
      // The directory is explicit: knex would otherwise look in the current directory, which
      // is the repository root when the whole suite runs.
      await knex.migrate.rollback(
        {
          tableName: 'datalake_knex_migrations',
          directory: resolvePackagePath(
            '@datalake-portal/backstage-plugin-datalake-backend',
            'migrations',
          ),
        } as any,
        true,
      );
      await expect(
        knex.schema.hasTable('datalake_access_requests'),
      ).resolves.toBe(false);
      await expect(knex.schema.hasTable('datalake_access_audit')).resolves.toBe(
        false,
      );
    });
  },
);
