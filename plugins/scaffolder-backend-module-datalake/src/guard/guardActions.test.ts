import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { guardPipelineActions } from './guardActions';
import { InspectionSeal } from './inspectionSeal';
import { PipelineActionAccess } from './pipelineActionAccess';

const SOURCE_OWNER = 'group:default/data-engineering';
const MEMBERS: Record<string, string[]> = {
  'user:default/ana': ['user:default/ana', 'group:default/analysts'],
  'user:default/dana': ['user:default/dana', SOURCE_OWNER],
  'user:default/pat': ['user:default/pat', 'group:default/platform-team'],
};
const ADMINS = ['user:default/pat'];

/** Decides as the portal's policy does: source owners and admins create; admins assign owners. */
const permissions = {
  authorize: jest.fn(
    async (
      requests: AuthorizePermissionRequest[],
      { credentials }: { credentials: BackstageCredentials },
    ) => {
      const user = (credentials.principal as { userEntityRef?: string })
        .userEntityRef;
      const refs = user ? MEMBERS[user] ?? [user] : [];
      return requests.map(request => {
        const admin = !!user && ADMINS.includes(user);
        if (request.permission.name === datalakePipelineCreatePermission.name) {
          const ownsSource =
            request.resourceRef === 'sakila' && refs.includes(SOURCE_OWNER);
          return {
            result:
              admin || ownsSource
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }
        if (
          request.permission.name === datalakePipelineOwnerAssignPermission.name
        ) {
          return {
            result: admin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        }
        return { result: AuthorizeResult.DENY };
      });
    },
  ),
} as unknown as PermissionsService;

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const user = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return { userEntityRef: user, ownershipEntityRefs: MEMBERS[user] ?? [] };
  },
};

/** An auditor that records each event with its outcome, as the auditor service would log it. */
function recordingAuditor() {
  const events: Array<Record<string, any>> = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async options => {
      const event: Record<string, any> = { ...options };
      events.push(event);
      return {
        success: async done => {
          event.outcome = 'success';
          event.result = done?.meta;
        },
        fail: async failed => {
          event.outcome = 'failure';
          event.error = failed.error.message;
        },
      };
    },
  });
  return { auditor, events };
}

function setup(options: { permissionsEnabled?: boolean } = {}) {
  const seal = InspectionSeal.create();
  const { auditor, events } = recordingAuditor();
  const enabled = options.permissionsEnabled ?? true;
  const access = new PipelineActionAccess({
    // With the framework off, Backstage's permissions service allows everything.
    permissions: enabled
      ? permissions
      : ({
          authorize: async (requests: unknown[]) =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        } as unknown as PermissionsService),
    userInfo,
    sources: [
      { id: 'sakila', owner: SOURCE_OWNER },
      { id: 'billing', owner: 'group:default/finance' },
    ],
    permissionsEnabled: enabled,
  });
  const inner = jest.fn(async (ctx: any) => {
    ctx.output('tableArns', [
      'arn:aws:glue:eu-west-1:1:table/sakila_bronze/actor',
    ]);
  });
  const report = { database: 'sakila', tables: [{ name: 'actor' }] };
  const [tables, inspect] = guardPipelineActions(
    [
      createTemplateAction({
        id: 'datalake:glue:iceberg-table:create',
        schema: {},
        handler: inner,
      }),
      createTemplateAction({
        id: 'datalake:mysql:source:inspect',
        schema: {},
        async handler(ctx) {
          ctx.output('report', report);
          ctx.output('ready', true);
        },
      }),
    ],
    { access, seal, auditor },
  );
  const as = (user: string, input: Record<string, unknown>) => ({
    ...createMockActionContext({ input: input as any }),
    getInitiatorCredentials: async () => mockCredentials.user(user),
  });
  return { seal, tables, inspect, inner, report, as, events };
}

