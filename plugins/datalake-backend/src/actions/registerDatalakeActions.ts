/*
 * The data lake in Backstage's actions registry, so that AI agents reach it through the MCP
 * actions backend (or any other client of the actions service). Every action runs with the
 * caller's own credentials through the same services as the REST routes: the catalog shows them
 * only what they may see, access requests and Run now ask the same permissions, validate the same
 * way and write the same audit log. Approving, rejecting and revoking are not actions: access
 * decisions stay with people.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DATALAKE_ANNOTATIONS,
  LINEAGE_DEPTH,
  TABLE_ENTITY_TYPES,
  TableColumn,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { ProviderTables } from '@datalake-portal/backstage-plugin-datalake-node';
import { AccessRequestService } from '../access/AccessRequestService';
import { LineageService } from '../lineage/LineageService';
import { PipelineRunStarter } from '../runs/PipelineRunStarter';
import { RunStatusService } from '../runs/RunStatusService';
import { TableMetadataService } from '../tables/TableMetadataService';

/** At most this many tables answer a search. */
const MAX_FOUND = 50;
const PAGE = 500;

/** What the actions use: the services the REST routes use. */
export type DatalakeActionServices = {
  catalog: CatalogService;
  tables: ProviderTables;
  metadata: TableMetadataService;
  lineage: LineageService;
  runs: RunStatusService;
  access: AccessRequestService;
  starter?: PipelineRunStarter;
};

function columnsOf(entity: Entity): TableColumn[] {
  const columns = entity.spec?.columns;
  return Array.isArray(columns) ? (columns as TableColumn[]) : [];
}

function userCredentials(
  credentials: BackstageCredentials,
): BackstageCredentials<BackstageUserPrincipal> {
  if ((credentials.principal as { type?: string }).type !== 'user') {
    throw new NotAllowedError('This action is for signed-in users');
  }
  return credentials as BackstageCredentials<BackstageUserPrincipal>;
}

/** Every table entity the caller may see that a configured provider emitted. */
async function visibleTables(
  services: DatalakeActionServices,
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const found: Entity[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.catalog.queryEntities(
      cursor
        ? { cursor, limit: PAGE }
        : {
            filter: {
              kind: 'resource',
              'spec.type': Object.values(TABLE_ENTITY_TYPES),
            },
            limit: PAGE,
          },
      { credentials },
    );
    found.push(...page.items.filter(e => services.tables.identify(e)));
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return found;
}

/** The fields of `tableSummary`, for output schemas. */
const tableSummaryFields = (z: any) => ({
  entityRef: z.string(),
  name: z.string(),
  layer: z.string().nullable(),
  owner: z.string().nullable(),
  description: z.string().nullable(),
});

const tableSummary = (entity: Entity) => ({
  entityRef: stringifyEntityRef(entity),
  name: entity.metadata.title ?? entity.metadata.name,
  layer: entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer] ?? null,
  owner: typeof entity.spec?.owner === 'string' ? entity.spec.owner : null,
  description: entity.metadata.description ?? null,
});

/**
 * Registers the data lake's actions.
 *
 * @public
 */
