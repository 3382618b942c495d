import {
  CreateReplicationConfigCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationConfigsCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  SOURCE_ID_PATTERN,
  SOURCE_TABLE_NAME_PATTERN,
  SourceInspectionReport,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  findMysqlSource,
  inspectMysqlSource,
  mysqlConnectionFor,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  aws,
  conflict,
  differingFields,
  DMS_NAME_PATTERN,
  DmsActionOptions,
  dmsNames,
  replicationInstanceArnOf,
} from './dmsActionContext';
import { examples } from './createTask.examples';
import { buildTableMappings, buildTaskSettings } from './tableMappings';

async function endpointArn(
  dms: DatabaseMigrationServiceClient,
  id: string,
): Promise<string> {
  const result = await aws(() =>
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
  const arn = result.Endpoints?.[0]?.EndpointArn;
  if (!arn) {
    throw new NotFoundError(
      `DMS endpoint ${id} does not exist; run datalake:dms:endpoint:create first`,
    );
  }
  return arn;
}

/** Parses a TableMappings JSON string so that formatting differences do not count as changes. */
function normalisedJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/**
 * `datalake:dms:task:create`: creates (or finds) the full-load + CDC replication task of a source
 * for exactly the chosen tables; on a replication instance, or as a serverless replication config.
 *
 * @public
 */
export function createDmsTaskCreateAction(options: DmsActionOptions) {
  return createTemplateAction({
    id: 'datalake:dms:task:create',
    description:
      'Creates the DMS full-load + CDC task (or serverless replication config) of a configured source for exactly the chosen tables, with the change-sequence column, define-primary-key for unique-key tables and LOB settings from the inspection. Idempotent.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe('Id of the source in datalake.sources'),
        taskName: z =>
          z
            .string()
            .max(60)
            .regex(DMS_NAME_PATTERN)
            .describe(
              'Short name of the task; the DMS id is dl-<sourceId>-<taskName>',
            ),
        tables: z =>
          z
            .array(z.string().regex(SOURCE_TABLE_NAME_PATTERN))
            .min(1)
            .max(1000)
            .describe('The source tables to replicate'),
        inspection: z =>
          z
            .record(z.unknown())
            .optional()
            .describe(
              'The report of datalake:mysql:source:inspect; without it the source is inspected again',
            ),
        lobMaxSizeKb: z =>
          z
            .number()
            .int()
            .min(1)
            .max(102400)
            .optional()
            .describe(
              'Limited LOB mode size in KB when the tables have LOB columns (default 64)',
            ),
      },
      output: {
        taskIdentifier: z => z.string(),
        taskArn: z =>
          z
            .string()
            .describe(
              'Replication task ARN, or replication config ARN when serverless',
            ),
        mode: z => z.enum(['replication-instance', 'serverless']),
        tableMappings: z => z.string().describe('The table mappings JSON'),
      },
    },
    async handler(ctx) {
      const { sourceId, taskName, tables } = ctx.input;
      const source = findMysqlSource(options.sources, sourceId);
      if (!source.dms) {
        throw new InputError(
          `Source '${sourceId}' has no dms settings in datalake.sources`,
        );
      }
      const inspection = (ctx.input.inspection ??
        (await inspectMysqlSource(mysqlConnectionFor(source), {
          tables,
        }))) as SourceInspectionReport;
      if (!Array.isArray(inspection.tables)) {
        throw new InputError(
          'inspection is not a report of datalake:mysql:source:inspect',
        );
      }
      const { tableMappings, hasLobs } = buildTableMappings(
        source.database,
        tables,
        inspection,
      );
      const mappingsJson = JSON.stringify(tableMappings);
      const settingsJson = JSON.stringify(
        buildTaskSettings(hasLobs, ctx.input.lobMaxSizeKb ?? 64),
      );
      const names = dmsNames(sourceId, taskName);
      const id = names.task!;
      ctx.output('taskIdentifier', id);
      ctx.output('mode', source.dms.mode);
      ctx.output('tableMappings', mappingsJson);

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ensure DMS ${
            source.dms.mode
          } task ${id} for ${tables.join(', ')}`,
        );
        ctx.output('taskArn', `dry-run:${id}`);
        return;
      }

      const dms = await options.dmsClient();
      const sourceEndpointArn = await endpointArn(dms, names.sourceEndpoint);
      const targetEndpointArn = await endpointArn(dms, names.targetEndpoint);
      const dmsConfig = source.dms;

      const arn = await ctx.checkpoint({
        key: `datalake-dms-task-${id}`,
        fn: async () => {
          if (dmsConfig.mode === 'replication-instance') {
            const replicationInstanceArn = await replicationInstanceArnOf(
              dms,
              dmsConfig,
            );
            const wanted = {
              SourceEndpointArn: sourceEndpointArn,
              TargetEndpointArn: targetEndpointArn,
              ReplicationInstanceArn: replicationInstanceArn,
              MigrationType: 'full-load-and-cdc',
              TableMappings: tableMappings,
            };
            const existing = await aws(() =>
              dms.send(
                new DescribeReplicationTasksCommand({
                  Filters: [{ Name: 'replication-task-id', Values: [id] }],
                  WithoutSettings: true,
                }),
              ),
            ).catch(error => {
              if (error.name === 'NotFoundError')
                return { ReplicationTasks: [] };
              throw error;
            });
            const found = existing.ReplicationTasks?.[0];
            if (found) {
              const fields = differingFields(wanted, {
                ...found,
                TableMappings: normalisedJson(found.TableMappings),
              });
              if (fields.length > 0)
                throw conflict('replication task', id, fields);
              ctx.logger.info(
                `DMS task ${id} already exists with the same settings`,
              );
              return found.ReplicationTaskArn!;
            }
            const created = await aws(() =>
              dms.send(
                new CreateReplicationTaskCommand({
                  ReplicationTaskIdentifier: id,
                  SourceEndpointArn: sourceEndpointArn,
                  TargetEndpointArn: targetEndpointArn,
                  ReplicationInstanceArn: replicationInstanceArn,
                  MigrationType: 'full-load-and-cdc',
                  TableMappings: mappingsJson,
                  ReplicationTaskSettings: settingsJson,
                }),
              ),
            );
            ctx.logger.info(`Created DMS task ${id}`);
            return created.ReplicationTask!.ReplicationTaskArn!;
          }

          const computeConfig = {
            MaxCapacityUnits: dmsConfig.maxCapacityUnits,
            ReplicationSubnetGroupId: dmsConfig.subnetGroupId,
            VpcSecurityGroupIds: dmsConfig.securityGroupIds,
          };
          const wanted = {
            SourceEndpointArn: sourceEndpointArn,
            TargetEndpointArn: targetEndpointArn,
            ReplicationType: 'full-load-and-cdc',
            TableMappings: tableMappings,
            ComputeConfig: computeConfig,
          };
          const existing = await aws(() =>
            dms.send(
              new DescribeReplicationConfigsCommand({
                Filters: [{ Name: 'replication-config-id', Values: [id] }],
              }),
            ),
          ).catch(error => {
            if (error.name === 'NotFoundError')
              return { ReplicationConfigs: [] };
            throw error;
          });
          const found = existing.ReplicationConfigs?.[0];
          if (found) {
            const fields = differingFields(wanted, {
              ...found,
              TableMappings: normalisedJson(found.TableMappings),
              ComputeConfig: found.ComputeConfig && {
                MaxCapacityUnits: found.ComputeConfig.MaxCapacityUnits,
                ReplicationSubnetGroupId:
                  found.ComputeConfig.ReplicationSubnetGroupId,
                VpcSecurityGroupIds: found.ComputeConfig.VpcSecurityGroupIds,
              },
            });
            if (fields.length > 0)
              throw conflict('replication config', id, fields);
            ctx.logger.info(
              `DMS replication config ${id} already exists with the same settings`,
            );
            return found.ReplicationConfigArn!;
          }
          const created = await aws(() =>
            dms.send(
              new CreateReplicationConfigCommand({
                ReplicationConfigIdentifier: id,
                SourceEndpointArn: sourceEndpointArn,
                TargetEndpointArn: targetEndpointArn,
                ComputeConfig: computeConfig,
                ReplicationType: 'full-load-and-cdc',
                TableMappings: mappingsJson,
                ReplicationSettings: settingsJson,
              }),
            ),
          );
          ctx.logger.info(`Created DMS serverless replication config ${id}`);
          return created.ReplicationConfig!.ReplicationConfigArn!;
        },
      });
      ctx.output('taskArn', arn);
    },
  });
}