describe('guardPipelineActions', () => {
  it('lets an owner of the source create its resources for their group, with a report the inspect step sealed', async () => {
    const { tables, inspect, inner, as } = setup();
    const inspectCtx = as('user:default/dana', { sourceId: 'sakila' });
    await inspect.handler(inspectCtx);
    const sealed = (inspectCtx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'report',
    )![1];
    expect(sealed).toEqual({
      database: 'sakila',
      tables: [{ name: 'actor' }],
      seal: expect.stringMatching(/^[\w-]{43}$/),
    });

    await tables.handler(
      as('user:default/dana', {
        sourceId: 'sakila',
        owner: SOURCE_OWNER,
        // Key order changes in storage must not matter.
        inspection: JSON.parse(
          JSON.stringify({
            seal: sealed.seal,
            tables: sealed.tables,
            database: 'sakila',
          }),
        ),
      }),
    );
    expect(inner).toHaveBeenCalledTimes(1);
    // The action gets the report without its seal.
    expect(inner.mock.calls[0][0].input.inspection).toEqual({
      database: 'sakila',
      tables: [{ name: 'actor' }],
    });
  });

  it('refuses an analyst outside the source’s owner group, before the action runs', async () => {
    const { tables, inspect, inner, as } = setup();
    await expect(
      tables.handler(
        as('user:default/ana', {
          sourceId: 'sakila',
          owner: 'group:default/analysts',
        }),
      ),
    ).rejects.toThrow(
      new NotAllowedError(
        "Not allowed: datalake.pipeline.create on source 'sakila' (members of its owner group and admins only)",
      ),
    );
    await expect(
      inspect.handler(as('user:default/ana', { sourceId: 'sakila' })),
    ).rejects.toThrow(NotAllowedError);
    expect(inner).not.toHaveBeenCalled();
  });

  it('records every run in the auditor: who, which action and source, what it made, and refusals', async () => {
    const { tables, as, events } = setup();
    await tables.handler(
      as('user:default/dana', { sourceId: 'sakila', owner: SOURCE_OWNER }),
    );
    await expect(
      tables.handler(as('user:default/ana', { sourceId: 'sakila' })),
    ).rejects.toThrow(NotAllowedError);
    expect(events).toEqual([
      expect.objectContaining({
        eventId: 'pipeline-resources',
        meta: expect.objectContaining({
          actor: 'user:default/dana',
          actionId: 'datalake:glue:iceberg-table:create',
          sourceId: 'sakila',
          owner: SOURCE_OWNER,
          dryRun: false,
        }),
        outcome: 'success',
        result: {
          outputs: {
            tableArns: ['arn:aws:glue:eu-west-1:1:table/sakila_bronze/actor'],
          },
        },
      }),
      expect.objectContaining({
        eventId: 'pipeline-resources',
        meta: expect.objectContaining({ actor: 'user:default/ana' }),
        outcome: 'failure',
        error:
          "Not allowed: datalake.pipeline.create on source 'sakila' (members of its owner group and admins only)",
      }),
    ]);
  });

  it('refuses a source that is not configured, for admins too', async () => {
    const { tables, inner, as } = setup();
    await expect(
      tables.handler(as('user:default/pat', { sourceId: 'payroll' })),
    ).rejects.toThrow(
      new InputError(
        "source 'payroll' is not configured in datalake.sources (configured: sakila, billing)",
      ),
    );
    expect(inner).not.toHaveBeenCalled();
  });

  it('refuses an owner who is not the caller or one of their groups, unless an admin', async () => {
    const { tables, inner, as } = setup();
    await expect(
      tables.handler(
        as('user:default/dana', {
          sourceId: 'sakila',
          owner: 'group:default/finance',
        }),
      ),
    ).rejects.toThrow(
      /Not allowed: owner 'group:default\/finance' is neither you nor one of your groups/,
    );
    // A bare group name is a group in the default namespace, as OwnerPicker gives it.
    await tables.handler(
      as('user:default/dana', {
        sourceId: 'sakila',
        owner: 'data-engineering',
      }),
    );
    await tables.handler(
      as('user:default/pat', {
        sourceId: 'sakila',
        owner: 'group:default/finance',
      }),
    );
    expect(inner).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['no seal', (r: any) => r],
    ['an edited report', (r: any) => ({ ...r, tables: [{ name: 'salary' }] })],
    ['a forged seal', (r: any) => ({ ...r, seal: 'x'.repeat(43) })],
  ])('refuses an inspection report with %s', async (_case, change) => {
    const { seal, tables, inner, report, as } = setup();
    const forged = change(
      _case === 'no seal' ? report : seal.seal('sakila', report),
    );
    await expect(
      tables.handler(
        as('user:default/dana', { sourceId: 'sakila', inspection: forged }),
      ),
    ).rejects.toThrow(
      /inspection is not a report that datalake:mysql:source:inspect made for source 'sakila'/,
    );
    expect(inner).not.toHaveBeenCalled();
  });

  it('refuses a report sealed for another source or by another backend', async () => {
    const { seal, tables, inner, report, as } = setup();
    await expect(
      tables.handler(
        as('user:default/pat', {
          sourceId: 'sakila',
          inspection: seal.seal('billing', report),
        }),
      ),
    ).rejects.toThrow(InputError);
    await expect(
      tables.handler(
        as('user:default/pat', {
          sourceId: 'sakila',
          inspection: InspectionSeal.create().seal('sakila', report),
        }),
      ),
    ).rejects.toThrow(InputError);
    expect(inner).not.toHaveBeenCalled();
  });

  it('fails closed with the permission framework off: source owners only, for their own groups, no admins', async () => {
    const { tables, inner, as } = setup({ permissionsEnabled: false });
    await tables.handler(
      as('user:default/dana', { sourceId: 'sakila', owner: SOURCE_OWNER }),
    );
    expect(inner).toHaveBeenCalledTimes(1);
    await expect(
      tables.handler(as('user:default/ana', { sourceId: 'sakila' })),
    ).rejects.toThrow(NotAllowedError);
    // Without the policy there are no admins: pat is no owner of sakila.
    await expect(
      tables.handler(as('user:default/pat', { sourceId: 'sakila' })),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      tables.handler(
        as('user:default/dana', {
          sourceId: 'sakila',
          owner: 'group:default/finance',
        }),
      ),
    ).rejects.toThrow(/only admins give pipeline resources to other owners/);
    await expect(
      tables.handler({
        ...as('user:default/dana', { sourceId: 'sakila' }),
        getInitiatorCredentials: async () =>
          mockCredentials.service('plugin:other'),
      }),
    ).rejects.toThrow(NotAllowedError);
    expect(inner).toHaveBeenCalledTimes(1);
  });
});
