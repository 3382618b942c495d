/*
 * "Run now": starts, outside its schedule, the pipeline that writes a table. The caller names a
 * table entity only; which state machine runs is found on the server (the table's Glue
 * parameters name its pipeline), and the portal's policy decides who may, on the entity.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datalakePipelineRunPermission,
  PipelineRunStarted,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { randomUUID } from 'node:crypto';
import { getTableEntity, normaliseEntityRef } from '../lineage/tableEntities';
import { AwsStatusReader } from './AwsStatusReader';
import { RunStatusService } from './RunStatusService';

/** The execution name: unique, sortable, and saying where it came from. */
function executionName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `run-now-${stamp}-${randomUUID().slice(0, 8)}`;
}

/** @public */
export class PipelineRunStarter {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      tables: ProviderTables;
      permissions: PermissionsService;
      runs: RunStatusService;
      aws: AwsStatusReader;
      logger: LoggerService;
    },
  ) {}

  async start(
    entityRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PipelineRunStarted> {
    const { catalog, tables, permissions, runs, aws, logger } = this.options;
    const ref = normaliseEntityRef(entityRef);
    // A table the caller cannot see is a 404, before any decision is asked for.
    const table = await getTableEntity(catalog, tables, ref, credentials);
    const [decision] = await permissions.authorize(
      [{ permission: datalakePipelineRunPermission, resourceRef: ref }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not run the pipeline of ${ref}: it is for the table's owners`,
      );
    }
    const [pipeline] = (await runs.resolveTargets([table])).pipelines;
    const arn = pipeline ? await aws.stateMachineArn(pipeline) : null;
    if (!pipeline || !arn) {
      throw new NotFoundError(`No pipeline writes ${ref}`);
    }
    // Two clicks, or a click while the schedule's run works, must not start a second run that
    // merges the same files at the same time.
    const running = await aws.runningExecution(arn);
    if (running) {
      throw new ConflictError(
        `Pipeline ${pipeline} is already running (execution ${running.name}, started ${running.startDate})`,
      );
    }
    const name = executionName(new Date());
    const started = await aws.startExecution(arn, name);
    const who = credentials.principal.userEntityRef;
    logger.info(
      `Pipeline ${pipeline} started by ${who} for ${ref}: execution ${name}`,
      { audit: 'datalake.pipeline.run', pipeline, entityRef: ref, actor: who },
    );
    return {
      entityRef: ref,
      pipeline,
      executionArn: started.executionArn,
      executionName: name,
      startedAt: started.startDate,
    };
  }
}
