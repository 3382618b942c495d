import { InputError, NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';
import {
  DEMO_USER_HEADER,
  DemoUsersConfig,
  normalizeUserRef,
  readDemoUsersConfig,
} from './readDemoUsersConfig';

/** What the authenticator hands to the sign-in resolver: the chosen, allowed user. */
export type DemoUserResult = { userEntityRef: string };

/**
 * Takes the demo user from the `x-demo-user` header of the refresh call and checks it against
 * the configured allow-list. There is no secret: whoever reaches the backend may be any listed
 * user, which is why the module refuses to run in production.
 */
export const demoUsersAuthenticator = createProxyAuthenticator<
  DemoUsersConfig,
  DemoUserResult,
  undefined
>({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    return readDemoUsersConfig(config);
  },
  async authenticate({ req }, { users }) {
    const header = req.header(DEMO_USER_HEADER);
    if (!header) {
      throw new InputError(
        `Missing ${DEMO_USER_HEADER} header: which demo user signs in?`,
      );
    }
    let userEntityRef: string;
    try {
      userEntityRef = normalizeUserRef(header);
    } catch {
      throw new InputError(`'${header}' is not a user entity ref`);
    }
    if (!users.has(userEntityRef)) {
      throw new NotAllowedError(
        `${userEntityRef} is not a demo user (auth.providers.demo.users)`,
      );
    }
    return { result: { userEntityRef } };
  },
});
