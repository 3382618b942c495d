import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  EntityPolicy,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { assertError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { providerLocation } from '@datalake-portal/backstage-plugin-datalake-common';
import { DatalakeProviderConfig } from '@datalake-portal/backstage-plugin-datalake-node';
import { databaseEntity, EntitySource, tableEntity } from './glueEntities';
import { readGlueCatalog } from './readGlueCatalog';

/** The AWS clients one provider reads through. @public */
export interface DatalakeProviderClients {
  glue: GlueClient;
  lakeFormation?: LakeFormationClient;
  /** The account the clients act in, for ARNs when Glue does not name it. */
  accountId?: string;
}

/** Counts the entities the catalog holds from a location key; for the removal guard. */
export type ManagedEntityCounter = (locationKey: string) => Promise<number>;

/** What one sync did; returned for tests and benchmarks. @public */
export interface DatalakeSyncResult {
  applied: boolean;
  databases: number;
  tables: number;
  invalid: number;
  /**
   * Milliseconds spent reading Glue (table entities are made and checked as pages arrive), making
   * the database entities, and applying the mutation.
   */
  readMs: number;
  buildMs: number;
  applyMs: number;
  reason?: string;
}

const entityPolicy: EntityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/**
 * Syncs the Glue databases and tables of one account and region into the catalog, as `Resource`
 * entities, with a full mutation under the provider's location key.
 *
 * Guards: an empty answer, a failed read, or a sync that would remove more than the configured
 * share of the provider's entities changes nothing and is logged.
 *
 * @public
 */
export class DatalakeEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private lastCount?: number;

  constructor(
    private readonly config: DatalakeProviderConfig,
    private readonly clients: DatalakeProviderClients,
    private readonly logger: LoggerService,
    private readonly taskRunner: SchedulerServiceTaskRunner,
    private readonly countManagedEntities: ManagedEntityCounter,
  ) {}

  getProviderName(): string {
    return `datalake-provider:${this.config.id}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.taskRunner.run({
      id,
      fn: async () => {
        const logger = this.logger.child({
          class: 'DatalakeEntityProvider',
          taskId: id,
        });
        try {
          await this.refresh(logger);
        } catch (error) {
          assertError(error);
          logger.error(
            `Glue catalog sync of ${this.config.id} failed; entities left unchanged: ${error.message}`,
          );
        }
      },
    });
  }

  /** Reads Glue and applies the result; rejects when the read fails. */
  async refresh(
    logger: LoggerService = this.logger,
  ): Promise<DatalakeSyncResult> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected`);
    }
    const locationKey = providerLocation(this.config.id);
    const source: EntitySource = {
      providerId: this.config.id,
      namespace: this.config.namespace,
      accountId: this.config.accountId ?? this.clients.accountId ?? '',
      region: this.config.region,
    };
    const entities: Entity[] = [];
    let invalid = 0;
    let tables = 0;
    const keep = async (entity: Entity) => {
      try {
        await entityPolicy.enforce(entity);
        entities.push(entity);
      } catch (error) {
        assertError(error);
        invalid += 1;
        logger.warn(
          `Skipping ${stringifyEntityRef(entity)}: not a valid entity: ${
            error.message
          }`,
        );
      }
    };

    // Table entities are made as the pages arrive, while other pages are still in flight.
    const started = Date.now();
    const snapshot = await readGlueCatalog(
      this.clients,
      this.config,
      async (database, page) => {
        for (const table of page) {
          tables += 1;
          await keep(
            tableEntity(
              table,
              database,
              source,
              this.config.owner.tableParameter,
            ),
          );
        }
      },
    );
    const readMs = Date.now() - started;
    const buildStarted = Date.now();
    for (const database of snapshot.databases) {
      await keep(databaseEntity(database, source));
    }
    const result = {
      databases: snapshot.databases.length,
      tables,
      invalid,
      readMs,
      buildMs: Date.now() - buildStarted,
      applyMs: 0,
    };

    if (entities.length === 0) {
      const reason = 'Glue answered with no databases or tables';
      logger.warn(`${reason}; keeping the existing entities`);
      return { applied: false, reason, ...result };
    }
    const previous =
      this.lastCount ?? (await this.countManagedEntities(locationKey));
    const removalShare =
      previous > 0 ? (previous - entities.length) / previous : 0;
    if (removalShare > this.config.maxRemovalShare) {
      const reason = `the sync would remove ${
        previous - entities.length
      } of ${previous} entities (${Math.round(
        removalShare * 100,
      )}%), more than maxRemovalShare ${this.config.maxRemovalShare}`;
      logger.error(`Refusing to apply: ${reason}`);
      return { applied: false, reason, ...result };
    }

    const applyStarted = Date.now();
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey })),
    });
    this.lastCount = entities.length;
    result.applyMs = Date.now() - applyStarted;
    logger.info(
      `Synced ${result.databases} Glue databases and ${tables} tables into the catalog (read ${readMs} ms, built ${result.buildMs} ms, applied ${result.applyMs} ms)`,
    );
    return { applied: true, ...result };
  }
}
