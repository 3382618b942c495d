/*
 * The run status services over AWS SDK clients that the tests mock (aws-sdk-client-mock), with a
 * catalog of the given entities and the Glue provider `lake`: the common ground of the runs
 * route tests.
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DatalakeAwsClientFactory,
  ProviderTables,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { randomUUID } from 'node:crypto';
import { AwsStatusReader } from '../AwsStatusReader';
import { CoalescingCache } from '../CoalescingCache';
import { RunStatusService } from '../RunStatusService';

/**
 * A table entity as the Glue provider `lake` emits it (`trusted: false`: as a user's repository
 * would register it, which the services must not trust).
 */
export function providerTableEntity(
  database: string,
  name: string,
  options: { system?: string; trusted?: boolean } = {},
): Entity {
  const location =
    options.trusted === false ? 'url:https://git/x' : 'datalake:lake';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `${database}.${name}`,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
        'datalake-portal.io/layer': database.split('_')[1],
        'datalake-portal.io/glue-database': database,
        'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:000000000000:table/${database}/${name}`,
      },
    },
    spec: {
      type: 'iceberg-table',
      owner: 'group:default/data-engineering',
      system: options.system ?? 'system:default/sakila',
    },
  };
}

/** The AWS reader, catalog, provider tables and run status service, each test its own cache. */
export function mockedRunServices(
  entities: Entity[],
  options: { now?: () => Date } = {},
) {
  const config = new ConfigReader({
    datalake: { aws: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' } },
  });
  const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
    `datalake-${randomUUID()}`,
  );
  const logger = mockServices.logger.mock();
  const aws = new AwsStatusReader(
    DatalakeAwsClientFactory.fromConfig(config),
    new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
    new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
  );
  const catalog = catalogServiceMock({ entities });
  const tables = new ProviderTables([
    { id: 'lake', namespace: 'default', region: 'us-east-1' },
  ]);
  const runs = new RunStatusService({
    ...{ catalog, tables, aws, logger },
    region: 'us-east-1',
    ...(options.now ? { now: options.now } : {}),
  });
  return { aws, catalog, tables, runs, logger };
}
