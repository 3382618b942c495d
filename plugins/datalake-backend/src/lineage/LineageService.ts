/*
 * Answers the lineage routes: loads the table entities around the requested one from the catalog
 * (with the caller's credentials, level by level up to the depth), reads what the pipeline
 * actions recorded (table parameters, job definitions and scripts, DMS tasks) through the cached
 * AWS reader, and hands the facts to the pure graph builder. An AWS fact that cannot be read
 * leaves its node or column edges out and is named in `warnings`; the catalog part still answers.
 */
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { assertError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import {
  DATALAKE_ANNOTATIONS,
  FRESHNESS_SLA_ANNOTATION,
  LINEAGE_DEPTH,
  LineageResponse,
  OpenLineageExportResponse,
  parseFreshnessSla,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { AwsStatusReader } from '../runs/AwsStatusReader';
import { toOpenLineageEvents } from './openLineage';
import {
  buildLineageGraph,
  LineageFacts,
  LineageTable,
  mysqlTableKey,
} from './buildLineageGraph';
import {
  goldFlowsFromScript,
  ScriptColumnFlow,
  silverFlowsFromScript,
} from './columnLineage';
import {
  dmsTaskReplicates,
  FAILED_JOB_STATES,
  jobNameFor,
  landingPrefixFor,
  recordedLineage,
} from './pipelineConventions';
import {
  columnsOf,
  dependencyOfRefs,
  dependsOnRefs,
  getEntities,
  getTableEntity,
  normaliseEntityRef,
} from './tableEntities';

/** When a table's data last changed, for staleness; null when unknown. @public */
export type LastDataChangeReader = (
  entityRef: string,
  credentials: BackstageCredentials,
) => Promise<string | null>;

/** Parses the `depth` query parameter. */
export function parseDepth(value: unknown): number {
  if (value === undefined || value === '') {
    return LINEAGE_DEPTH.default;
  }
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 1 || depth > LINEAGE_DEPTH.max) {
    throw new InputError(
      `depth must be an integer from 1 to ${LINEAGE_DEPTH.max}, got '${value}'`,
    );
  }
  return depth;
}

/**
 * Builds lineage graphs of table entities.
 *
 * @public
 */
export class LineageService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      /** Which table entities are trusted, and the Glue tables behind them. */
      tables: ProviderTables;
      aws: AwsStatusReader;
      logger: LoggerService;
      lastDataChange?: LastDataChangeReader;
      now?: () => Date;
    },
  ) {}

  async getLineage(
    entityRef: string,
    depth: number,
    credentials: BackstageCredentials,
  ): Promise<LineageResponse> {
    return (await this.build(entityRef, depth, credentials)).graph;
  }

  /** The same facts as OpenLineage run events (the whole reachable lineage, depth 10). */
  async getOpenLineage(
    entityRef: string,
    credentials: BackstageCredentials,
    jobNamespace: string,
  ): Promise<OpenLineageExportResponse> {
    const { graph, entities } = await this.build(
      entityRef,
      LINEAGE_DEPTH.max,
      credentials,
    );
    const tableArns = new Map<string, string>();
    for (const [ref, entity] of entities) {
      const arn = entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.tableArn];
      if (arn) tableArns.set(ref, arn);
    }
    return {
      entityRef: graph.entityRef,
      events: toOpenLineageEvents(graph, {
        jobNamespace,
        tableArns,
        eventTime: this.now().toISOString(),
      }),
    };
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private async build(
    entityRef: string,
    depth: number,
    credentials: BackstageCredentials,
  ) {
    const rootRef = normaliseEntityRef(entityRef);
    const root = await getTableEntity(
      this.options.catalog,
      this.options.tables,
      rootRef,
      credentials,
    );
    const { entities, sourceEntityRefs } = await this.loadNeighbourhood(
      root,
      depth,
      credentials,
    );
    const warnings: string[] = [];
    const facts = await this.readFacts(entities, warnings, credentials);
    facts.sourceEntityRefs = sourceEntityRefs;
    const graph = buildLineageGraph({ rootRef, depth, facts });
    return { graph: { ...graph, warnings }, entities };
  }

  /** Table entities within `depth` hops, read level by level. */
  private async loadNeighbourhood(
    root: Entity,
    depth: number,
    credentials: BackstageCredentials,
  ) {
    const entities = new Map<string, Entity>([
      [normaliseEntityRef(refOf(root)), root],
    ]);
    const sourceEntityRefs = new Map<string, string>();
    const direction = new Map<string, 'up' | 'down' | 'both'>([
      [refOf(root), 'both'],
    ]);
    let frontier = [root];
    // One more level than the depth: the edges of the outermost tables are then known.
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      const wanted = new Map<string, 'up' | 'down'>();
      for (const entity of frontier) {
        const dir = direction.get(refOf(entity))!;
        if (dir !== 'down') {
          for (const ref of dependsOnRefs(entity)) wanted.set(ref, 'up');
        }
        if (dir !== 'up') {
          for (const ref of dependencyOfRefs(entity)) wanted.set(ref, 'down');
        }
      }
      const refs = [...wanted.keys()].filter(r => !entities.has(r));
      const found = await getEntities(this.options.catalog, refs, credentials);
      frontier = [];
      for (const entity of found) {
        const ref = refOf(entity);
        if (this.options.tables.identify(entity)) {
          entities.set(ref, entity);
          direction.set(ref, wanted.get(ref) ?? 'up');
          frontier.push(entity);
        } else if (entity.metadata.name.startsWith('mysql.')) {
          // The MySQL database entity a bronze table depends on (`resource:<ns>/mysql.<source>`).
          sourceEntityRefs.set(
            entity.metadata.name.slice('mysql.'.length),
            ref,
          );
        }
      }
    }
    return { entities, sourceEntityRefs };
  }

  private async readFacts(
    entities: Map<string, Entity>,
    warnings: string[],
    credentials: BackstageCredentials,
  ): Promise<LineageFacts> {
    const { aws } = this.options;
    const warn = (what: string) => (e: unknown) => {
      assertError(e);
      warnings.push(`${what}: ${e.message}`);
      return undefined;
    };
    const tables = new Map<string, LineageTable>();
    const columnFlows = new Map<string, ScriptColumnFlow[]>();
    const landingPrefixes = new Map<string, string>();
    const dmsTasks = new Map<string, string[]>();
    const jobStatus = new Map<string, 'ok' | 'failed'>();
    const staleTables = new Set<string>();

    await Promise.all(
      [...entities.entries()].map(async ([ref, entity]) => {
        const glue = this.options.tables.identify(entity);
        const layer = entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer];
        const table: LineageTable = {
          entityRef: ref,
          name: glue ? `${glue.database}.${glue.table}` : entity.metadata.name,
          layer,
          columns: columnsOf(entity),
          upstream: dependsOnRefs(entity),
          downstream: dependencyOfRefs(entity),
          mysqlUpstream: [],
        };
        tables.set(ref, table);
        if (!glue) return;
        const parameters = await aws
          .tableParameters(glue.database, glue.table)
          .catch(warn(`Glue table ${table.name}`));
        if (!parameters) return;
        const recorded = recordedLineage(parameters);
        table.mysqlUpstream = recorded.mysqlUpstream;
        table.pipeline = recorded.pipeline;
        table.jobName = recorded.pipeline
          ? jobNameFor(recorded.pipeline, layer, glue.table)
          : undefined;
        await Promise.all([
          this.readJobFacts(table, { columnFlows, landingPrefixes, warn }),
          this.readJobStatus(table, jobStatus, warn),
          this.readStaleness(ref, entity, credentials, staleTables, warn),
        ]);
      }),
    );

    const mysqlTables = [...tables.values()].flatMap(t => t.mysqlUpstream);
    if (mysqlTables.length > 0) {
      const tasks = await aws.replicationTasks().catch(warn('DMS tasks'));
      for (const mysql of mysqlTables) {
        dmsTasks.set(
          mysqlTableKey(mysql),
          (tasks ?? []).filter(t => dmsTaskReplicates(t, mysql)).map(t => t.id),
        );
      }
    }
    return {
      tables,
      columnFlows,
      landingPrefixes,
      dmsTasks,
      jobStatus,
      staleTables,
    };
  }

  private async readJobFacts(
    table: LineageTable,
    out: {
      columnFlows: Map<string, ScriptColumnFlow[]>;
      landingPrefixes: Map<string, string>;
      warn: (what: string) => (e: unknown) => undefined;
    },
  ) {
    if (!table.jobName) return;
    const job = await this.options.aws
      .job(table.jobName)
      .catch(out.warn(`Glue job ${table.jobName}`));
    if (!job) return;
    if (table.layer === 'bronze') {
      const landingPath = job.defaultArguments['--landing_path'];
      for (const mysql of landingPath ? table.mysqlUpstream : []) {
        out.landingPrefixes.set(
          mysqlTableKey(mysql),
          landingPrefixFor(landingPath, mysql),
        );
      }
      return;
    }
    if (!job.scriptLocation) return;
    const script = await this.options.aws
      .s3Text(job.scriptLocation)
      .catch(out.warn(`script of ${table.jobName}`));
    if (!script) return;
    const parsed =
      table.layer === 'silver'
        ? silverFlowsFromScript(script)
        : goldFlowsFromScript(script);
    for (const entry of parsed) {
      out.columnFlows.set(entry.target, entry.flows);
    }
  }

  private async readJobStatus(
    table: LineageTable,
    jobStatus: Map<string, 'ok' | 'failed'>,
    warn: (what: string) => (e: unknown) => undefined,
  ) {
    if (!table.jobName) return;
    const runs = await this.options.aws
      .jobRuns(table.jobName)
      .catch(warn(`runs of ${table.jobName}`));
    const latest = runs?.find(r => r.completedOn);
    if (latest) {
      jobStatus.set(
        table.jobName,
        FAILED_JOB_STATES.has(latest.state) ? 'failed' : 'ok',
      );
    }
  }

  private async readStaleness(
    ref: string,
    entity: Entity,
    credentials: BackstageCredentials,
    staleTables: Set<string>,
    warn: (what: string) => (e: unknown) => undefined,
  ) {
    const slaMs = parseFreshnessSla(
      entity.metadata.annotations?.[FRESHNESS_SLA_ANNOTATION],
    );
    const read = this.options.lastDataChange;
    if (!slaMs || !read) return;
    const changed = await read(ref, credentials).catch(
      warn(`freshness of ${ref}`),
    );
    const now = this.now().getTime();
    if (changed === null || (changed && now - Date.parse(changed) > slaMs)) {
      staleTables.add(ref);
    }
  }
}

function refOf(entity: Entity): string {
  return normaliseEntityRef(
    `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
      entity.metadata.name
    }`,
  );
}
