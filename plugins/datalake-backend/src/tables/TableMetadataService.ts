/*
 * Reads the Iceberg metadata of a table entity for the freshness and metadata routes.
 *
 * The S3 location is resolved server-side: the caller names a catalog entity (read with the
 * caller's credentials, so a caller reaches only tables the catalog lets them see, and never
 * names an S3 object), and the table's current `metadata_location` is read from Glue, where
 * every Iceberg commit swaps it. So a snapshot written by a run shows within the cache TTL, not
 * at the catalog's next sync of the entity's `metadata-location` annotation; the annotation is
 * used only while Glue cannot be read. Only table entities a configured Glue provider emitted are
 * read (`ProviderTables`), and metadata files only from the lake's buckets
 * (`readMetadataBuckets`). Parsed
 * metadata is cached per metadata location: Iceberg writes a new file on every commit, so a
 * cached entry is never stale for its location.
 */
import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { assertError, InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DATALAKE_ANNOTATIONS,
  TableFreshnessResponse,
  TableMetadataResponse,
  TableSnapshot,
  TableSnapshotRef,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  currentSnapshot,
  DatalakeAwsClientFactory,
  IcebergMetadataReader,
  IcebergSnapshot,
  IcebergTableMetadata,
  isInBuckets,
  latestDataChange,
  ProviderTable,
  ProviderTables,
  readMetadataBuckets,
} from '@datalake-portal/backstage-plugin-datalake-node';

/** Default of `datalake.freshness.cacheTtlSeconds`. @public */
export const DEFAULT_FRESHNESS_CACHE_TTL_SECONDS = 60;

const CACHE_KEY_PREFIX = 'iceberg-metadata:v1:';
const LOCATION_KEY_PREFIX = 'glue-metadata-location:v1:';

/** What is cached per metadata location. */
interface CachedMetadata {
  readAt: string;
  metadata: IcebergTableMetadata;
}

/** Reads Iceberg metadata, normally from S3. @public */
export interface IcebergMetadataSource {
  read(metadataLocation: string): Promise<IcebergTableMetadata>;
}

/** Options of the table routes' service methods. @public */
export interface TableRequestOptions {
  /**
   * The caller's credentials; catalog permissions apply to them. Without them the plugin's own
   * service credentials are used, for backend-internal callers only.
   */
  credentials?: BackstageCredentials;
}

function readTtlSeconds(config: RootConfigService): number {
  const ttl =
    config.getOptionalNumber('datalake.freshness.cacheTtlSeconds') ??
    DEFAULT_FRESHNESS_CACHE_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new InputError(
      `datalake.freshness.cacheTtlSeconds must be a positive number, got ${ttl}`,
    );
  }
  return ttl;
}

function iso(timestampMs: number): string {
  return new Date(timestampMs).toISOString();
}

function snapshotRef(snapshot: IcebergSnapshot | undefined) {
  if (!snapshot) {
    return null;
  }
  const ref: TableSnapshotRef = {
    snapshotId: snapshot.snapshotId,
    timestamp: iso(snapshot.timestampMs),
    operation: snapshot.operation ?? null,
    addedRecords: snapshot.addedRecords ?? null,
    deletedRecords: snapshot.deletedRecords ?? null,
  };
  return ref;
}

function historyEntry(snapshot: IcebergSnapshot): TableSnapshot {
  return {
    snapshotId: snapshot.snapshotId,
    parentSnapshotId: snapshot.parentSnapshotId ?? null,
    timestamp: iso(snapshot.timestampMs),
    operation: snapshot.operation ?? null,
    addedRecords: snapshot.addedRecords ?? null,
    deletedRecords: snapshot.deletedRecords ?? null,
    totalRecords: snapshot.totalRecords ?? null,
    addedFiles: snapshot.addedDataFiles ?? null,
    totalFilesSize: snapshot.totalFilesSize ?? null,
  };
}

/**
 * Resolves table entities to their Iceberg metadata and answers the freshness and metadata
 * routes.
 *
 * @public
 */
export class TableMetadataService {
  private readonly inFlight = new Map<string, Promise<CachedMetadata>>();

  static create(options: {
    config: RootConfigService;
    logger: LoggerService;
    cache: CacheService;
    catalog: CatalogService;
    auth: AuthService;
    /** Shared AWS clients; built from `config` when absent. */
    awsClients?: DatalakeAwsClientFactory;
    /** Where metadata files are read from; S3 through `awsClients` when absent. */
    metadataSource?: IcebergMetadataSource;
    /** The table entities to trust; built from `config` when absent. */
    tables?: ProviderTables;
  }): TableMetadataService {
    const ttlSeconds = readTtlSeconds(options.config);
    const clients =
      options.awsClients ?? DatalakeAwsClientFactory.fromConfig(options.config);
    const metadataSource =
      options.metadataSource ?? IcebergMetadataReader.create({ clients });
    return new TableMetadataService(
      options.logger,
      options.cache.withOptions({ defaultTtl: ttlSeconds * 1000 }),
      options.catalog,
      options.auth,
      metadataSource,
      clients,
      options.tables ?? ProviderTables.fromConfig(options.config),
      readMetadataBuckets(options.config),
    );
  }

  private constructor(
    private readonly logger: LoggerService,
    private readonly cache: CacheService,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly metadataSource: IcebergMetadataSource,
    private readonly clients: DatalakeAwsClientFactory,
    private readonly tables: ProviderTables,
    private readonly buckets: readonly string[],
  ) {}

