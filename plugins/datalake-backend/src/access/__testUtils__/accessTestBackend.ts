/*
 * A data lake backend for access request tests: the real plugin on a test backend, the local AWS
 * emulator behind `datalake.aws.endpoint`, a catalog holding two tables, and a permission
 * service that makes the portal's decisions (`decideAccessRequestPermission`) for a small
 * directory of users, as the permission backend would with the portal's policy.
 */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import {
  ActionsRegistryService,
  actionsRegistryServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import { RunningEmulator, startEmulator } from '@datalake-portal/aws-local';
import knexFactory from 'knex';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { decideAccessRequestPermission } from '../accessRequestPolicy';
import { datalakePlugin } from '../../plugin';

export const ACCOUNT = '000000000000';
export const ANALYSTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analysts`;
export const OWNER_GROUP = 'group:default/data-engineering';

/** Who belongs where: ownership refs per user, as the user info service would resolve them. */
export const DIRECTORY: Record<string, string[]> = {
  'user:default/ana': ['group:default/analysts'],
  'user:default/bob': ['group:default/analysts'],
  'user:default/dana': [OWNER_GROUP],
  'user:default/pat': ['group:default/data-platform'],
};

export const CUSTOMER_COLUMNS = [
  'customer_id',
  'store_id',
  'first_name',
  'email',
  'active',
];

export const CUSTOMER_REF = 'resource:default/sakila_silver.customer';
/** Visible to the owner group only. */
export const PAYMENT_REF = 'resource:default/sakila_silver.payment';

function tableEntity(table: string, columns: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `sakila_silver.${table}`,
      namespace: 'default',
      annotations: {
        // What the Glue provider `lake` writes on the entities it emits.
        'backstage.io/managed-by-location': 'datalake:lake',
        'backstage.io/managed-by-origin-location': 'datalake:lake',
        'datalake-portal.io/glue-database': 'sakila_silver',
        'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:${ACCOUNT}:table/sakila_silver/${table}`,
        'datalake-portal.io/layer': 'silver',
      },
    },
    spec: {
      type: 'iceberg-table',
      owner: 'data-engineering',
      columns: columns.map(name => ({
        name,
        type: 'string',
        nullable: true,
        partition: false,
      })),
    },
  };
}

/**
 * Table entities that claim a real table but that no configured provider emitted: one registered
 * from a file (the catalog writes its `url:` location), owned by the analysts, who could then
 * approve each other's requests; and one our provider id claims, with another account's ARN.
 */
export const FORGED_REF = 'resource:default/sakila_silver.payment_copy';
export const FOREIGN_ACCOUNT_REF = 'resource:default/sakila_silver.customer_x';

function forgedEntities(): Entity[] {
  const fromFile = tableEntity('payment_copy', ['payment_id', 'amount']);
  fromFile.metadata.annotations = {
    ...fromFile.metadata.annotations,
    'backstage.io/managed-by-location':
      'url:https://github.com/acme/x/blob/main/catalog-info.yaml',
    'backstage.io/managed-by-origin-location':
      'url:https://github.com/acme/x/blob/main/catalog-info.yaml',
    'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:${ACCOUNT}:table/sakila_silver/payment`,
  };
  fromFile.spec = { ...fromFile.spec, owner: 'analysts' };
  const foreign = tableEntity('customer_x', CUSTOMER_COLUMNS);
  foreign.metadata.annotations = {
    ...foreign.metadata.annotations,
    'datalake-portal.io/table-arn':
      'arn:aws:glue:us-east-1:999999999999:table/sakila_silver/customer',
  };
  return [fromFile, foreign];
}

export const userOf = (credentials: BackstageCredentials) =>
  (credentials.principal as BackstageUserPrincipal).userEntityRef;

