import { ConfigReader } from '@backstage/config';
import { readInfraConfig } from './config';

const base = {
  datalake: {
    sources: [
      {
        id: 'shop-eu',
        owner: 'group:default/shop',
        host: 'db.internal',
        database: 'shop',
        user: 'dms',
        secretsManagerAccessRoleArn:
          'arn:aws:iam::123456789012:role/lake-dms-secrets',
      },
    ],
  },
};

describe('readInfraConfig', () => {
  it("applies the plugins' defaults", () => {
    const config = readInfraConfig(new ConfigReader(base));
    expect(config.region).toBe('us-east-1');
    expect(config.landing).toEqual({
      bucket: 'datalake-landing',
      folder: 'landing',
    });
    expect(config.scripts).toEqual({
      bucket: 'datalake-scripts',
      prefix: 'jobs',
    });
    expect(config.layers.silver).toEqual({
      databasePattern: '{source}_silver',
      bucket: 'datalake-silver',
      prefix: '',
    });
    expect(config.roleNames.glue).toBe('datalake-glue');
    expect(config.roleNames.dmsSecrets).toBe('lake-dms-secrets');
    expect(config.sources[0].port).toBe(3306);
    expect(config.databases.map(d => d.name)).toEqual([
      'shop_eu_bronze',
      'shop_eu_silver',
      'shop_eu_gold',
    ]);
    expect(config.lakeFormation).toEqual({
      admins: [],
      readOnlyAdmins: [],
      hybridAccess: false,
    });
    expect(config.dms.createServiceRoles).toBe(true);
  });

  it('takes buckets, prefixes and role names from the datalake config', () => {
    const config = readInfraConfig(
      new ConfigReader({
        datalake: {
          ...base.datalake,
          aws: { region: 'eu-west-1', accountId: '123456789012' },
          dms: {
            landing: {
              bucketName: 'acme-landing',
              bucketFolder: '/raw/',
              serviceAccessRoleArn:
                'arn:aws:iam::123456789012:role/acme-dms-s3',
            },
          },
          pipeline: {
            layers: {
              gold: {
                bucket: 'acme-gold',
                prefix: 'tables',
                database: 'gold_{source}',
              },
            },
            glue: { roleArn: 'arn:aws:iam::123456789012:role/acme-glue' },
            stepFunctions: {
              roleArn: 'arn:aws:iam::123456789012:role/acme-sfn',
            },
          },
        },
        datalakeInfra: {
          lakeFormation: {
            admins: ['arn:aws:iam::123456789012:role/admin'],
            hybridAccess: true,
          },
        },
      }),
    );
    expect(config.region).toBe('eu-west-1');
    expect(config.account).toBe('123456789012');
    expect(config.landing).toEqual({ bucket: 'acme-landing', folder: 'raw' });
    expect(config.layers.gold).toEqual({
      databasePattern: 'gold_{source}',
      bucket: 'acme-gold',
      prefix: 'tables',
    });
    expect(config.databases.map(d => d.name)).toContain('gold_shop_eu');
    expect(config.roleNames).toMatchObject({
      glue: 'acme-glue',
      stepFunctions: 'acme-sfn',
      dmsS3: 'acme-dms-s3',
    });
    expect(config.lakeFormation.admins).toEqual([
      'arn:aws:iam::123456789012:role/admin',
    ]);
    expect(config.lakeFormation.hybridAccess).toBe(true);
  });

  it('refuses values the stack cannot build', () => {
    expect(() =>
      readInfraConfig(
        new ConfigReader({
          datalake: { dms: { landing: { bucketName: 'Not_A_Bucket' } } },
        }),
      ),
    ).toThrow(/not a valid S3 bucket name/);
    expect(() =>
      readInfraConfig(
        new ConfigReader({
          datalakeInfra: { lakeFormation: { admins: ['someone'] } },
        }),
      ),
    ).toThrow(/not an IAM role or user ARN/);
    expect(() =>
      readInfraConfig(
        new ConfigReader({
          datalake: {
            sources: [
              { ...base.datalake.sources[0], id: 'a' },
              {
                ...base.datalake.sources[0],
                id: 'b',
                secretsManagerAccessRoleArn:
                  'arn:aws:iam::123456789012:role/other',
              },
            ],
          },
        }),
      ),
    ).toThrow(/2 different secretsManagerAccessRoleArn/);
  });
});
