import {
  CreateDatabaseCommand,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  admin,
  clientConfig,
  makeStateDir,
  startTestEmulator,
} from '../testing/testEmulator';

describe('emulator core', () => {
  it('answers STS GetCallerIdentity with the configured account', async () => {
    const running = await startTestEmulator({ accountId: '123456789012' });
    try {
      const sts = new STSClient(clientConfig(running));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe('123456789012');
      expect(identity.Arn).toBe('arn:aws:iam::123456789012:root');
      expect(identity.UserId).toBe('123456789012');
    } finally {
      await running.close();
    }
  });

  it('reports an operation it does not emulate as UnknownOperationException', async () => {
    const running = await startTestEmulator();
    try {
      const glue = new GlueClient(clientConfig(running));
      await expect(
        glue.send(
          new GetPartitionsCommand({ DatabaseName: 'db', TableName: 't' }),
        ),
      ).rejects.toMatchObject({
        name: 'UnknownOperationException',
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      await running.close();
    }
  });

  it('keeps state across a restart and forgets it with reset', async () => {
    const stateDir = makeStateDir();
    const first = await startTestEmulator({ stateDir });
    await new GlueClient(clientConfig(first)).send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: 'kept' } }),
    );
    await first.close();

    const second = await startTestEmulator({ stateDir });
    const found = await new GlueClient(clientConfig(second)).send(
      new GetDatabaseCommand({ Name: 'kept' }),
    );
    expect(found.Database?.Name).toBe('kept');
    expect(found.Database?.CreateTime).toBeInstanceOf(Date);
    await second.close();

    const third = await startTestEmulator({ stateDir, reset: true });
    try {
      await expect(
        new GlueClient(clientConfig(third)).send(
          new GetDatabaseCommand({ Name: 'kept' }),
        ),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    } finally {
      await third.close();
    }
  });

  it('resets through the admin endpoint', async () => {
    const running = await startTestEmulator();
    try {
      const glue = new GlueClient(clientConfig(running));
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'gone' } }),
      );
      expect((await admin(running, 'POST', 'reset')).status).toBe(200);
      await expect(
        glue.send(new GetDatabaseCommand({ Name: 'gone' })),
      ).rejects.toMatchObject({ name: 'EntityNotFoundException' });
      const health = await admin(running, 'GET', 'health');
      expect(health.body).toMatchObject({
        status: 'ok',
        accountId: '000000000000',
      });
      expect(health.body.services).toEqual(
        expect.arrayContaining([
          'dms',
          'glue',
          'lakeformation',
          's3',
          'states',
          'sts',
        ]),
      );
    } finally {
      await running.close();
    }
  });

  it('counts the calls it served over HTTP, per operation', async () => {
    const running = await startTestEmulator();
    try {
      const glue = new GlueClient(clientConfig(running));
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'counted' } }),
      );
      await glue.send(new GetDatabaseCommand({ Name: 'counted' }));
      await glue.send(new GetDatabaseCommand({ Name: 'counted' }));
      const stats = await admin(running, 'DELETE', 'stats');
      expect(stats.body.calls).toEqual({
        'glue.CreateDatabase': 1,
        'glue.GetDatabase': 2,
      });
      expect((await admin(running, 'GET', 'stats')).body.calls).toEqual({});
    } finally {
      await running.close();
    }
  });

  it('throttles through a token bucket until the SDK gives up', async () => {
    const running = await startTestEmulator();
    try {
      const glue = new GlueClient({ ...clientConfig(running), maxAttempts: 2 });
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'throttled' } }),
      );
      const set = await admin(running, 'POST', 'faults', {
        'glue.GetDatabase': { throttle: { rate: 0.001, burst: 1 } },
      });
      expect(set.status).toBe(200);
      // The one token in the bucket lets the first call through.
      await glue.send(new GetDatabaseCommand({ Name: 'throttled' }));
      await expect(
        glue.send(new GetDatabaseCommand({ Name: 'throttled' })),
      ).rejects.toMatchObject({
        name: 'ThrottlingException',
        $metadata: { attempts: 2 },
      });
      const rejected = await admin(running, 'POST', 'faults', {
        'glue.GetDatabase': { errorRate: 7 },
      });
      expect(rejected.status).toBe(400);
    } finally {
      await running.close();
    }
  });

  it('injects latency and internal errors from the options', async () => {
    const running = await startTestEmulator({
      faults: {
        'glue.GetDatabase': { latencyMs: 150 },
        'glue.GetDatabases': { errorRate: 1 },
      },
    });
    try {
      const glue = new GlueClient({ ...clientConfig(running), maxAttempts: 1 });
      await glue.send(
        new CreateDatabaseCommand({ DatabaseInput: { Name: 'slow' } }),
      );
      const started = Date.now();
      await glue.send(new GetDatabaseCommand({ Name: 'slow' }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await expect(
        running.emulator.invoke('glue', 'GetDatabases', {}),
      ).rejects.toMatchObject({ code: 'InternalServiceException' });
    } finally {
      await running.close();
    }
  });
});