export function adminCall(
  emulator: RunningEmulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${emulator.url}/_aws-local/${route}`,
      { method, headers: { 'content-type': 'application/json' } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export async function createGlueTables(emulator: RunningEmulator) {
  const glue = new GlueClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await glue.send(
    new CreateDatabaseCommand({ DatabaseInput: { Name: 'sakila_silver' } }),
  );
  for (const [name, columns] of [
    ['customer', CUSTOMER_COLUMNS],
    ['payment', ['payment_id', 'amount']],
  ] as const) {
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'sakila_silver',
        TableInput: {
          Name: name,
          StorageDescriptor: {
            Columns: columns.map(c => ({ Name: c, Type: 'string' })),
          },
        },
      }),
    );
  }
  glue.destroy();
}

/**
 * Moves the clock the plugin reads (`Date`) `days` ahead and leaves the timers real, so that the
 * expiry job sees expired grants while the emulator and the HTTP stack keep running; undo with
 * `jest.useRealTimers()`.
 */
export function daysLater(days: number) {
  jest.useFakeTimers({
    now: Date.now() + days * 24 * 3600 * 1000,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
}

/** An auditor event as recorded: what was created, and its outcome. */
export type RecordedAuditEvent = {
  eventId: string;
  severityLevel?: string;
  meta?: Record<string, unknown>;
  outcome?: 'success' | 'failure';
  result?: Record<string, unknown>;
  error?: string;
};

/** An auditor service that records each event with its outcome, in order. */
export function recordingAuditor() {
  const events: RecordedAuditEvent[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async options => {
      const event: RecordedAuditEvent = {
        eventId: options.eventId,
        severityLevel: options.severityLevel,
        meta: options.meta as Record<string, unknown>,
      };
      events.push(event);
      return {
        success: async done => {
          event.outcome = 'success';
          event.result = done?.meta as Record<string, unknown>;
        },
        fail: async failed => {
          event.outcome = 'failure';
          event.error = failed.error.message;
          if (failed.meta)
            event.result = failed.meta as Record<string, unknown>;
        },
      };
    },
  });
  return { auditor, events };
}

export type AccessTestBackend = {
  server: http.Server;
  /** What the plugin told the auditor service, in order. */
  auditEvents: RecordedAuditEvent[];
  emulator: RunningEmulator;
  notifications: NotificationSendOptions[];
  /** Runs a scheduled task of the plugin now, as the scheduler would. */
  runTask(id: string): Promise<void>;
  stop(): Promise<void>;
};

export async function startAccessTestBackend(
  options: {
    database?: 'sqlite' | 'postgres';
    extraConfig?: Record<string, unknown>;
    httpAuthDefault?: 'none';
    /** More users and their groups, e.g. for the load benchmark. */
    directory?: Record<string, string[]>;
    /**
     * `framework-off`: Backstage's own permissions service with `permission.enabled` unset, which
     * allows everything, instead of one that makes the portal's decisions; `allow-all`: a policy
     * that allows everything.
     */
    permissions?: 'portal-policy' | 'framework-off' | 'allow-all';
    /** Where the plugin registers its actions, for tests that invoke them. */
    actionsRegistry?: ActionsRegistryService;
  } = {},
): Promise<AccessTestBackend> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-emulator-'));
  const emulator = await startEmulator({ port: 0, stateDir });
  await createGlueTables(emulator);
  const notifications: NotificationSendOptions[] = [];
  const directory = { ...DIRECTORY, ...options.directory };
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const audit = recordingAuditor();

  const decide = (permission: any, credentials: BackstageCredentials) => {
    const userEntityRef = userOf(credentials);
    const groups = directory[userEntityRef];
    const user = groups
      ? { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] }
      : undefined;
    return (
      decideAccessRequestPermission(permission, user, {
        isAdmin: groups?.includes('group:default/data-platform') ?? false,
      }) ?? { result: AuthorizeResult.ALLOW }
    );
  };
  /** The permissions service of each mode: Backstage's own, allow-all, or the portal's policy. */
  const permissionsFor = (mode: typeof options.permissions) => {
    if (mode === 'framework-off') return permissionsServiceFactory;
    if (mode === 'allow-all') {
      return mockServices.permissions.factory({
        result: AuthorizeResult.ALLOW,
      });
    }
    return createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => ({
        async authorize(requests: any[], opts: any) {
          return requests.map(
            r =>
              decide(
                r.permission,
                opts.credentials,
              ) as DefinitivePolicyDecision,
          );
        },
        async authorizeConditional(requests: any[], opts: any) {
          return requests.map(r =>
            decide(r.permission, opts.credentials),
          ) as any;
        },
      }),
    });
  };

  const catalog = catalogServiceMock({
    entities: [
      tableEntity('customer', CUSTOMER_COLUMNS),
      tableEntity('payment', ['payment_id', 'amount']),
      ...forgedEntities(),
    ],
  });
  // The payment table is for its owner group: the catalog answers others as if it did not exist.
  const visibleTo = (ref: string, credentials: BackstageCredentials) =>
    ref !== PAYMENT_REF ||
    !!directory[userOf(credentials)]?.includes(OWNER_GROUP);
  const visibleCatalog = Object.create(catalog);
  visibleCatalog.getEntityByRef = async (
    ref: string,
    opts: { credentials: BackstageCredentials },
  ) =>
    visibleTo(ref, opts.credentials)
      ? catalog.getEntityByRef(ref, opts)
      : undefined;
  visibleCatalog.queryEntities = async (
    query: any,
    opts: { credentials: BackstageCredentials },
  ) => {
    const page = await catalog.queryEntities(query, opts);
    return {
      ...page,
      items: page.items.filter(e =>
        visibleTo(
          `${e.kind.toLocaleLowerCase('en-US')}:${
            e.metadata.namespace ?? 'default'
          }/${e.metadata.name}`,
          opts.credentials,
        ),
      ),
    };
  };

  const postgresConnection = {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    password: 'postgres',
  };
  const postgresPrefix = `dl_access_test_${process.pid}_${Date.now()}_`;
  const databaseConfig =
    options.database === 'postgres'
      ? { client: 'pg', connection: postgresConnection, prefix: postgresPrefix }
      : { client: 'better-sqlite3', connection: ':memory:' };

  const testBackend = await startTestBackend({
    features: [
      datalakePlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { database: databaseConfig },
          ...(options.permissions === 'framework-off'
            ? {}
            : { permission: { enabled: true } }),
          catalog: {
            providers: {
              datalake: { lake: { accountId: ACCOUNT, region: 'us-east-1' } },
            },
          },
          datalake: {
            aws: {
              region: 'us-east-1',
              endpoint: emulator.url,
              maxAttempts: 1,
            },
            access: {
              maxDurationDays: 30,
              grantLeaseSeconds: 0,
              principals: [
                {
                  entityRef: 'group:default/analysts',
                  principal: ANALYSTS_ROLE,
                },
              ],
              defaultPrincipal: `arn:aws:iam::${ACCOUNT}:role/datalake-{name}`,
            },
          },
          ...options.extraConfig,
        },
      }),
      ...(options.database === 'postgres'
        ? [mockServices.database.factory()]
        : []),
      ...(options.httpAuthDefault === 'none'
        ? [
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
          ]
        : []),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => visibleCatalog,
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: BackstageCredentials) {
            const userEntityRef = userOf(credentials);
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(directory[userEntityRef] ?? []),
              ],
            };
          },
        }),
      }),
      permissionsFor(options.permissions),
      createServiceFactory({
        service: coreServices.auditor,
        deps: {},
        factory: () => audit.auditor,
      }),
      ...(options.actionsRegistry
        ? [
            createServiceFactory({
              service: actionsRegistryServiceRef,
              deps: {},
              factory: () => options.actionsRegistry!,
            }),
          ]
        : []),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(n: NotificationSendOptions) {
            notifications.push(n);
          },
        }),
      }),
      // Captures the plugin's tasks so that tests run them when they choose.
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: (): SchedulerService => ({
          async scheduleTask(task: SchedulerServiceTaskInvocationDefinition) {
            tasks.set(task.id, task);
          },
          createScheduledTaskRunner: () => ({
            run: async (task: SchedulerServiceTaskInvocationDefinition) => {
              tasks.set(task.id, task);
            },
          }),
          async triggerTask(id: string) {
            await tasks.get(id)?.fn(new AbortController().signal);
          },
          async getScheduledTasks() {
            return [];
          },
          async cancelTask(id: string) {
            tasks.delete(id);
          },
        }),
      }),
    ],
  });

  return {
    server: testBackend.server,
    auditEvents: audit.events,
    emulator,
    notifications,
    async runTask(id: string) {
      const task = tasks.get(id);
      if (!task) throw new Error(`No task ${id}`);
      await task.fn(new AbortController().signal);
    },
    async stop() {
      await testBackend.stop();
      await emulator.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
      if (options.database === 'postgres') {
        await dropDatabases(postgresConnection, postgresPrefix);
      }
    },
  };
}

/** Drops the databases the backend made under `prefix`, one per plugin. */
async function dropDatabases(
  connection: Record<string, unknown>,
  prefix: string,
): Promise<void> {
  const admin = knexFactory({
    client: 'pg',
    connection: { ...connection, database: 'postgres' },
  });
  try {
    const { rows } = await admin.raw(
      'SELECT datname FROM pg_database WHERE starts_with(datname, ?)',
      [prefix],
    );
    for (const { datname } of rows as Array<{ datname: string }>) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
  } finally {
    await admin.destroy();
  }
}
