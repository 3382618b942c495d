/*
 * The real scaffolder and catalog backends with the data lake modules, configured for one MySQL
 * source and the local AWS emulator, and a way to run the repository's templates through the
 * scaffolder's HTTP API: what a portal user's form submission goes through.
 */
import path from 'node:path';
import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleDatalake from '@datalake-portal/backstage-plugin-catalog-backend-module-datalake';
import request from 'supertest';
import scaffolderModuleDatalake from '../index';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The templates the backend's catalog reads. */
export const TEMPLATES = {
  ingestion: path.join(REPO_ROOT, 'templates/new-ingestion/template.yaml'),
  gold: path.join(REPO_ROOT, 'templates/new-gold-table/template.yaml'),
};
/** The catalog provider's refresh task, triggered by hand (its schedule is manual). */
export const REFRESH_TASK = 'datalake-provider:lake:refresh';

/** Polls `read` until `done` holds, failing with the last value after `timeoutMs`. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/** What the backend is configured with. */
export type ScaffolderTestBackendOptions = {
  emulatorUrl: string;
  region: string;
  /** The `datalake.sources` entry of the source. */
  source: JsonObject & { owner: string };
  landing: {
    bucketName: string;
    bucketFolder: string;
    serviceAccessRoleArn: string;
  };
  /** The Glue databases the catalog provider syncs (a regular expression). */
  databases: string;
  /** Where `datalake:catalog:pipeline:register` writes the pipeline entities. */
  pipelinesDirectory: string;
  /** `datalake.pipeline` settings beside the roles. */
  pipeline?: JsonObject;
};

/**
 * Starts the backend. The test's user is a member of the source's owner group: with the permission
 * framework off, the data lake actions let only the source's owners build its pipeline.
 */
export async function startScaffolderTestBackend(
  options: ScaffolderTestBackendOptions,
) {
  let scheduler: SchedulerService | undefined;
  const captureScheduler = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-scheduler',
    register(reg) {
      reg.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });
  const owner = options.source.owner;
  const config = {
    catalog: {
      processingInterval: { seconds: 1 },
      rules: [
        { allow: ['Template', 'Component', 'System', 'Resource', 'Location'] },
      ],
      locations: [
        { type: 'file', target: TEMPLATES.ingestion },
        { type: 'file', target: TEMPLATES.gold },
        {
          type: 'file',
          target: path.join(options.pipelinesDirectory, '*.yaml'),
        },
      ],
      providers: {
        datalake: {
          lake: {
            databases: { include: [options.databases] },
            layers: {
              rules: [
                { layer: 'bronze', databasePattern: '.*_bronze' },
                { layer: 'silver', databasePattern: '.*_silver' },
                { layer: 'gold', databasePattern: '.*_gold' },
              ],
            },
            schedule: {
              frequency: { trigger: 'manual' },
              timeout: { minutes: 1 },
            },
          },
        },
      },
    },
    datalake: {
      aws: { region: options.region, endpoint: options.emulatorUrl },
      sources: [options.source],
      dms: { landing: options.landing },
      pipeline: {
        glue: { roleArn: 'arn:aws:iam::000000000000:role/datalake-glue' },
        stepFunctions: {
          roleArn: 'arn:aws:iam::000000000000:role/datalake-pipeline',
        },
        scheduler: {
          roleArn: 'arn:aws:iam::000000000000:role/datalake-scheduler',
          // A daily maintenance run would put Spark jobs beside the ones a test waits for; this
          // one is years away.
          maintenanceSchedule: 'cron(0 3 1 1 ? 2199)',
        },
        ...options.pipeline,
      },
      catalog: { pipelinesDirectory: options.pipelinesDirectory },
    },
  };
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleDatalake,
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleDatalake,
      captureScheduler,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: BackstageCredentials) {
            const ref = (credentials.principal as { userEntityRef: string })
              .userEntityRef;
            return { userEntityRef: ref, ownershipEntityRefs: [ref, owner] };
          },
        }),
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const server = backend.server;
  const auth = mockCredentials.user.header();

  const entity = async (ref: string): Promise<Entity | undefined> => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const response = await request(server)
      .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
      .set('Authorization', auth);
    return response.status === 200 ? response.body : undefined;
  };

  /** Runs a template through the API; resolves with the task's status and its step messages. */
  const runTask = async (
    templateRef: string,
    values: Record<string, unknown>,
    timeoutMs = 120_000,
  ) => {
    await until(
      () => entity(templateRef),
      e => e !== undefined,
      `${templateRef} in the catalog`,
    );
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', auth)
      .send({ templateRef, values });
    if (created.status !== 201) {
      throw new Error(
        `POST /tasks answered ${created.status}: ${JSON.stringify(
          created.body,
        )}`,
      );
    }
    const task = await until(
      async () =>
        (
          await request(server)
            .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
            .set('Authorization', auth)
        ).body,
      t => ['completed', 'failed', 'cancelled'].includes(t.status),
      'the task',
      timeoutMs,
    );
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
      .set('Authorization', auth);
    const log = (events.body as Array<{ body?: { message?: string } }>)
      .map(e => e.body?.message)
      .filter(Boolean)
      .join('\n');
    return { status: task.status as string, log };
  };

  /** Runs a template and fails with its log unless the task completes. */
  const runTemplate = async (
    templateRef: string,
    values: Record<string, unknown>,
    timeoutMs?: number,
  ) => {
    const { status, log } = await runTask(templateRef, values, timeoutMs);
    if (status !== 'completed') throw new Error(`task ${status}:\n${log}`);
    return log;
  };

  return {
    backend,
    /** The backend's configuration, for actions a test runs beside it. */
    config: new ConfigReader(config),
    server,
    auth,
    entity,
    runTask,
    runTemplate,
    /** The catalog's scheduler, to trigger the provider's refresh. */
    scheduler: () => scheduler!,
  };
}