  /** When the table's data last changed, from its current Iceberg metadata. */
  async getFreshness(
    entityRef: string,
    options: TableRequestOptions = {},
  ): Promise<TableFreshnessResponse> {
    const table = await this.resolveTable(entityRef, options);
    const { metadata, readAt } = await this.readMetadata(
      table.metadataLocation,
    );
    const current = currentSnapshot(metadata);
    return {
      entityRef: table.entityRef,
      metadataLocation: table.metadataLocation,
      lastDataChange: snapshotRef(latestDataChange(metadata)),
      currentSnapshot: snapshotRef(current),
      totalRecords: current?.totalRecords ?? null,
      totalFilesSize: current?.totalFilesSize ?? null,
      checkedAt: readAt,
    };
  }

  /** Format, schema, partition spec and snapshot history of the table. */
  async getMetadata(
    entityRef: string,
    options: TableRequestOptions = {},
  ): Promise<TableMetadataResponse> {
    const table = await this.resolveTable(entityRef, options);
    const { metadata, readAt } = await this.readMetadata(
      table.metadataLocation,
    );
    return {
      entityRef: table.entityRef,
      metadataLocation: table.metadataLocation,
      formatVersion: metadata.formatVersion,
      currentSnapshotId: metadata.currentSnapshotId ?? null,
      partitionSpec: metadata.partitionSpec.map(f => ({
        sourceColumn: f.sourceColumn ?? null,
        transform: f.transform,
        name: f.name,
      })),
      schema: metadata.schema.map(f => ({
        id: f.id,
        name: f.name,
        type: f.type,
        required: f.required,
        doc: f.doc ?? null,
      })),
      snapshots: metadata.snapshots.map(historyEntry),
      checkedAt: readAt,
    };
  }

  private async resolveTable(
    entityRef: string,
    options: TableRequestOptions,
  ): Promise<{ entityRef: string; metadataLocation: string }> {
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(entityRef));
    } catch (e) {
      assertError(e);
      throw new InputError(`Invalid entity ref '${entityRef}': ${e.message}`);
    }
    const credentials =
      options.credentials ?? (await this.auth.getOwnServiceCredentials());
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    // An entity the caller may not see, and one no configured provider emitted (a registered
    // file claiming a table), are indistinguishable from one that does not exist.
    const glueTable = entity ? this.tables.identify(entity) : undefined;
    if (!entity || !glueTable) {
      throw new NotFoundError(`No data lake table entity ${ref}`);
    }
    const metadataLocation =
      (await this.currentMetadataLocation(glueTable)) ??
      entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.metadataLocation];
    if (!metadataLocation) {
      throw new NotFoundError(
        `${ref} has no ${DATALAKE_ANNOTATIONS.metadataLocation} annotation: it is not an Iceberg table, or the catalog has not synced it since it was created`,
      );
    }
    if (!isInBuckets(metadataLocation, this.buckets)) {
      throw new NotFoundError(
        `The Iceberg metadata of ${ref} is outside the lake's buckets (datalake.tables.metadataBuckets); it is not read`,
      );
    }
    return { entityRef: ref, metadataLocation };
  }

  /**
   * The table's current metadata file, from its Glue parameters (cached for the TTL). Undefined
   * while Glue cannot be read, so the page still shows what the catalog last synced.
   */
  private async currentMetadataLocation(
    table: ProviderTable,
  ): Promise<string | undefined> {
    const key = `${LOCATION_KEY_PREFIX}${table.database}.${table.table}`;
    try {
      const cached = await this.cache.get<string>(key);
      if (cached) return cached;
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not read the metadata cache: ${e.message}`);
    }
    let location: string | undefined;
    try {
      const glue = await this.clients.glue();
      const { Table } = await glue.send(
        new GetTableCommand({
          CatalogId: table.catalogId,
          DatabaseName: table.database,
          Name: table.table,
        }),
      );
      location = Table?.Parameters?.metadata_location;
    } catch (e) {
      assertError(e);
      if (e.name === 'EntityNotFoundException') {
        throw new NotFoundError(
          `Glue has no table ${table.database}.${table.table}`,
        );
      }
      this.logger.warn(
        `Could not read ${table.database}.${table.table} from Glue (${e.message}); using the catalog's metadata location`,
      );
      return undefined;
    }
    if (location) {
      await this.cache.set(key, location).catch(() => {});
    }
    return location;
  }

  private async readMetadata(
    metadataLocation: string,
  ): Promise<CachedMetadata> {
    const key = `${CACHE_KEY_PREFIX}${metadataLocation}`;
    const cached = await this.cacheGet(key);
    if (cached) {
      return cached;
    }
    // Concurrent requests for the same table share one S3 read.
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.readAndCache(key, metadataLocation).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async readAndCache(
    key: string,
    metadataLocation: string,
  ): Promise<CachedMetadata> {
    this.logger.debug(`Reading Iceberg metadata ${metadataLocation}`);
    const entry: CachedMetadata = {
      readAt: new Date().toISOString(),
      metadata: await this.metadataSource.read(metadataLocation),
    };
    try {
      await this.cache.set(key, JSON.stringify(entry));
    } catch (e) {
      // The answer is correct without the cache; an unavailable cache store only costs reads.
      assertError(e);
      this.logger.warn(`Could not cache ${metadataLocation}: ${e.message}`);
    }
    return entry;
  }

  private async cacheGet(key: string): Promise<CachedMetadata | undefined> {
    try {
      const value = await this.cache.get<string>(key);
      return value ? (JSON.parse(value) as CachedMetadata) : undefined;
    } catch (e) {
      assertError(e);
      this.logger.warn(`Could not read the metadata cache: ${e.message}`);
      return undefined;
    }
  }
}
