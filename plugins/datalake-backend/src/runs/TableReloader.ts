/*
 * "Reload": an owner re-syncs one source table without recreating the pipeline. The caller names
 * a bronze or silver table entity; the MySQL table behind it, the DMS task replicating it and the
 * pipeline are found on the server from the table's Glue parameters. DMS `ReloadTables` loads the
 * table again while CDC of the others goes on; once the load is complete the pipeline runs, and
 * its bronze job rebuilds the table from the new full load (docs/cdc-semantics.md, "Reload").
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  assertError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DATALAKE_TABLE_PARAMETERS,
  datalakeTableReloadPermission,
  parseUpstreamParameter,
  TableReloadRequested,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import {
  dmsTaskReplicates,
  recordedLineage,
} from '../lineage/pipelineConventions';
import { MysqlTableRef } from '../lineage/buildLineageGraph';
import { getTableEntity, normaliseEntityRef } from '../lineage/tableEntities';
import { AwsStatusReader } from './AwsStatusReader';
import { executionName } from './executionName';
import { RunStatusService } from './RunStatusService';

/** Table states in which DMS is (re)loading the table (DMS User Guide, table state values). */
const LOADING_STATES = new Set(['Before load', 'Full load']);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** @public */
export class TableReloader {
  /** Reloads under way in this instance, so that finishing them can be awaited (tests, shutdown). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      tables: ProviderTables;
      permissions: PermissionsService;
      runs: RunStatusService;
      aws: AwsStatusReader;
      logger: LoggerService;
      /** How often the load state is read while waiting; 10 s by default. */
      pollMs?: number;
      /** How long a load may take before the wait gives up; 6 h by default. */
      timeoutMs?: number;
    },
  ) {}

  async reload(
    entityRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<TableReloadRequested> {
    const { catalog, tables, permissions, runs, aws, logger } = this.options;
    const ref = normaliseEntityRef(entityRef);
    // A table the caller cannot see is a 404, before any decision is asked for.
    const table = await getTableEntity(catalog, tables, ref, credentials);
    const [decision] = await permissions.authorize(
      [{ permission: datalakeTableReloadPermission, resourceRef: ref }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not reload ${ref}: it is for the table's owners`,
      );
    }
    const source = await this.sourceTable(table, ref);
    const [pipeline] = (await runs.resolveTargets([table])).pipelines;
    const stateMachineArn = pipeline
      ? await aws.stateMachineArn(pipeline)
      : null;
    if (!pipeline || !stateMachineArn) {
      throw new NotFoundError(`No pipeline writes ${ref}`);
    }
    const task = (await aws.replicationTasks()).find(t =>
      dmsTaskReplicates(t, source),
    );
    const sourceName = `${source.schema}.${source.table}`;
    if (!task) {
      throw new NotFoundError(`No DMS task replicates ${sourceName}`);
    }
    // The API refuses a task that is not running (InvalidResourceStateFault); say it in words.
    if (task.status !== 'running') {
      throw new ConflictError(
        `DMS task ${task.id} is ${task.status}; a table can be reloaded while its task runs`,
      );
    }
    const before = await aws.tableLoadState(
      task.arn,
      source.schema,
      source.table,
    );
    if (!before) {
      throw new NotFoundError(`DMS task ${task.id} has no table ${sourceName}`);
    }
    if (before.state && LOADING_STATES.has(before.state)) {
      throw new ConflictError(
        `${sourceName} is already being loaded by DMS task ${task.id} (${before.state})`,
      );
    }
    // A pipeline run merging while the new load lands would apply half of it.
    const running = await aws.runningExecution(stateMachineArn);
    if (running) {
      throw new ConflictError(
        `Pipeline ${pipeline} is running (execution ${running.name}); reload once it has finished`,
      );
    }
    await aws.reloadTable(task.arn, source.schema, source.table);
    const who = credentials.principal.userEntityRef;
    const requestedAt = new Date().toISOString();
    logger.info(
      `Table ${ref} reloaded by ${who}: DMS task ${task.id} loads ${sourceName} again; pipeline ${pipeline} runs when the load is complete`,
      {
        audit: 'datalake.table.reload',
        entityRef: ref,
        actor: who,
        sourceTable: sourceName,
        replicationTask: task.id,
        pipeline,
      },
    );
    const finishing = this.runWhenLoaded({
      ref,
      taskArn: task.arn,
      source,
      previousLoadEnd: before.fullLoadEndTime,
      pipeline,
      stateMachineArn,
    }).finally(() => this.pending.delete(finishing));
    this.pending.add(finishing);
    return {
      entityRef: ref,
      sourceTable: sourceName,
      replicationTaskArn: task.arn,
      pipeline,
      requestedAt,
    };
  }

  /** Resolves once every reload this instance started has started its pipeline (or given up). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }

  /**
   * The MySQL table behind a bronze table (its Glue parameters name it) or a silver table (through
   * its one bronze table). A gold table has several sources: each is reloaded on its own page.
   */
  private async sourceTable(
    table: Entity,
    ref: string,
  ): Promise<MysqlTableRef> {
    const { tables, aws } = this.options;
    const glue = tables.identify(table);
    if (!glue) throw new NotFoundError(`${ref} is not a data lake table`);
    const parameters = await aws.tableParameters(glue.database, glue.table);
    const direct = recordedLineage(parameters).mysqlUpstream;
    if (direct.length === 1) return direct[0];
    const upstream = parseUpstreamParameter(
      parameters[DATALAKE_TABLE_PARAMETERS.upstream],
    );
    if (upstream.length === 1 && upstream[0].kind === 'glue') {
      const bronze = recordedLineage(
        await aws.tableParameters(upstream[0].database, upstream[0].table),
      ).mysqlUpstream;
      if (bronze.length === 1) return bronze[0];
    }
    throw new InputError(
      `${ref} is not built from one MySQL table; reload its source tables from their bronze or silver pages`,
    );
  }

  /** Waits for the table's new full load, then starts the pipeline (after a running execution). */
  private async runWhenLoaded(reload: {
    ref: string;
    taskArn: string;
    source: MysqlTableRef;
    previousLoadEnd: string | null;
    pipeline: string;
    stateMachineArn: string;
  }): Promise<void> {
    const { aws, logger } = this.options;
    const pollMs = this.options.pollMs ?? 10_000;
    const deadline = Date.now() + (this.options.timeoutMs ?? 6 * 3600_000);
    const sourceName = `${reload.source.schema}.${reload.source.table}`;
    try {
      for (;;) {
        const state = await aws.tableLoadState(
          reload.taskArn,
          reload.source.schema,
          reload.source.table,
        );
        if (state?.state === 'Table error') {
          throw new Error(`DMS reports Table error for ${sourceName}`);
        }
        // Complete, with a load end newer than the one before the reload: DMS may show the old
        // state for a moment after ReloadTables.
        if (
          state?.state === 'Table completed' &&
          state.fullLoadEndTime !== null &&
          state.fullLoadEndTime !== reload.previousLoadEnd
        ) {
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `the reload of ${sourceName} did not complete in time`,
          );
        }
        await sleep(pollMs);
      }
      while (await aws.runningExecution(reload.stateMachineArn)) {
        await sleep(pollMs);
      }
      const name = executionName('reload', new Date());
      await aws.startExecution(reload.stateMachineArn, name);
      logger.info(
        `Reload of ${reload.ref}: ${sourceName} loaded again; pipeline ${reload.pipeline} started (execution ${name})`,
        {
          audit: 'datalake.table.reload.pipeline',
          entityRef: reload.ref,
          pipeline: reload.pipeline,
          execution: name,
        },
      );
    } catch (e) {
      assertError(e);
      // Nothing is lost: the files DMS wrote stay in landing, and the next scheduled run applies them.
      logger.error(
        `Reload of ${reload.ref} did not start pipeline ${reload.pipeline}: ${e.message}; its next scheduled run applies the reload`,
      );
    }
  }
}
