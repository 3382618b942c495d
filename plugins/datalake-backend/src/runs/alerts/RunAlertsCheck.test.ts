import {
  ListExecutionsCommand,
  ListStateMachinesCommand,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DatalakeAwsClientFactory,
  ProviderTables,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsStatusReader } from '../AwsStatusReader';
import { CoalescingCache } from '../CoalescingCache';
import { RunStatusService } from '../RunStatusService';
import { DatabaseAlertIncidentStore } from './AlertIncidentStore';
import { ALERT_TOPICS, RunAlertsCheck } from './RunAlertsCheck';

const NOW = new Date('2024-08-10T06:00:00Z');
const ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:datalake-sakila';

const table = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: `sakila_silver.${name}`,
    namespace: 'default',
    annotations: {
      // As the Glue provider `lake` emits it.
      'backstage.io/managed-by-location': 'datalake:lake',
      'backstage.io/managed-by-origin-location': 'datalake:lake',
      'datalake-portal.io/layer': 'silver',
      'datalake-portal.io/glue-database': 'sakila_silver',
      'datalake-portal.io/table-arn': `arn:aws:glue:us-east-1:000000000000:table/sakila_silver/${name}`,
      ...annotations,
    },
  },
  spec: {
    type: 'iceberg-table',
    owner: 'group:default/data-engineering',
    system: 'system:default/sakila',
  },
});

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('RunAlertsCheck', () => {
  const sfn = mockClient(SFNClient);
  const glue = mockClient(GlueClient);
  afterAll(() => {
    sfn.restore();
    glue.restore();
  });

  it.each(databases.eachSupportedId())(
    'notifies a failed execution and a stale table once, on %p',
    async databaseId => {
      sfn.reset();
      glue.reset();
      glue.on(GetTableCommand).resolves({
        Table: {
          Name: 'x',
          DatabaseName: 'sakila_silver',
          Parameters: {
            'datalake.source': 'sakila',
            'datalake.pipeline': 'datalake-sakila',
          },
        },
      });
      sfn.on(ListStateMachinesCommand).resolves({
        stateMachines: [
          {
            name: 'datalake-sakila',
            stateMachineArn: ARN,
            type: 'STANDARD',
            creationDate: NOW,
          },
        ],
      });
      sfn.on(ListExecutionsCommand).resolves({
        executions: [
          {
            executionArn: `${ARN}:nightly-2`,
            stateMachineArn: ARN,
            name: 'nightly-2',
            status: 'FAILED',
            startDate: new Date('2024-08-10T02:00:00Z'),
            stopDate: new Date('2024-08-10T02:10:00Z'),
          },
          {
            executionArn: `${ARN}:old`,
            stateMachineArn: ARN,
            name: 'old',
            status: 'FAILED',
            startDate: new Date('2024-07-01T02:00:00Z'),
            stopDate: new Date('2024-07-01T02:10:00Z'),
          },
        ],
      });
      sfn.on(GetExecutionHistoryCommand).resolves({
        events: [
          { id: 1, timestamp: NOW, type: 'ExecutionStarted' },
          {
            id: 2,
            previousEventId: 1,
            timestamp: NOW,
            type: 'TaskStateEntered',
            stateEnteredEventDetails: {
              name: 'datalake-sakila-silver-payment',
            },
          },
          {
            id: 3,
            previousEventId: 2,
            timestamp: NOW,
            type: 'TaskFailed',
            taskFailedEventDetails: {
              resourceType: 'glue',
              resource: 'startJobRun.sync',
              error: 'States.TaskFailed',
              cause: JSON.stringify({
                JobName: 'j',
                Id: 'jr_1',
                ErrorMessage: 'Cannot cast',
              }),
            },
          },
        ],
      });
      const config = new ConfigReader({
        datalake: {
          aws: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' },
        },
      });
      const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
        'datalake',
      );
      const logger = mockServices.logger.mock();
      const aws = new AwsStatusReader(
        DatalakeAwsClientFactory.fromConfig(config),
        new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
        new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
      );
      const catalog = catalogServiceMock({
        entities: [
          table('payment', { 'datalake-portal.io/freshness-sla': '24h' }),
          table('rental'),
        ],
      });
      const notifications = { send: jest.fn(async () => {}) };
      const check = new RunAlertsCheck({
        catalog,
        auth: mockServices.auth(),
        aws,
        runs: new RunStatusService({
          catalog,
          tables: new ProviderTables([
            { id: 'lake', namespace: 'default', region: 'us-east-1' },
          ]),
          aws,
          logger,
          region: 'us-east-1',
        }),
        store: await DatabaseAlertIncidentStore.create({
          database: mockServices.database({
            knex: await databases.init(databaseId),
          }),
        }),
        notifications: notifications as any,
        logger,
        lastDataChange: async ref =>
          ref.endsWith('payment')
            ? '2024-08-08T00:00:00.000Z'
            : '2024-08-10T05:00:00.000Z',
        lookbackMs: 48 * 3_600_000,
        now: () => NOW,
      });

      const first = await check.run();
      expect(first.errors).toEqual([]);
      expect(first.notified.map(i => i.key).sort()).toEqual([
        `execution:${ARN}:nightly-2`,
        'stale:resource:default/sakila_silver.payment:2024-08-08T00:00:00.000Z',
      ]);
      expect(notifications.send).toHaveBeenCalledWith({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/data-engineering'],
        },
        payload: expect.objectContaining({
          title:
            'Pipeline datalake-sakila failed in datalake-sakila-silver-payment',
          description: expect.stringContaining('Cannot cast'),
          severity: 'high',
          topic: ALERT_TOPICS.executionFailed,
        }),
      });

      const second = await check.run();
      expect(second.notified).toEqual([]);
      expect(notifications.send).toHaveBeenCalledTimes(2);
    },
  );
});
