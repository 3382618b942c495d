import { SOURCE_ID_PATTERN } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  CreateEndpointCommand,
  CreateEndpointCommandInput,
  DescribeEndpointsCommand,
  Endpoint,
} from '@aws-sdk/client-database-migration-service';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  findMysqlSource,
  LANDING_CSV_INCLUDE_OP_FOR_FULL_LOAD,
  LANDING_CSV_SETTINGS,
  MysqlSourceConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  aws,
  conflict,
  differingFields,
  DmsActionOptions,
  DmsLandingConfig,
  dmsNames,
  requireLanding,
} from './dmsActionContext';
import { examples } from './createEndpoints.examples';

/** The column DMS adds with the source commit time of each change. */
export const LANDING_TIMESTAMP_COLUMN = 'dms_commit_ts';

function sourceEndpointSpec(
  source: MysqlSourceConfig,
): CreateEndpointCommandInput {
  if (!source.secretArn || !source.secretsManagerAccessRoleArn) {
    throw new InputError(
      `Source '${source.id}' needs secretArn and secretsManagerAccessRoleArn in datalake.sources: DMS reads MySQL credentials from Secrets Manager only`,
    );
  }
  return {
    EndpointIdentifier: dmsNames(source.id).sourceEndpoint,
    EndpointType: 'source',
    EngineName: 'mysql',
    DatabaseName: source.database,
    MySQLSettings: {
      SecretsManagerSecretId: source.secretArn,
      SecretsManagerAccessRoleArn: source.secretsManagerAccessRoleArn,
    },
  };
}

/**
 * The landing formats of the form (`templates/new-ingestion`, field `format`).
 *
 * @public
 */
export type LandingFormat = 'parquet' | 'csv';

/**
 * How each format is written. CSV: no header, the table's columns in table order after `Op` (CDC files
 * only) and the commit timestamp, the change sequence last, and the delimiter, quoting and NULL text of
 * `LANDING_CSV_SETTINGS`, which the bronze job and the DuckDB replay read with (DMS User Guide, "Using
 * Amazon S3 as a target for AWS Database Migration Service",
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html, "Endpoint settings when using
 * Amazon S3 as a target").
 */
function formatSettings(format: LandingFormat) {
  if (format === 'csv') {
    return {
      DataFormat: 'csv',
      ...LANDING_CSV_SETTINGS,
      IncludeOpForFullLoad: LANDING_CSV_INCLUDE_OP_FOR_FULL_LOAD,
    } as const;
  }
  return {
    DataFormat: 'parquet',
    ParquetVersion: 'parquet-2-0',
    // Op column on full-load rows too, so bronze reads one format for load and CDC files.
    IncludeOpForFullLoad: true,
  } as const;
}

function targetEndpointSpec(
  source: MysqlSourceConfig,
  landing: DmsLandingConfig,
  format: LandingFormat,
): CreateEndpointCommandInput {
  return {
    EndpointIdentifier: dmsNames(source.id).targetEndpoint,
    EndpointType: 'target',
    EngineName: 's3',
    S3Settings: {
      ServiceAccessRoleArn: landing.serviceAccessRoleArn,
      BucketName: landing.bucketName,
      BucketFolder: `${landing.bucketFolder}/${source.id}`,
      ...formatSettings(format),
      EncryptionMode: 'sse-s3',
      TimestampColumnName: LANDING_TIMESTAMP_COLUMN,
      DatePartitionEnabled: true,
      DatePartitionSequence: 'YYYYMMDD',
      DatePartitionDelimiter: 'SLASH',
    },
  };
}

/** The fields of a described endpoint that the spec sets, for comparison. */
function comparable(
  spec: CreateEndpointCommandInput,
  found: Endpoint,
): Record<string, unknown> {
  const settings = spec.MySQLSettings ? found.MySQLSettings : found.S3Settings;
  const wanted = (spec.MySQLSettings ?? spec.S3Settings ?? {}) as Record<
    string,
    unknown
  >;
  return {
    EndpointType: found.EndpointType?.toLowerCase(),
    EngineName: found.EngineName,
    DatabaseName: found.DatabaseName,
    ...Object.fromEntries(
      Object.keys(wanted).map(k => [
        k,
        (settings as Record<string, unknown> | undefined)?.[k],
      ]),
    ),
  };
}

