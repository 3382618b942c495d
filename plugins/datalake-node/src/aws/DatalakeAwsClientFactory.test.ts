import { GetDatabasesCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DATALAKE_USER_AGENT,
  DatalakeAwsClientFactory,
} from './DatalakeAwsClientFactory';

function managerReturning(accessKeyId: string) {
  const getCredentialProvider = jest.fn(async () => ({
    sdkCredentialProvider: async () => ({
      accessKeyId,
      secretAccessKey: 'secret',
    }),
  }));
  return {
    manager: { getCredentialProvider } as AwsCredentialsManager,
    getCredentialProvider,
  };
}

describe('DatalakeAwsClientFactory', () => {
  const glueMock = mockClient(GlueClient);
  const stsMock = mockClient(STSClient);

  afterEach(() => {
    glueMock.reset();
    stsMock.reset();
  });

  it('builds clients with the default region, adaptive retries and the product user agent', async () => {
    const { manager, getCredentialProvider } = managerReturning('AKIAMAIN');
    const factory = DatalakeAwsClientFactory.fromConfig(new ConfigReader({}), {
      credentialsManager: manager,
    });
    const glue = await factory.glue();
    expect(await glue.config.region()).toBe('us-east-1');
    expect(glue.config.retryMode).toBe('adaptive');
    const strategy = await glue.config.retryStrategy();
    expect(strategy.constructor.name).toBe('AdaptiveRetryStrategy');
    expect(await glue.config.maxAttempts()).toBe(3);
    expect(JSON.stringify(glue.config.customUserAgent)).toContain(
      DATALAKE_USER_AGENT,
    );
    expect(DATALAKE_USER_AGENT).toMatch(/^backstage-datalake\/\d+\.\d+\.\d+/);
    expect(await glue.config.credentials()).toMatchObject({
      accessKeyId: 'AKIAMAIN',
    });
    expect(glue.config.endpoint).toBeUndefined();
    expect(getCredentialProvider).toHaveBeenCalledWith({});

    glueMock
      .on(GetDatabasesCommand)
      .resolves({ DatabaseList: [{ Name: 'bronze' }] });
    const out = await glue.send(new GetDatabasesCommand({}));
    expect(out.DatabaseList).toEqual([{ Name: 'bronze' }]);
    expect(glueMock.commandCalls(GetDatabasesCommand)).toHaveLength(1);
  });

  it('applies region, max attempts and the endpoint override, with path-style S3', async () => {
    const { manager } = managerReturning('AKIA');
    const factory = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        aws: { mainAccount: {} },
        datalake: {
          aws: {
            region: 'eu-west-1',
            endpoint: 'http://127.0.0.1:4566',
            maxAttempts: 7,
          },
        },
      }),
      { credentialsManager: manager },
    );
    const s3 = await factory.s3();
    expect(await s3.config.region()).toBe('eu-west-1');
    expect(await s3.config.maxAttempts()).toBe(7);
    expect(s3.config.forcePathStyle).toBe(true);
    const endpoint = await s3.config.endpoint!();
    expect(endpoint).toMatchObject({
      hostname: '127.0.0.1',
      port: 4566,
      protocol: 'http:',
    });
    // With an `aws` section, the configured credentials are used even with an endpoint.
    expect(await s3.config.credentials()).toMatchObject({
      accessKeyId: 'AKIA',
    });
    for (const client of [
      await factory.lakeFormation(),
      await factory.stepFunctions(),
      await factory.dms(),
      await factory.sts(),
      await factory.logs(),
    ]) {
      expect(await client.config.endpoint!()).toMatchObject({
        hostname: '127.0.0.1',
        port: 4566,
      });
    }
  });

  it('uses static dummy credentials with an endpoint and no aws config', async () => {
    const { manager, getCredentialProvider } = managerReturning('AKIA');
    const factory = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        datalake: { aws: { endpoint: 'http://localhost:4566' } },
      }),
      { credentialsManager: manager },
    );
    const sts = await factory.sts();
    expect(await sts.config.credentials()).toMatchObject({
      accessKeyId: 'datalake-local',
    });
    expect(getCredentialProvider).not.toHaveBeenCalled();
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '000000000000' });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(
      '000000000000',
    );
  });

  it('takes credentials from the real DefaultAwsCredentialsManager and config', async () => {
    const factory = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        aws: {
          mainAccount: {
            accessKeyId: 'AKIACONFIG',
            secretAccessKey: 'from-config',
          },
        },
      }),
    );
    const glue = await factory.glue();
    expect(await glue.config.credentials()).toMatchObject({
      accessKeyId: 'AKIACONFIG',
      secretAccessKey: 'from-config',
    });
  });

  it('caches clients per service, account and region', async () => {
    const { manager, getCredentialProvider } = managerReturning('AKIA');
    const factory = DatalakeAwsClientFactory.fromConfig(
      new ConfigReader({
        datalake: {
          aws: { region: 'us-east-1', allowedRegions: ['eu-west-1'] },
        },
      }),
      { credentialsManager: manager },
    );
    const a = await factory.glue();
    expect(await factory.glue()).toBe(a);
    expect(await factory.glue({ region: 'us-east-1' })).toBe(a);
    const otherRegion = await factory.glue({ region: 'eu-west-1' });
    expect(otherRegion).not.toBe(a);
    expect(await otherRegion.config.region()).toBe('eu-west-1');
    const otherAccount = await factory.glue({ accountId: '111111111111' });
    expect(otherAccount).not.toBe(a);
    expect(getCredentialProvider).toHaveBeenLastCalledWith({
      accountId: '111111111111',
    });
    expect(await factory.lakeFormation()).not.toBe(a);
    expect(getCredentialProvider).toHaveBeenCalledTimes(4);
  });

  it('refuses regions that are not configured', async () => {
    const { manager } = managerReturning('AKIA');
    const factory = DatalakeAwsClientFactory.fromConfig(new ConfigReader({}), {
      credentialsManager: manager,
    });
    expect(() => factory.glue({ region: 'ap-south-1' })).toThrow(InputError);
  });

  it('refuses invalid configuration', () => {
    const { manager } = managerReturning('AKIA');
    const build = (aws: object) =>
      DatalakeAwsClientFactory.fromConfig(
        new ConfigReader({ datalake: { aws } }),
        { credentialsManager: manager },
      );
    expect(() => build({ region: 'moon' })).toThrow(/not an AWS region/);
    expect(() => build({ endpoint: 'ftp://x' })).toThrow(/http\(s\) URL/);
    expect(() => build({ maxAttempts: 0 })).toThrow(/positive integer/);
  });

  it('retries a failed credential lookup on the next call', async () => {
    const getCredentialProvider = jest
      .fn()
      .mockRejectedValueOnce(new Error('sts down'))
      .mockResolvedValue({
        sdkCredentialProvider: async () => ({
          accessKeyId: 'AKIA',
          secretAccessKey: 's',
        }),
      });
    const factory = DatalakeAwsClientFactory.fromConfig(new ConfigReader({}), {
      credentialsManager: { getCredentialProvider },
    });
    await expect(factory.glue()).rejects.toThrow('sts down');
    await expect(factory.glue()).resolves.toBeInstanceOf(GlueClient);
  });
});