export function registerDatalakeActions(
  registry: ActionsRegistryService,
  services: DatalakeActionServices,
): void {
  registry.register({
    name: 'find-tables',
    title: 'Find data lake tables by column',
    description:
      'Finds the data lake tables (Iceberg tables in Glue, layers bronze, silver and gold) that you may see, with a column whose name or comment contains the given text (case-insensitive). Use it to discover where a field lives, e.g. "rental_date" or "email". Answers at most 50 tables with their matching columns; use describe-table for the rest of a table.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          text: z
            .string()
            .min(2)
            .max(200)
            .describe('Text to look for in column names and comments'),
          layer: z
            .enum(['bronze', 'silver', 'gold'])
            .optional()
            .describe('Only tables of this layer'),
        }),
      output: z =>
        z.object({
          tables: z.array(
            z.object({
              ...tableSummaryFields(z),
              columns: z.array(
                z.object({
                  name: z.string(),
                  type: z.string(),
                  comment: z.string().nullable(),
                }),
              ),
            }),
          ),
          truncated: z.boolean(),
        }),
    },
    action: async ({ input, credentials }) => {
      const needle = input.text.toLocaleLowerCase('en-US');
      const matches = (await visibleTables(services, credentials))
        .filter(
          e =>
            !input.layer ||
            e.metadata.annotations?.[DATALAKE_ANNOTATIONS.layer] ===
              input.layer,
        )
        .map(e => ({
          ...tableSummary(e),
          columns: columnsOf(e)
            .filter(
              c =>
                c.name.toLocaleLowerCase('en-US').includes(needle) ||
                (c.comment ?? '').toLocaleLowerCase('en-US').includes(needle),
            )
            .map(c => ({
              name: c.name,
              type: c.type,
              comment: c.comment ?? null,
            })),
        }))
        .filter(t => t.columns.length > 0)
        .sort((a, b) => a.name.localeCompare(b.name));
      return {
        output: {
          tables: matches.slice(0, MAX_FOUND),
          truncated: matches.length > MAX_FOUND,
        },
      };
    },
  });

  registry.register({
    name: 'describe-table',
    title: 'Describe a data lake table',
    description:
      'Describes one data lake table you may see: its layer, owner, columns with types and comments, when its data last changed, its row count, and its latest Iceberg snapshots. Takes the table entity ref from find-tables, e.g. resource:default/sakila_silver.rental.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe('The table entity ref'),
          snapshots: z
            .number()
            .int()
            .min(0)
            .max(50)
            .optional()
            .describe('How many of the latest snapshots to list (default 5)'),
        }),
      output: z =>
        z.object({
          ...tableSummaryFields(z),
          columns: z.array(
            z.object({
              name: z.string(),
              type: z.string(),
              nullable: z.boolean(),
              comment: z.string().nullable(),
            }),
          ),
          lastDataChange: z.string().nullable(),
          totalRecords: z.number().nullable(),
          snapshots: z.array(
            z.object({
              snapshotId: z.string(),
              timestamp: z.string(),
              operation: z.string().nullable(),
              addedRecords: z.number().nullable(),
              totalRecords: z.number().nullable(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      // These refuse (404) a table the caller may not see, or no configured provider emitted.
      const [freshness, metadata] = await Promise.all([
        services.metadata.getFreshness(input.entityRef, { credentials }),
        services.metadata.getMetadata(input.entityRef, { credentials }),
      ]);
      const entity = await services.catalog.getEntityByRef(
        freshness.entityRef,
        { credentials },
      );
      if (!entity) {
        throw new NotFoundError(`No data lake table entity ${input.entityRef}`);
      }
      return {
        output: {
          ...tableSummary(entity),
          columns: columnsOf(entity).map(c => ({
            name: c.name,
            type: c.type,
            nullable: c.nullable,
            comment: c.comment ?? null,
          })),
          lastDataChange: freshness.lastDataChange?.timestamp ?? null,
          totalRecords: freshness.totalRecords,
          snapshots: metadata.snapshots
            .slice(0, input.snapshots ?? 5)
            .map(s => ({
              snapshotId: s.snapshotId,
              timestamp: s.timestamp,
              operation: s.operation,
              addedRecords: s.addedRecords,
              totalRecords: s.totalRecords,
            })),
        },
      };
    },
  });

  registry.register({
    name: 'get-table-lineage',
    title: 'Lineage of a data lake table',
    description:
      'The lineage of a data lake table: the tables, Glue jobs, DMS task and MySQL source tables upstream of it and the tables downstream, to the given depth. Each node has a distance (negative upstream, positive downstream). Use it to answer "where does this gold table come from" down to MySQL.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe('The table entity ref'),
          depth: z
            .number()
            .int()
            .min(1)
            .max(LINEAGE_DEPTH.max)
            .optional()
            .describe(`Hops each way (default ${LINEAGE_DEPTH.default})`),
          direction: z
            .enum(['upstream', 'downstream', 'both'])
            .optional()
            .describe('Which side of the table to return (default both)'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          nodes: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              label: z.string(),
              layer: z.string(),
              distance: z.number(),
              entityRef: z.string().nullable(),
              status: z.string().nullable(),
            }),
          ),
          edges: z.array(z.object({ from: z.string(), to: z.string() })),
          warnings: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => {
      const graph = await services.lineage.getLineage(
        input.entityRef,
        input.depth ?? LINEAGE_DEPTH.default,
        credentials,
      );
      const keep = (distance: number) => {
        if (input.direction === 'upstream') return distance <= 0;
        if (input.direction === 'downstream') return distance >= 0;
        return true;
      };
      const nodes = graph.nodes.filter(n => keep(n.distance));
      const ids = new Set(nodes.map(n => n.id));
      return {
        output: {
          entityRef: graph.entityRef,
          nodes: nodes.map(n => ({
            id: n.id,
            kind: n.kind,
            label: n.label,
            layer: n.layer,
            distance: n.distance,
            entityRef: n.entityRef ?? null,
            status: n.status ?? null,
          })),
          edges: graph.edges
            .filter(e => ids.has(e.from) && ids.has(e.to))
            .map(e => ({ from: e.from, to: e.to })),
          warnings: graph.warnings,
        },
      };
    },
  });

  registry.register({
    name: 'get-table-runs',
    title: 'Run status of a data lake table',
    description:
      "The latest Glue job runs and Step Functions executions that wrote a data lake table and its upstream tables, and the state of their DMS replication task: status, start, duration, and the error of failed runs when you may read the table's data (others see that a run failed, not its error).",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe('The table entity ref'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(50)
            .optional()
            .describe('How many runs (default 10)'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          dms: z.array(
            z.object({
              taskId: z.string(),
              status: z.string(),
              lastFailureMessage: z.string().nullable(),
            }),
          ),
          runs: z.array(
            z.object({
              source: z.string(),
              name: z.string(),
              status: z.string(),
              startedAt: z.string(),
              durationSeconds: z.number().nullable(),
              error: z.string().nullable(),
              errorHidden: z.boolean(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const runs = await services.runs.getRuns(
        input.entityRef,
        { limit: input.limit ?? 10 },
        credentials,
      );
      return {
        output: {
          entityRef: runs.entityRef,
          dms: runs.dms.map(t => ({
            taskId: t.taskId,
            status: t.status,
            lastFailureMessage: t.lastFailureMessage,
          })),
          runs: runs.runs.map(r => ({
            source: r.source,
            name: r.name,
            status: r.status,
            startedAt: r.startedAt,
            durationSeconds: r.durationSeconds,
            error: r.error,
            errorHidden: !!r.errorHidden,
          })),
        },
      };
    },
  });

  const requestSummary = (z: any) =>
    z.object({
      id: z.string(),
      entityRef: z.string(),
      table: z.string(),
      status: z.string(),
      scope: z.string(),
      permissions: z.array(z.string()),
      principal: z.string(),
      principalSharedBy: z.string().nullable(),
      expiresAt: z.string().nullable(),
      statusReason: z.string().nullable(),
    });
  const summarize = (r: Awaited<ReturnType<AccessRequestService['get']>>) => ({
    id: r.id,
    entityRef: r.entityRef,
    table: `${r.database}.${r.table}`,
    status: r.status,
    scope: r.scope.columns
      ? `columns ${r.scope.columns.join(', ')}`
      : `all columns${
          r.scope.excludeColumns?.length
            ? ` except ${r.scope.excludeColumns.join(', ')}`
            : ''
        }${r.scope.rowFilter ? `; rows where ${r.scope.rowFilter}` : ''}`,
    permissions: r.permissions,
    principal: r.principal,
    principalSharedBy: r.principalSharedBy ?? null,
    expiresAt: r.expiresAt ?? null,
    statusReason: r.statusReason ?? null,
  });

  registry.register({
    name: 'list-my-access-requests',
    title: 'My data lake access requests',
    description:
      'Lists the access requests you made, newest first, with their status (pending, approved, granted, rejected, revoked, expired, failed), scope and expiry.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z => z.object({ requests: z.array(requestSummary(z)) }),
    },
    action: async ({ credentials }) => {
      const requests = await services.access.list(
        { view: 'mine' },
        userCredentials(credentials),
      );
      return { output: { requests: requests.map(summarize) } };
    },
  });

  registry.register({
    name: 'request-table-access',
    title: 'Request access to a data lake table',
    description:
      "Asks the table's owners for read access to some or all columns of a data lake table, for a number of days, with a justification they will read. Creates a pending request; it grants nothing by itself: an owner approves or rejects it in Backstage, and you can follow it with list-my-access-requests. Ask only for the columns the task needs.",
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe('The table entity ref'),
          columns: z
            .array(z.string())
            .min(1)
            .optional()
            .describe('The columns to read; every column when absent'),
          justification: z
            .string()
            .min(1)
            .max(2000)
            .describe('Why the access is needed, for the owners'),
          durationDays: z
            .number()
            .int()
            .min(1)
            .describe('For how many days (the portal caps it)'),
          rowFilter: z
            .string()
            .max(2048)
            .optional()
            .describe('Only rows matching this condition, e.g. store_id = 1'),
        }),
      output: z => requestSummary(z),
    },
    action: async ({ input, credentials }) => {
      const created = await services.access.create(
        {
          entityRef: input.entityRef,
          columns: input.columns,
          rowFilter: input.rowFilter,
          permissions: ['SELECT'],
          justification: input.justification,
          durationDays: input.durationDays,
        },
        userCredentials(credentials),
      );
      return { output: summarize(created) };
    },
  });

  if (services.starter) {
    const starter = services.starter;
    registry.register({
      name: 'run-pipeline-now',
      title: 'Run the pipeline of a data lake table now',
      description:
        "Starts, outside its schedule, the Step Functions pipeline that writes a data lake table, or the pipeline of a data-pipeline component (`component:default/<source>-ingestion`): DMS's latest files are merged into bronze, silver and gold. For the table's owners and admins only (for a pipeline, of every table it writes); refused while the pipeline is already running. Follow the run with get-table-runs.",
      attributes: { readOnly: false, destructive: false, idempotent: false },
      schema: {
        input: z =>
          z.object({
            entityRef: z
              .string()
              .describe('The table entity ref, or a data-pipeline component'),
          }),
        output: z =>
          z.object({
            entityRef: z.string(),
            pipeline: z.string(),
            executionArn: z.string(),
            startedAt: z.string().nullable(),
          }),
      },
      action: async ({ input, credentials }) => {
        const started = await starter.start(
          input.entityRef,
          userCredentials(credentials),
        );
        return {
          output: {
            entityRef: started.entityRef,
            pipeline: started.pipeline,
            executionArn: started.executionArn,
            startedAt: started.startedAt,
          },
        };
      },
    });
  }
}
