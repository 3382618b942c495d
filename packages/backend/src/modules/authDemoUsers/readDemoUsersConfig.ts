import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The header the demo sign-in page sends to say which demo user signs in. */
export const DEMO_USER_HEADER = 'x-demo-user';

/** What `auth.providers.demo` allows. */
export type DemoUsersConfig = {
  /** User entity refs, lower case, that may be signed in as. */
  users: ReadonlySet<string>;
};

/** `user:default/ana` for `ana`, `user:default/ana` or `default/ana`; lower case. */
export function normalizeUserRef(ref: string): string {
  const parsed = parseEntityRef(ref.trim(), {
    defaultKind: 'user',
    defaultNamespace: 'default',
  });
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new TypeError(`'${ref}' is not a user entity ref`);
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}

/**
 * Reads `auth.providers.demo` (the provider's own config block). An empty allow-list is a
 * configuration mistake, not "nobody": it fails so that the demo does not start half-working.
 */
export function readDemoUsersConfig(config: Config): DemoUsersConfig {
  const users = config.getStringArray('users');
  if (users.length === 0) {
    throw new TypeError(
      'auth.providers.demo.users must list at least one user',
    );
  }
  return { users: new Set(users.map(normalizeUserRef)) };
}
