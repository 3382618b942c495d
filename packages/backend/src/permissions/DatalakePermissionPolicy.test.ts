import { ConfigReader } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
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
});
