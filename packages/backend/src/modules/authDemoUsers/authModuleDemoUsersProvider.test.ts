import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import authModuleDemoUsersProvider from '.';

const org: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ana', namespace: 'default' },
    spec: {
      profile: { displayName: 'Ana Analyst', email: 'ana@example.com' },
      memberOf: ['analysts'],
    },
    relations: [{ type: 'memberOf', targetRef: 'group:default/analysts' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'dana', namespace: 'default' },
    spec: { memberOf: ['data-engineering'] },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/data-engineering' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'pat', namespace: 'default' },
    spec: { memberOf: ['data-platform'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/data-platform' }],
  },
];

/** A demo backend: on loopback, as app-config.yaml has it. */
const LOOPBACK = {
  baseUrl: 'http://localhost:7007',
  listen: { host: '127.0.0.1', port: 7007 },
};

function startBackend(
  demo: JsonObject | undefined,
  backend: JsonObject = LOOPBACK,
) {
  return startTestBackend({
    features: [
      authPlugin,
      authModuleDemoUsersProvider,
      catalogServiceMock.factory({ entities: org }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend,
          auth: {
            providers:
              demo === undefined
                ? {}
                : { demo: { development: true, ...demo } },
          },
        },
      }),
    ],
  });
}

/** The identity in a Backstage token, without checking its signature (the backend did). */
function claimsOf(token: string): { sub: string } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('authModuleDemoUsersProvider', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('signs in as a listed catalog user, with the ownership of its groups', async () => {
    const { server } = await startBackend({
      users: ['user:default/ana', 'dana'],
    });

    const ana = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'user:default/ana')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(ana.status).toBe(200);
    expect(ana.body.profile).toEqual({
      displayName: 'Ana Analyst',
      email: 'ana@example.com',
    });
    expect(ana.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/ana',
      ownershipEntityRefs: ['user:default/ana', 'group:default/analysts'],
    });
    expect(claimsOf(ana.body.backstageIdentity.token).sub).toBe(
      'user:default/ana',
    );

    const dana = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'dana')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(dana.status).toBe(200);
    expect(dana.body.profile).toEqual({ displayName: 'dana' });
    expect(dana.body.backstageIdentity.identity.ownershipEntityRefs).toEqual([
      'user:default/dana',
      'group:default/data-engineering',
    ]);
  });

  it('refuses users outside the allow-list and calls without a user', async () => {
    const { server } = await startBackend({ users: ['user:default/ana'] });

    const pat = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'user:default/pat')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(pat.status).toBe(403);
    expect(pat.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'user:default/pat is not a demo user (auth.providers.demo.users)',
    });

    const group = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'group:default/analysts')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(group.status).toBe(400);

    const nobody = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.name).toBe('InputError');
  });

  it('is absent unless auth.providers.demo is configured', async () => {
    const { server } = await startBackend(undefined);
    const response = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'user:default/ana')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(response.status).toBe(404);
  });

  it('refuses to start in production when configured', async () => {
    process.env.NODE_ENV = 'production';
    await expect(startBackend({ users: ['user:default/ana'] })).rejects.toThrow(
      /auth\.providers\.demo signs anyone in as a demo user and must not be configured in production/,
    );
  });

  it('refuses to start without the explicit development switch', async () => {
    for (const development of [undefined, false]) {
      await expect(
        startBackend({ users: ['user:default/ana'], development }),
      ).rejects.toThrow(
        /auth\.providers\.demo signs anyone in as a demo user without a secret; it runs only with the explicit development switch auth\.providers\.demo\.development: true/,
      );
    }
  });

  it.each([
    [
      { baseUrl: 'http://localhost:7007', listen: { port: 7007 } },
      /unset \(every interface\)/,
    ],
    [
      { baseUrl: 'http://localhost:7007', listen: ':7007' },
      /unset \(every interface\)/,
    ],
    [
      {
        baseUrl: 'http://localhost:7007',
        listen: { host: '0.0.0.0', port: 7007 },
      },
      /backend\.listen\.host is '0\.0\.0\.0'/,
    ],
    [
      { baseUrl: 'http://localhost:7007', listen: '10.1.2.3:7007' },
      /backend\.listen\.host is '10\.1\.2\.3'/,
    ],
    [
      {
        baseUrl: 'https://portal.example.com',
        listen: { host: '127.0.0.1', port: 7007 },
      },
      /backend\.baseUrl is 'https:\/\/portal\.example\.com'/,
    ],
  ])('refuses to start off loopback: %j', async (backend, message) => {
    await expect(
      startBackend({ users: ['user:default/ana'] }, backend),
    ).rejects.toThrow(message);
  });

  it.each([
    [{ host: '127.0.0.1', port: 7007 }],
    [{ host: '::1', port: 7007 }],
    [{ host: 'localhost', port: 7007 }],
  ])('starts on the loopback listener %j', async listen => {
    const { server } = await startBackend(
      { users: ['user:default/ana'] },
      { baseUrl: 'http://127.0.0.1:7007', listen },
    );
    const ana = await request(server)
      .get('/api/auth/demo/refresh')
      .set('x-demo-user', 'user:default/ana')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(ana.status).toBe(200);
  });

  it('refuses to start with an empty allow-list', async () => {
    await expect(startBackend({ users: [] })).rejects.toThrow(
      /must list at least one user/,
    );
  });
});
