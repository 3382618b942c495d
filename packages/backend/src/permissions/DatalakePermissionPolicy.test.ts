import { ConfigReader } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  datalakePipelineCreatePermission,
  datalakePipelineOwnerAssignPermission,
  datalakeAccessRequestApprovePermission,
  datalakeAccessRequestCreatePermission,
  datalakeAccessRequestRevokePermission,
  datalakePipelineRunPermission,
  datalakeRunErrorReadPermission,
  datalakeTableReloadPermission,
  datalakeSourceInspectPermission,
  datalakeSourceReadPermission,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { DatalakePermissionPolicy } from './DatalakePermissionPolicy';

function userOf(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

describe('DatalakePermissionPolicy', () => {
  const policy = DatalakePermissionPolicy.fromConfig(
    new ConfigReader({
      permission: { datalake: { admins: ['group:default/platform-team'] } },
    }),
  );
  const analyst = userOf('user:default/ana', 'group:default/analysts');
  const admin = userOf('user:default/pat', 'group:default/Platform-Team');

  it('lets anyone read catalog entities', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, analyst),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets a non-admin unregister only entities they own', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      analyst,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/ana', 'group:default/analysts'],
        },
      },
    });
  });

  it('refuses location deletion to non-admins', async () => {
    await expect(
      policy.handle({ permission: catalogLocationDeletePermission }, analyst),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it("lets admins and the table entity's owners run its pipeline now, and nobody else", async () => {
    await expect(
      policy.handle({ permission: datalakePipelineRunPermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: datalakePipelineRunPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: datalakePipelineRunPermission }, analyst),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/ana', 'group:default/analysts'] },
      },
    });
  });

  it("lets admins and the table entity's owners reload it from its source, and nobody else", async () => {
    await expect(
      policy.handle({ permission: datalakeTableReloadPermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: datalakeTableReloadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: datalakeTableReloadPermission }, analyst),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        params: { claims: ['user:default/ana', 'group:default/analysts'] },
      },
    });
  });

  it('shows run errors to admins, and to others only as owners or grant holders of the table', async () => {
    await expect(
      policy.handle({ permission: datalakeRunErrorReadPermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: datalakeRunErrorReadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: datalakeRunErrorReadPermission }, analyst),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'datalake',
      resourceType: 'datalake-table-data',
      conditions: {
        anyOf: [
          {
            rule: 'IS_TABLE_DATA_OWNER',
            resourceType: 'datalake-table-data',
            params: { claims: ['user:default/ana', 'group:default/analysts'] },
          },
          {
            rule: 'HAS_TABLE_GRANT',
            resourceType: 'datalake-table-data',
            params: { userEntityRef: 'user:default/ana' },
          },
        ],
      },
    });
  });

  it('allows everything to admins, matching group refs case-insensitively', async () => {
    await expect(
      policy.handle({ permission: catalogLocationDeletePermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('treats a missing user (service calls) as a non-admin', async () => {
    await expect(
      policy.handle({ permission: catalogLocationDeletePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  describe('access requests', () => {
    const owner = userOf('user:default/dana', 'group:default/data-engineering');

    it('lets any signed-in user ask for access, and nobody else', async () => {
      await expect(
        policy.handle(
          { permission: datalakeAccessRequestCreatePermission },
          analyst,
        ),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      await expect(
        policy.handle({ permission: datalakeAccessRequestCreatePermission }),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    });

    it('lets table owners approve, but never their own requests', async () => {
      await expect(
        policy.handle(
          { permission: datalakeAccessRequestApprovePermission },
          owner,
        ),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'datalake',
        resourceType: 'datalake-access-request',
        conditions: {
          allOf: [
            {
              rule: 'IS_TABLE_OWNER',
              resourceType: 'datalake-access-request',
              params: {
                claims: ['user:default/dana', 'group:default/data-engineering'],
              },
            },
            {
              not: {
                rule: 'IS_REQUESTER',
                resourceType: 'datalake-access-request',
                params: { userEntityRef: 'user:default/dana' },
              },
            },
          ],
        },
      });
    });

    it('keeps admins from approving their own requests too', async () => {
      await expect(
        policy.handle(
          { permission: datalakeAccessRequestApprovePermission },
          admin,
        ),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'datalake',
        resourceType: 'datalake-access-request',
        conditions: {
          not: {
            rule: 'IS_REQUESTER',
            resourceType: 'datalake-access-request',
            params: { userEntityRef: 'user:default/pat' },
          },
        },
      });
    });

    it('lets requesters and owners revoke, admins always', async () => {
      const decision = await policy.handle(
        { permission: datalakeAccessRequestRevokePermission },
        analyst,
      );
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          anyOf: [
            {
              rule: 'IS_REQUESTER',
              params: { userEntityRef: 'user:default/ana' },
            },
            { rule: 'IS_TABLE_OWNER' },
          ],
        },
      });
      await expect(
        policy.handle(
          { permission: datalakeAccessRequestRevokePermission },
          admin,
        ),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });
  });

  describe('sources', () => {
    it('lets members of the source owner group inspect, as a condition on the source', async () => {
      await expect(
        policy.handle({ permission: datalakeSourceInspectPermission }, analyst),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'datalake',
        resourceType: 'datalake-source',
        conditions: {
          rule: 'IS_SOURCE_OWNER',
          resourceType: 'datalake-source',
          params: {
            claims: ['user:default/ana', 'group:default/analysts'],
          },
        },
      });
    });

    it('lets admins inspect any source, and refuses callers without a user', async () => {
      await expect(
        policy.handle({ permission: datalakeSourceInspectPermission }, admin),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      await expect(
        policy.handle({ permission: datalakeSourceInspectPermission }),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    });

    it('lets anyone list the sources', async () => {
      await expect(
        policy.handle({ permission: datalakeSourceReadPermission }, analyst),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });
  });

  describe('scaffolder', () => {
    it('lets members of the source owner group create its pipeline resources, as a condition on the source', async () => {
      await expect(
        policy.handle(
          { permission: datalakePipelineCreatePermission },
          analyst,
        ),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'datalake',
        resourceType: 'datalake-source',
        conditions: {
          rule: 'IS_SOURCE_OWNER',
          resourceType: 'datalake-source',
          params: {
            claims: ['user:default/ana', 'group:default/analysts'],
          },
        },
      });
      await expect(
        policy.handle({ permission: datalakePipelineCreatePermission }, admin),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      await expect(
        policy.handle({ permission: datalakePipelineCreatePermission }),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    });

    it('lets only admins give pipeline resources to other owners', async () => {
      await expect(
        policy.handle(
          { permission: datalakePipelineOwnerAssignPermission },
          analyst,
        ),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
      await expect(
        policy.handle(
          { permission: datalakePipelineOwnerAssignPermission },
          admin,
        ),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });

    it('keeps dry runs of inline templates for admins', async () => {
      await expect(
        policy.handle({ permission: templateDryRunPermission }, analyst),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
      await expect(
        policy.handle({ permission: templateDryRunPermission }, admin),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });

    it('lets users start templates, and read or cancel only their own tasks', async () => {
      for (const permission of [
        taskCreatePermission,
        actionExecutePermission,
      ]) {
        await expect(policy.handle({ permission }, analyst)).resolves.toEqual({
          result: AuthorizeResult.ALLOW,
        });
      }
      for (const permission of [taskReadPermission, taskCancelPermission]) {
        await expect(policy.handle({ permission }, analyst)).resolves.toEqual({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'scaffolder',
          resourceType: 'scaffolder-task',
          conditions: {
            rule: 'IS_TASK_OWNER',
            resourceType: 'scaffolder-task',
            params: { createdBy: ['user:default/ana'] },
          },
        });
        await expect(policy.handle({ permission }, admin)).resolves.toEqual({
          result: AuthorizeResult.ALLOW,
        });
        await expect(policy.handle({ permission })).resolves.toEqual({
          result: AuthorizeResult.DENY,
        });
      }
    });
  });
});
