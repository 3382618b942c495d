import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { isIP } from 'node:net';

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

/** Whether a host name or address can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLocaleLowerCase('en-US');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\./.test(bare);
}

/**
 * Throws unless the demo sign-in may run: `auth.providers.demo.development: true`, and a backend
 * that listens on a loopback address (`backend.listen`, whose default is every interface) and
 * is addressed by a loopback `backend.baseUrl` (a public base URL means a proxy in front).
 */
export function assertDemoSignInAllowed(config: Config): void {
  const key = 'auth.providers.demo';
  if (config.getOptionalBoolean(`${key}.development`) !== true) {
    throw new Error(
      `${key} signs anyone in as a demo user without a secret; it runs only with the explicit development switch ${key}.development: true`,
    );
  }
  const { listen } = readHttpServerOptions(config.getOptionalConfig('backend'));
  if (!isLoopbackHost(listen.host)) {
    throw new Error(
      `${key} runs only on a backend that listens on a loopback address, but backend.listen.host is ${
        listen.host ? `'${listen.host}'` : 'unset (every interface)'
      }; set backend.listen.host to 127.0.0.1 or remove ${key}`,
    );
  }
  const baseUrl = config.getString('backend.baseUrl');
  if (!isLoopbackHost(new URL(baseUrl).hostname)) {
    throw new Error(
      `${key} runs only on a backend addressed on this machine, but backend.baseUrl is '${baseUrl}'; remove ${key}`,
    );
  }
}
