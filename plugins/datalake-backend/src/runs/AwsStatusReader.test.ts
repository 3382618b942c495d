import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
  ServiceUnavailableException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  GetScheduleCommand,
  ResourceNotFoundException as ScheduleNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { AwsStatusReader, tailLines } from './AwsStatusReader';
import { CoalescingCache } from './CoalescingCache';

const logs = mockClient(CloudWatchLogsClient);
const scheduler = mockClient(SchedulerClient);

function reader() {
  const config = new ConfigReader({
    datalake: { aws: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' } },
  });
  const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
    `datalake-${randomUUID()}`,
  );
  const logger = mockServices.logger.mock();
  return new AwsStatusReader(
    DatalakeAwsClientFactory.fromConfig(config),
    new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
    new CoalescingCache({ cache, logger, ttlMs: 60_000 }),
  );
}

const events = (messages: string[]) =>
  messages.map((message, i) => ({ timestamp: i, message, ingestionTime: i }));

describe('AwsStatusReader.errorLogTail', () => {
  beforeEach(() => logs.reset());

  it('reads the newest lines of the run stream of /aws-glue/jobs/error, once per TTL', async () => {
    const lines = Array.from({ length: 51 }, (_, i) => `line ${i}`);
    logs.on(GetLogEventsCommand).resolves({ events: events(lines) });
    const aws = reader();
    const tail = await aws.errorLogTail('jr_1');
    expect(tail).toEqual({
      logGroup: '/aws-glue/jobs/error',
      logStream: 'jr_1',
      status: 'ok',
      lines: lines.slice(1),
      truncated: true,
    });
    await aws.errorLogTail('jr_1');
    expect(logs.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    expect(logs.commandCalls(GetLogEventsCommand)[0].args[0].input).toEqual({
      logGroupName: '/aws-glue/jobs/error',
      logStreamName: 'jr_1',
      startFromHead: false,
      limit: 51,
    });
  });

  it('is not truncated when the whole log fits', async () => {
    logs
      .on(GetLogEventsCommand)
      .resolves({ events: events(['Traceback:', 'ValueError: x']) });
    await expect(reader().errorLogTail('jr_2')).resolves.toMatchObject({
      status: 'ok',
      lines: ['Traceback:', 'ValueError: x'],
      truncated: false,
    });
  });

  it('says there is no log when the run has no error stream', async () => {
    logs.on(GetLogEventsCommand).rejects(
      new ResourceNotFoundException({
        message: 'The specified log stream does not exist.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(reader().errorLogTail('jr_3')).resolves.toEqual({
      logGroup: '/aws-glue/jobs/error',
      logStream: 'jr_3',
      status: 'none',
      lines: [],
      truncated: false,
    });
  });

  it('maps a CloudWatch Logs failure to a Backstage error', async () => {
    logs.on(GetLogEventsCommand).rejects(
      new ServiceUnavailableException({
        message: 'down',
        $metadata: { httpStatusCode: 503 },
      }),
    );
    await expect(reader().errorLogTail('jr_4')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'ServiceUnavailableException: down',
    });
  });
});

describe('AwsStatusReader.schedule', () => {
  beforeEach(() => scheduler.reset());

  it('reads a schedule of the default group, once per TTL', async () => {
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'datalake-sakila',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      CreationDate: new Date('2026-03-01T00:00:00Z'),
    });
    const aws = reader();
    await expect(aws.schedule('datalake-sakila')).resolves.toEqual({
      name: 'datalake-sakila',
      expression: 'cron(0 2 * * ? *)',
      timezone: 'Europe/Berlin',
      state: 'ENABLED',
      startDate: null,
      endDate: null,
      creationDate: '2026-03-01T00:00:00.000Z',
    });
    await aws.schedule('datalake-sakila');
    expect(scheduler.commandCalls(GetScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(GetScheduleCommand)[0].args[0].input).toEqual(
      { Name: 'datalake-sakila' },
    );
  });

  it('takes a schedule without a time zone to be in UTC, and keeps DISABLED', async () => {
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'datalake-films',
      ScheduleExpression: 'rate(1 hour)',
      State: 'DISABLED',
      StartDate: new Date('2026-03-01T00:00:00Z'),
    });
    await expect(reader().schedule('datalake-films')).resolves.toMatchObject({
      timezone: 'UTC',
      state: 'DISABLED',
      startDate: '2026-03-01T00:00:00.000Z',
    });
  });

  it('answers null when the pipeline has no schedule', async () => {
    scheduler.on(GetScheduleCommand).rejects(
      new ScheduleNotFoundException({
        message: 'Schedule datalake-none does not exist.',
        Message: 'Schedule datalake-none does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await expect(reader().schedule('datalake-none')).resolves.toBeNull();
  });

  it('maps another Scheduler failure to a Backstage error', async () => {
    // What IAM answers when the backend's role lacks scheduler:GetSchedule.
    const denied = Object.assign(
      new Error('User is not authorized to perform: scheduler:GetSchedule'),
      { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } },
    );
    scheduler.on(GetScheduleCommand).rejects(denied);
    await expect(reader().schedule('datalake-sakila')).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('scheduler:GetSchedule'),
    });
  });
});

describe('tailLines', () => {
  it('splits multi-line events, keeps the last lines and cuts very long ones', () => {
    const long = 'x'.repeat(3_000);
    expect(tailLines(['a\nb\n', 'c', long], 3)).toEqual({
      lines: ['b', 'c', `${'x'.repeat(2_000)}…`],
      truncated: true,
    });
  });
});
