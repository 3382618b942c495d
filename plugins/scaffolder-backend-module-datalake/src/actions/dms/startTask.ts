import { SOURCE_ID_PATTERN } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  DescribeReplicationConfigsCommand,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  ReplicationTask,
  StartReplicationCommand,
  StartReplicationTaskCommand,
  waitUntilReplicationTaskReady,
} from '@aws-sdk/client-database-migration-service';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { findMysqlSource } from '@datalake-portal/backstage-plugin-datalake-node';
import {
  aws,
  DMS_NAME_PATTERN,
  DmsActionOptions,
  dmsNames,
} from './dmsActionContext';
import { examples } from './startTask.examples';

/** States in which a task is already doing what a start would ask for. */
const ALREADY_STARTED = new Set(['starting', 'running']);
/** A task is `creating` for a while after CreateReplicationTask; it can start once `ready`. */
const CREATING = 'creating';
/** How long to wait for a new task to become ready (DMS's own waiter polls every 15 s). */
const READY_WAIT = { maxWaitTime: 600, minDelay: 2, maxDelay: 15 };

/** States from which DMS resumes where the task stopped instead of reloading. */
const RESUMABLE = new Set(['stopped', 'failed']);

function notFoundAsEmpty<T>(empty: T) {
  return (error: Error): T => {
    if (error.name === 'NotFoundError') return empty;
    throw error;
  };
}

/**
 * `datalake:dms:task:start`: starts the task created by `datalake:dms:task:create`, or resumes it
 * after a stop; a task that is already running counts as started.
 *
 * @public
 */
export function createDmsTaskStartAction(options: DmsActionOptions) {
  return createTemplateAction({
    id: 'datalake:dms:task:start',
    description:
      'Starts (first run) or resumes (after a stop) the DMS task or serverless replication of a configured source. Succeeds without a call when it already runs.',
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
            .describe('The taskName given to task:create'),
      },
      output: {
        status: z =>
          z.string().describe('Status after the call, as DMS reports it'),
        startType: z =>
          z
            .enum(['start-replication', 'resume-processing', 'none'])
            .describe('What was asked of DMS; none when it already ran'),
      },
    },
    async handler(ctx) {
      const source = findMysqlSource(options.sources, ctx.input.sourceId);
      if (!source.dms) {
        throw new InputError(
          `Source '${source.id}' has no dms settings in datalake.sources`,
        );
      }
      const id = dmsNames(source.id, ctx.input.taskName).task!;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would start DMS task ${id}`);
        ctx.output('status', 'dry-run');
        ctx.output('startType', 'none');
        return;
      }
      const dms = await options.dmsClient();
      const serverless = source.dms.mode === 'serverless';

      const result = await ctx.checkpoint({
        key: `datalake-dms-task-start-${id}`,
        fn: async () => {
          if (!serverless) {
            const described = await aws(() =>
              dms.send(
                new DescribeReplicationTasksCommand({
                  Filters: [{ Name: 'replication-task-id', Values: [id] }],
                  WithoutSettings: true,
                }),
              ),
            ).catch(notFoundAsEmpty({ ReplicationTasks: [] }));
            let task: ReplicationTask | undefined =
              described.ReplicationTasks?.[0];
            if (!task) {
              throw new NotFoundError(
                `DMS task ${id} does not exist; run datalake:dms:task:create first`,
              );
            }
            if (task.Status === CREATING) {
              ctx.logger.info(
                `DMS task ${id} is creating; waiting until ready`,
              );
              const waited = await aws(() =>
                waitUntilReplicationTaskReady(
                  { client: dms, ...READY_WAIT },
                  {
                    Filters: [
                      {
                        Name: 'replication-task-arn',
                        Values: [task!.ReplicationTaskArn!],
                      },
                    ],
                    WithoutSettings: true,
                  },
                ),
              );
              task =
                (waited.reason as { ReplicationTasks?: ReplicationTask[] })
                  ?.ReplicationTasks?.[0] ?? task;
            }
            const status = task.Status ?? 'unknown';
            if (ALREADY_STARTED.has(status)) {
              return { status, startType: 'none' as const };
            }
            let startType: 'start-replication' | 'resume-processing';
            if (status === 'ready') {
              startType = 'start-replication';
            } else if (RESUMABLE.has(status)) {
              startType = 'resume-processing';
            } else {
              throw new ConflictError(
                `DMS task ${id} is ${status}; it can be started when it is ready, stopped or failed`,
              );
            }
            const started = await aws(() =>
              dms.send(
                new StartReplicationTaskCommand({
                  ReplicationTaskArn: task.ReplicationTaskArn!,
                  StartReplicationTaskType: startType,
                }),
              ),
            );
            return {
              status: started.ReplicationTask?.Status ?? 'starting',
              startType,
            };
          }

          const configs = await aws(() =>
            dms.send(
              new DescribeReplicationConfigsCommand({
                Filters: [{ Name: 'replication-config-id', Values: [id] }],
              }),
            ),
          ).catch(notFoundAsEmpty({ ReplicationConfigs: [] }));
          const config = configs.ReplicationConfigs?.[0];
          if (!config) {
            throw new NotFoundError(
              `DMS replication config ${id} does not exist; run datalake:dms:task:create first`,
            );
          }
          const replications = await aws(() =>
            dms.send(
              new DescribeReplicationsCommand({
                Filters: [
                  {
                    Name: 'replication-config-arn',
                    Values: [config.ReplicationConfigArn!],
                  },
                ],
              }),
            ),
          ).catch(notFoundAsEmpty({ Replications: [] }));
          const replication = replications.Replications?.[0];
          const status = replication?.Status ?? 'created';
          if (replication && !RESUMABLE.has(status) && status !== 'created') {
            return { status, startType: 'none' as const };
          }
          const startType =
            replication && RESUMABLE.has(status)
              ? 'resume-processing'
              : 'start-replication';
          const started = await aws(() =>
            dms.send(
              new StartReplicationCommand({
                ReplicationConfigArn: config.ReplicationConfigArn!,
                StartReplicationType: startType,
              }),
            ),
          );
          return {
            status: started.Replication?.Status ?? 'starting',
            startType: startType as 'start-replication' | 'resume-processing',
          };
        },
      });
      ctx.logger.info(
        `DMS task ${id}: ${result.startType}, now ${result.status}`,
      );
      ctx.output('status', result.status);
      ctx.output('startType', result.startType);
    },
  });
}
