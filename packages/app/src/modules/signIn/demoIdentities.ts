/**
 * Who the demo portal lets you be. Guest uses the backend's guest provider; the others the
 * development-only `demo` provider (packages/backend/src/modules/authDemoUsers), which accepts
 * only the users listed in `auth.providers.demo.users` and exists in demo/catalog/org.yaml.
 */
export type DemoIdentity = {
  id: string;
  title: string;
  description: string;
  /** The button's label; guest keeps Backstage's usual "Enter". */
  action: string;
  provider: 'guest' | 'demo';
  /** Sent to the demo provider in the `x-demo-user` header. */
  userEntityRef?: string;
};

export const demoIdentities: DemoIdentity[] = [
  {
    id: 'guest',
    title: 'Guest',
    description:
      'Member of guests and data-engineering: owns the Sakila tables and approves access to them.',
    action: 'Enter',
    provider: 'guest',
  },
  {
    id: 'ana',
    title: 'Ana Analyst',
    description:
      'Member of analysts: finds tables and requests access to them.',
    action: 'Sign in as Ana',
    provider: 'demo',
    userEntityRef: 'user:default/ana',
  },
  {
    id: 'dana',
    title: 'Dana Data Engineer',
    description:
      'Member of data-engineering: owns the Sakila tables and approves access to them.',
    action: 'Sign in as Dana',
    provider: 'demo',
    userEntityRef: 'user:default/dana',
  },
];
