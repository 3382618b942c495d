import {
  CreateEndpointCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
} from '@aws-sdk/client-database-migration-service';
import { ConflictError, InputError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { createDmsEndpointCreateAction } from './createEndpoints';
import { examples } from './createEndpoints.examples';
import {
  actionContext,
  dmsOptions,
  exampleInputs,
  instanceSource,
  notFound,
} from './__testUtils__/dmsTestContext';

const dms = mockClient(DatabaseMigrationServiceClient);

beforeEach(() => dms.reset());

function givenNoEndpoints() {
  dms.on(DescribeEndpointsCommand).rejects(notFound('endpoint'));
  dms.on(CreateEndpointCommand).callsFake(input => ({
    Endpoint: {
      ...input,
      EndpointArn: `arn:aws:dms:eu-west-1:111122223333:endpoint:${input.EndpointIdentifier}`,
    },
  }));
}

describe('datalake:dms:endpoint:create', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      givenNoEndpoints();
      const action = createDmsEndpointCreateAction(dmsOptions());
      const input = exampleInputs(example)[0];
      const ctx = actionContext(input);
      await action.handler(ctx as any);

      const created = dms
        .commandCalls(CreateEndpointCommand)
        .map(c => c.args[0].input);
      expect(created).toHaveLength(2);
      expect(created[0]).toEqual({
        EndpointIdentifier: 'dl-sakila-mysql',
        EndpointType: 'source',
        EngineName: 'mysql',
        DatabaseName: 'sakila',
        MySQLSettings: {
          SecretsManagerSecretId: instanceSource.secretArn,
          SecretsManagerAccessRoleArn:
            instanceSource.secretsManagerAccessRoleArn,
        },
      });
      expect(created[1]).toMatchObject({
        EndpointIdentifier: 'dl-sakila-landing',
        EndpointType: 'target',
        EngineName: 's3',
        S3Settings: {
          BucketName: 'lake-landing',
          BucketFolder: 'landing/sakila',
          DataFormat: input.format ?? 'parquet',
          TimestampColumnName: 'dms_commit_ts',
          DatePartitionEnabled: true,
          ServiceAccessRoleArn: 'arn:aws:iam::111122223333:role/dms-s3',
        },
      });
      expect(ctx.output).toHaveBeenCalledWith(
        'sourceEndpointArn',
        'arn:aws:dms:eu-west-1:111122223333:endpoint:dl-sakila-mysql',
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'landingPrefix',
        's3://lake-landing/landing/sakila/',
      );
    },
  );

  it('lands Parquet with Op on every row by default', async () => {
    givenNoEndpoints();
    const action = createDmsEndpointCreateAction(dmsOptions());
    await action.handler(actionContext({ sourceId: 'sakila' }) as any);
    const target = dms.commandCalls(CreateEndpointCommand)[1].args[0].input;
    expect(target.S3Settings).toMatchObject({
      DataFormat: 'parquet',
      ParquetVersion: 'parquet-2-0',
      IncludeOpForFullLoad: true,
    });
    expect(target.S3Settings).not.toHaveProperty('CsvDelimiter');
  });

  it('lands header-less CSV with the settings the bronze job reads, when the form chose CSV', async () => {
    givenNoEndpoints();
    const action = createDmsEndpointCreateAction(dmsOptions());
    await action.handler(
      actionContext({ sourceId: 'sakila', format: 'csv' }) as any,
    );
    const target = dms.commandCalls(CreateEndpointCommand)[1].args[0].input;
    expect(target.S3Settings).toEqual({
      ServiceAccessRoleArn: 'arn:aws:iam::111122223333:role/dms-s3',
      BucketName: 'lake-landing',
      BucketFolder: 'landing/sakila',
      DataFormat: 'csv',
      CsvDelimiter: ',',
      CsvRowDelimiter: '\n',
      CsvNullValue: '',
      Rfc4180: true,
      AddColumnName: false,
      IncludeOpForFullLoad: false,
      EncryptionMode: 'sse-s3',
      TimestampColumnName: 'dms_commit_ts',
      DatePartitionEnabled: true,
      DatePartitionSequence: 'YYYYMMDD',
      DatePartitionDelimiter: 'SLASH',
    });
  });

  it('refuses to switch the format of an existing landing endpoint', async () => {
    givenNoEndpoints();
    const action = createDmsEndpointCreateAction(dmsOptions());
    await action.handler(actionContext({ sourceId: 'sakila' }) as any);
    const specs = dms
      .commandCalls(CreateEndpointCommand)
      .map(c => c.args[0].input);
    dms.reset();
    dms.on(DescribeEndpointsCommand).callsFake(input => {
      const spec = specs.find(
        s => s.EndpointIdentifier === input.Filters[0].Values[0],
      )!;
      return {
        Endpoints: [{ ...spec, EndpointArn: `arn:${spec.EndpointIdentifier}` }],
      };
    });
    await expect(
      action.handler(
        actionContext({ sourceId: 'sakila', format: 'csv' }) as any,
      ),
    ).rejects.toThrow(
      /DMS endpoint 'dl-sakila-landing' already exists with a different DataFormat, .*IncludeOpForFullLoad/,
    );
    expect(dms.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });

  it('creates nothing when the endpoints exist with the same settings', async () => {
    givenNoEndpoints();
    const action = createDmsEndpointCreateAction(dmsOptions());
    await action.handler(actionContext({ sourceId: 'sakila' }) as any);
    const specs = dms
      .commandCalls(CreateEndpointCommand)
      .map(c => c.args[0].input);

    dms.reset();
    dms.on(DescribeEndpointsCommand).callsFake(input => {
      const spec = specs.find(
        s => s.EndpointIdentifier === input.Filters[0].Values[0],
      )!;
      return {
        Endpoints: [
          {
            ...spec,
            EndpointType: spec.EndpointType!.toUpperCase(),
            EndpointArn: `arn:existing:${spec.EndpointIdentifier}`,
          },
        ],
      };
    });
    const ctx = actionContext({ sourceId: 'sakila' });
    await action.handler(ctx as any);
    expect(dms.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'targetEndpointArn',
      'arn:existing:dl-sakila-landing',
    );
  });

  it('fails with a conflict when an endpoint exists with other settings', async () => {
    dms.on(DescribeEndpointsCommand).resolves({
      Endpoints: [
        {
          EndpointIdentifier: 'dl-sakila-mysql',
          EndpointType: 'SOURCE' as any, // DMS answers in upper case
          EngineName: 'mysql',
          DatabaseName: 'another_db',
          MySQLSettings: {
            SecretsManagerSecretId: instanceSource.secretArn,
            SecretsManagerAccessRoleArn:
              instanceSource.secretsManagerAccessRoleArn,
          },
        },
      ],
    });
    const action = createDmsEndpointCreateAction(dmsOptions());
    const run = action.handler(actionContext({ sourceId: 'sakila' }) as any);
    await expect(run).rejects.toThrow(ConflictError);
    await expect(
      action.handler(actionContext({ sourceId: 'sakila' }) as any),
    ).rejects.toThrow(
      "DMS endpoint 'dl-sakila-mysql' already exists with a different DatabaseName; delete it or choose another name (nothing was changed)",
    );
    expect(dms.commandCalls(CreateEndpointCommand)).toHaveLength(0);
  });

  it('makes no AWS call in a dry run', async () => {
    const action = createDmsEndpointCreateAction(dmsOptions());
    const ctx = actionContext({ sourceId: 'sakila' }, true);
    await action.handler(ctx as any);
    expect(dms.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'sourceEndpointArn',
      'dry-run:dl-sakila-mysql',
    );
  });

  it('refuses a source without a Secrets Manager reference and an unknown source', async () => {
    const action = createDmsEndpointCreateAction(
      dmsOptions({ sources: [{ ...instanceSource, secretArn: undefined }] }),
    );
    await expect(
      action.handler(actionContext({ sourceId: 'sakila' }) as any),
    ).rejects.toThrow(InputError);
    await expect(
      action.handler(actionContext({ sourceId: 'nope' }) as any),
    ).rejects.toThrow("No data lake source with id 'nope' is configured");
    expect(dms.calls()).toHaveLength(0);
  });
});
