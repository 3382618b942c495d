import {
  DatabaseMigrationServiceClient,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { MysqlSourceConfig } from '@datalake-portal/backstage-plugin-datalake-node';
import { parse } from 'yaml';
import { DmsActionOptions } from '../dmsActionContext';

export const instanceSource: MysqlSourceConfig = {
  id: 'sakila',
  title: 'Sakila',
  owner: 'group:default/data-platform',
  host: 'sakila.example.internal',
  port: 3306,
  database: 'sakila',
  user: 'dms',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:sakila-dms',
  secretsManagerAccessRoleArn: 'arn:aws:iam::111122223333:role/dms-secrets',
  connectTimeoutMs: 1000,
  dms: {
    mode: 'replication-instance',
    replicationInstanceArn: 'arn:aws:dms:eu-west-1:111122223333:rep:INSTANCE',
  },
};

export const serverlessSource: MysqlSourceConfig = {
  ...instanceSource,
  id: 'shop',
  database: 'shop',
  dms: {
    mode: 'serverless',
    subnetGroupId: 'dms-subnets',
    securityGroupIds: ['sg-0123'],
    maxCapacityUnits: 4,
  },
};

export function dmsOptions(
  overrides: Partial<DmsActionOptions> = {},
): DmsActionOptions {
  return {
    sources: [instanceSource, serverlessSource],
    landing: {
      bucketName: 'lake-landing',
      bucketFolder: 'landing',
      serviceAccessRoleArn: 'arn:aws:iam::111122223333:role/dms-s3',
    },
    dmsClient: async () =>
      new DatabaseMigrationServiceClient({ region: 'eu-west-1' }),
    ...overrides,
  };
}

export function notFound(what: string) {
  return new ResourceNotFoundFault({
    message: `${what} not found`,
    $metadata: {},
  });
}

/** The `input` of each step of an example's YAML. */
export function exampleInputs(example: string): Array<Record<string, unknown>> {
  return (
    parse(example).steps as Array<{ input: Record<string, unknown> }>
  ).map(s => s.input);
}

export function actionContext(
  input: Record<string, unknown>,
  isDryRun = false,
) {
  return { ...createMockActionContext({ input: input as any }), isDryRun };
}
