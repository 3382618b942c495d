import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseMysqlDdl } from '@datalake-portal/backstage-plugin-datalake-node';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { parse } from 'yaml';
import { PipelineActionOptions } from '../actionSupport';
import { PipelineConfig, readPipelineConfig } from '../pipelineConfig';
import { inspectionReportFromDdl } from '../inspectionFromDdl';

/** The shared fixtures live beside the repository: /work/shared next to /work/main. */
export const SAKILA_SCHEMA = path.resolve(
  __dirname,
  '../../../../../../../shared/fixtures/mysql/sakila/sakila-schema.sql',
);

export const GLUE_ROLE = 'arn:aws:iam::111122223333:role/datalake-glue';
export const SFN_ROLE = 'arn:aws:iam::111122223333:role/datalake-sfn';

/** The inspection report of Sakila's 16 base tables, as the inspect step would output it. */
export function sakilaInspection(): Record<string, unknown> {
  const tables = parseMysqlDdl(fs.readFileSync(SAKILA_SCHEMA, 'utf8'));
  return JSON.parse(JSON.stringify(inspectionReportFromDdl('sakila', tables)));
}

export function pipelineConfigData(overrides: Record<string, unknown> = {}) {
  return {
    datalake: {
      dms: { landing: { bucketName: 'lake-landing', bucketFolder: 'landing' } },
      pipeline: {
        glue: { roleArn: GLUE_ROLE, workerType: 'G.2X', numberOfWorkers: 4 },
        stepFunctions: { roleArn: SFN_ROLE },
        ...overrides,
      },
    },
  };
}

export function testPipelineConfig(
  overrides: Record<string, unknown> = {},
): PipelineConfig {
  return readPipelineConfig(new ConfigReader(pipelineConfigData(overrides)))!;
}

/** Options with plain clients, for tests that mock them with aws-sdk-client-mock. */
export function mockedOptions(
  pipeline = testPipelineConfig(),
): PipelineActionOptions {
  const options = { region: 'eu-west-1' };
  return {
    pipeline,
    aws: {
      glue: async () => new GlueClient(options),
      s3: async () => new S3Client(options),
      stepFunctions: async () => new SFNClient(options),
      sts: async () => new STSClient(options),
    },
  };
}

/** The `input` of each step of an example, with the inspect step's report filled in. */
export function exampleInputs(example: string): Array<Record<string, any>> {
  return (
    parse(example).steps as Array<{ input: Record<string, unknown> }>
  ).map(s => ({
    ...s.input,
    ...(s.input.inspection ? { inspection: sakilaInspection() } : {}),
  }));
}

export function actionContext(
  input: Record<string, unknown>,
  isDryRun = false,
) {
  return { ...createMockActionContext({ input: input as any }), isDryRun };
}
