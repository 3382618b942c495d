/*
 * The data lake's actions in the actions registry, invoked as the MCP actions backend invokes
 * them (with the caller's credentials), over the access test backend: the real plugin, the AWS
 * emulator and a catalog whose tables the caller may or may not see.
 */
import {
  actionsRegistryServiceMock,
  MockActionsRegistry,
} from '@backstage/backend-test-utils/alpha';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  AccessTestBackend,
  ANALYSTS_ROLE,
  CUSTOMER_REF,
  FORGED_REF,
  PAYMENT_REF,
  startAccessTestBackend,
} from '../access/__testUtils__/accessTestBackend';

jest.setTimeout(60_000);

const ana = mockCredentials.user('user:default/ana');
const dana = mockCredentials.user('user:default/dana');

describe('the data lake actions', () => {
  let backend: AccessTestBackend;
  let registry: MockActionsRegistry;

  beforeAll(async () => {
    registry = actionsRegistryServiceMock({
      logger: mockServices.logger.mock(),
    });
    backend = await startAccessTestBackend({ actionsRegistry: registry });
  });

  afterAll(async () => {
    await backend.stop();
  });

  /** Invokes an action by name (the mock registry files them under its own plugin id). */
  async function invoke(
    name: string,
    input: Record<string, any>,
    credentials: Parameters<MockActionsRegistry['invoke']>[0]['credentials'],
  ) {
    const { actions } = await registry.list();
    const action = actions.find(a => a.name === name)!;
    return registry.invoke({ id: action.id, input, credentials });
  }

  it('offers read-only actions, requesting access and Run now, and no way to decide a request', async () => {
    const { actions } = await registry.list();
    expect(actions.map(a => a.name).sort()).toEqual([
      'describe-table',
      'find-tables',
      'get-table-lineage',
      'get-table-runs',
      'list-my-access-requests',
      'request-table-access',
      'run-pipeline-now',
    ]);
    for (const action of actions) {
      expect(action.description.length).toBeGreaterThan(80);
      expect(action.schema.input).toMatchObject({ type: 'object' });
      expect(action.schema.output).toMatchObject({ type: 'object' });
    }
    const readOnly = actions
      .filter(a => a.attributes.readOnly)
      .map(a => a.name)
      .sort();
    expect(readOnly).toEqual([
      'describe-table',
      'find-tables',
      'get-table-lineage',
      'get-table-runs',
      'list-my-access-requests',
    ]);
  });

  it('finds tables by column among those the caller may see, and only tables the Glue provider emitted', async () => {
    const find = async (credentials: typeof ana, text: string) =>
      (
        (await invoke('find-tables', { text }, credentials)).output as {
          tables: Array<{ entityRef: string; columns: any[] }>;
        }
      ).tables;
    expect(await find(ana, 'EMAIL')).toEqual([
      expect.objectContaining({
        entityRef: CUSTOMER_REF,
        layer: 'silver',
        owner: 'data-engineering',
        columns: [{ name: 'email', type: 'string', comment: null }],
      }),
    ]);
    // The payment table is for its owners; the file-registered copy claims it for anyone.
    expect(await find(ana, 'amount')).toEqual([]);
    expect((await find(dana, 'amount')).map(t => t.entityRef)).toEqual([
      PAYMENT_REF,
    ]);
    expect((await find(dana, 'amount')).map(t => t.entityRef)).not.toContain(
      FORGED_REF,
    );
  });

  it('files an access request as the analyst, which the owners then see in their inbox', async () => {
    const { output } = await invoke(
      'request-table-access',
      {
        entityRef: CUSTOMER_REF,
        columns: ['email'],
        justification: 'churn model features',
        durationDays: 7,
      },
      ana,
    );
    expect(output).toMatchObject({
      entityRef: CUSTOMER_REF,
      table: 'sakila_silver.customer',
      status: 'pending',
      scope: 'columns email',
      permissions: ['SELECT'],
      principal: ANALYSTS_ROLE,
      principalSharedBy: 'group:default/analysts',
    });
    const id = (output as { id: string }).id;

    const inbox = await request(backend.server)
      .get('/api/datalake/v1/access-requests?view=to-approve')
      .set('Authorization', mockCredentials.user.header('user:default/dana'));
    expect(inbox.body.items.map((r: { id: string }) => r.id)).toContain(id);

    const mine = await invoke('list-my-access-requests', {}, ana);
    expect(
      (mine.output as { requests: Array<{ id: string }> }).requests.map(
        r => r.id,
      ),
    ).toContain(id);

    // The analyst cannot approve it herself, through the API either.
    const approve = await request(backend.server)
      .post(`/api/datalake/v1/access-requests/${id}/approve`)
      .set('Authorization', mockCredentials.user.header('user:default/ana'))
      .send({});
    expect(approve.status).toBe(403);
  });

  it('validates a request as the REST route does, and takes none from a service', async () => {
    await expect(
      invoke(
        'request-table-access',
        {
          entityRef: CUSTOMER_REF,
          columns: ['salary'],
          justification: 'x',
          durationDays: 7,
        },
        ana,
      ),
    ).rejects.toThrow(/Unknown column in columns: salary/);
    await expect(
      invoke(
        'request-table-access',
        {
          entityRef: FORGED_REF,
          justification: 'x',
          durationDays: 7,
        },
        ana,
      ),
    ).rejects.toThrow(`No data lake table ${FORGED_REF} that you can see`);
    await expect(
      invoke(
        'request-table-access',
        {
          entityRef: CUSTOMER_REF,
          justification: 'x',
          durationDays: 7,
        },
        mockCredentials.service('plugin:other'),
      ),
    ).rejects.toThrow('This action is for signed-in users');
  });
});
