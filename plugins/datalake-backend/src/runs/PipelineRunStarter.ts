/*
 * "Run now": starts, outside its schedule, the pipeline that writes a table, or a pipeline named
 * by its catalog entity. The caller names an entity only; which state machine runs is found on
 * the server: a table's Glue parameters name its pipeline, and a pipeline entity (a
 * `data-pipeline` Component) is only a name, whose tables are the provider-emitted table
 * entities whose Glue parameters name that pipeline, never the component's annotations, which a
 * user's repository can set. The portal's policy decides on the table, or on every table of the
 * pipeline (all must be allowed).
 */
import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
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
import { getTableEntity, normaliseEntityRef } from '../lineage/tableEntities';
import { AwsStatusReader } from './AwsStatusReader';
import { executionName } from './executionName';
import { isPipelineRef, RunStatusService } from './RunStatusService';

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
      /** Lists a pipeline's tables as the plugin, so that none is left out of the decision. */
      auth: AuthService;
    },
  ) {}

  async start(
    entityRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PipelineRunStarted> {
    const ref = normaliseEntityRef(entityRef);
    return isPipelineRef(ref)
      ? this.startPipeline(ref, credentials)
      : this.startTablePipeline(ref, credentials);
  }

  private async startTablePipeline(
    ref: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PipelineRunStarted> {
    const { catalog, tables, permissions, runs } = this.options;
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
    if (!pipeline) {
      throw new NotFoundError(`No pipeline writes ${ref}`);
    }
    return this.startExecution(ref, pipeline, credentials);
  }

  private async startPipeline(
    ref: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PipelineRunStarted> {
    const { permissions, runs, auth } = this.options;
    const { pipeline, tables } = await runs.pipelineTables(
      ref,
      credentials,
      await auth.getOwnServiceCredentials(),
    );
    if (tables.length === 0) {
      throw new NotFoundError(
        `No data lake table is written by pipeline ${pipeline} (${ref})`,
      );
    }
    const tableRefs = tables.map(t => stringifyEntityRef(t));
    const decisions = await permissions.authorize(
      tableRefs.map(resourceRef => ({
        permission: datalakePipelineRunPermission,
        resourceRef,
      })),
      { credentials },
    );
    const denied = tableRefs.filter(
      (_, i) => decisions[i]?.result !== AuthorizeResult.ALLOW,
    );
    if (denied.length > 0) {
      throw new NotAllowedError(
        `You may not run pipeline ${pipeline}: it writes ${denied.join(
          ', ',
        )}, and running it is for the owners of every table it writes`,
      );
    }
    return this.startExecution(ref, pipeline, credentials);
  }

  private async startExecution(
    ref: string,
    pipeline: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<PipelineRunStarted> {
    const { aws, logger } = this.options;
    const arn = await aws.stateMachineArn(pipeline);
    if (!arn) {
      throw new NotFoundError(`No pipeline ${pipeline} for ${ref}`);
    }
    // Two clicks, or a click while the schedule's run works, must not start a second run that
    // merges the same files at the same time.
    const running = await aws.runningExecution(arn);
    if (running) {
      throw new ConflictError(
        `Pipeline ${pipeline} is already running (execution ${running.name}, started ${running.startDate})`,
      );
    }
    const name = executionName('run-now', new Date());
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