function wantedFields(
  spec: CreateEndpointCommandInput,
): Record<string, unknown> {
  return {
    EndpointType: spec.EndpointType,
    EngineName: spec.EngineName,
    DatabaseName: spec.DatabaseName,
    ...((spec.MySQLSettings ?? spec.S3Settings ?? {}) as Record<
      string,
      unknown
    >),
  };
}

/**
 * `datalake:dms:endpoint:create`: creates (or finds) the MySQL source endpoint and the S3 landing
 * target endpoint of a configured source.
 *
 * @public
 */
export function createDmsEndpointCreateAction(options: DmsActionOptions) {
  return createTemplateAction({
    id: 'datalake:dms:endpoint:create',
    description:
      'Creates the DMS endpoints of a configured MySQL source: the source endpoint (credentials by Secrets Manager reference) and the S3 landing target (Parquet or header-less CSV, Op column, commit timestamp, date partitions). One landing format per source: a second format on the same source is a conflict. Idempotent.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe('Id of the source in datalake.sources'),
        format: z =>
          z
            .enum(['parquet', 'csv'])
            .optional()
            .describe(
              'Format DMS writes the landing files in (default parquet); the bronze jobs are generated for the same format',
            ),
      },
      output: {
        sourceEndpointArn: z =>
          z.string().describe('ARN of the MySQL source endpoint'),
        targetEndpointArn: z =>
          z.string().describe('ARN of the S3 landing endpoint'),
        landingPrefix: z =>
          z
            .string()
            .describe('s3://bucket/folder/ under which DMS writes the source'),
      },
    },
    async handler(ctx) {
      const source = findMysqlSource(options.sources, ctx.input.sourceId);
      const landing = requireLanding(options);
      const specs = [
        sourceEndpointSpec(source),
        targetEndpointSpec(source, landing, ctx.input.format ?? 'parquet'),
      ];
      const landingPrefix = `s3://${landing.bucketName}/${landing.bucketFolder}/${source.id}/`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ensure endpoints ${specs
            .map(s => s.EndpointIdentifier)
            .join(', ')}`,
        );
        ctx.output(
          'sourceEndpointArn',
          `dry-run:${specs[0].EndpointIdentifier}`,
        );
        ctx.output(
          'targetEndpointArn',
          `dry-run:${specs[1].EndpointIdentifier}`,
        );
        ctx.output('landingPrefix', landingPrefix);
        return;
      }

      const dms = await options.dmsClient();
      const arns: string[] = [];
      for (const spec of specs) {
        const id = spec.EndpointIdentifier!;
        const arn = await ctx.checkpoint({
          key: `datalake-dms-endpoint-${id}`,
          fn: async () => {
            const existing = await aws(() =>
              dms.send(
                new DescribeEndpointsCommand({
                  Filters: [{ Name: 'endpoint-id', Values: [id] }],
                }),
              ),
            ).catch(error => {
              if (error.name === 'NotFoundError') {
                return { Endpoints: [] };
              }
              throw error;
            });
            const found = existing.Endpoints?.[0];
            if (found) {
              const fields = differingFields(
                wantedFields(spec),
                comparable(spec, found),
              );
              if (fields.length > 0) {
                throw conflict('endpoint', id, fields);
              }
              ctx.logger.info(
                `DMS endpoint ${id} already exists with the same settings`,
              );
              return found.EndpointArn!;
            }
            const created = await aws(() =>
              dms.send(new CreateEndpointCommand(spec)),
            );
            ctx.logger.info(`Created DMS endpoint ${id}`);
            return created.Endpoint!.EndpointArn!;
          },
        });
        arns.push(arn);
      }
      ctx.output('sourceEndpointArn', arns[0]);
      ctx.output('targetEndpointArn', arns[1]);
      ctx.output('landingPrefix', landingPrefix);
    },
  });
}
