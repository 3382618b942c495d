import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  demoUsersAuthenticator,
  DemoUserResult,
} from './demoUsersAuthenticator';
import {
  assertDemoSignInAllowed,
  readDemoUsersConfig,
} from './readDemoUsersConfig';

/** The provider id: configured under `auth.providers.demo`, served at `/api/auth/demo`. */
export const DEMO_USERS_PROVIDER_ID = 'demo';

/**
 * A development-only sign-in provider that lets the demo portal sign in as one of the users
 * listed in `auth.providers.demo.users` (ana the analyst, dana the data engineer), so that "an
 * analyst requests, an owner approves" can be played in one browser. The user must exist in the
 * catalog; ownership comes from its groups, as for any real provider.
 *
 * It does nothing unless `auth.providers.demo` is configured, and then refuses to start unless
 * `auth.providers.demo.development` is `true`, `NODE_ENV` is not `production`, and the backend
 * listens on a loopback address only, with a loopback `backend.baseUrl`: it has no secret, so it
 * must never be reachable from another machine.
 */
export const authModuleDemoUsersProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const key = `auth.providers.${DEMO_USERS_PROVIDER_ID}`;
        if (!config.has(key)) {
          return;
        }
        if (process.env.NODE_ENV === 'production') {
          throw new Error(
            `${key} signs anyone in as a demo user and must not be configured in production; remove it (set it to null in a production config file)`,
          );
        }
        // Decided from config, not from the environment alone: a forgotten NODE_ENV must not
        // open the door.
        assertDemoSignInAllowed(config);
        // Read now so that a broken allow-list stops the backend instead of one sign-in.
        const { users } = readDemoUsersConfig(config.getConfig(key));
        logger.warn(
          `Demo sign-in is enabled: anyone reaching this backend may sign in as ${[
            ...users,
          ].join(', ')}`,
        );
        providers.registerProvider({
          providerId: DEMO_USERS_PROVIDER_ID,
          factory: createProxyAuthProviderFactory<DemoUserResult>({
            authenticator: demoUsersAuthenticator,
            async profileTransform({ userEntityRef }, ctx) {
              const { entity } = await ctx.findCatalogUser({
                entityRef: userEntityRef,
              });
              const profile = entity.spec?.profile as
                | { displayName?: string; email?: string; picture?: string }
                | undefined;
              return {
                profile: {
                  displayName: profile?.displayName ?? entity.metadata.name,
                  ...(profile?.email ? { email: profile.email } : {}),
                  ...(profile?.picture ? { picture: profile.picture } : {}),
                },
              };
            },
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});
