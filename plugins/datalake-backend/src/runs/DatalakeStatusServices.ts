/*
 * Builds the lineage and run status services with one shared AWS reader, so that both routes
 * (and the alert check) share the per-resource cache and its coalescing.
 */
import {
  AuthService,
  CacheService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DatalakeAwsClientFactory,
  ProviderTables,
  readDatalakeAwsConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  LastDataChangeReader,
  LineageService,
} from '../lineage/LineageService';
import { TableMetadataService } from '../tables';
import { AwsStatusReader } from './AwsStatusReader';
import { CacheClaims, cacheClaimsFromConfig } from './cacheClaims';
import { CoalescingCache } from './CoalescingCache';
import { PipelineRunStarter } from './PipelineRunStarter';
import { TableReloader } from './TableReloader';
import { RunErrorAuthorizer } from './runErrorPermission';
import { RunStatusService } from './RunStatusService';

/** Defaults of the `datalake.runs` and `datalake.lineage` settings. @public */
export const STATUS_DEFAULTS = {
  runsCacheTtlSeconds: 60,
  lineageCacheTtlSeconds: 300,
  openLineageNamespace: 'datalake-portal',
} as const;

function positiveSeconds(
  config: RootConfigService,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`${key} must be a positive number, got ${value}`);
  }
  return value;
}

/**
 * The lineage and run status services of the plugin.
 *
 * @public
 */
export class DatalakeStatusServices {
  static create(options: {
    config: RootConfigService;
    logger: LoggerService;
    cache: CacheService;
    catalog: CatalogService;
    auth: AuthService;
    awsClients?: DatalakeAwsClientFactory;
    /** The table entities to trust; built from `config` when absent. */
    tables?: ProviderTables;
    /** Reads tables' freshness for lineage; built from `config` when absent. */
    metadata?: TableMetadataService;
    /** Who may read run errors and log tails; without it, they are hidden from everyone. */
    runErrors?: RunErrorAuthorizer;
    /**
     * Keeps this plugin's cross-instance load claims apart from other users of the cache
     * store; the instances of one deployment share it. Defaults to `datalake`.
     */
    cacheNamespace?: string;
    /** Decides "Run now"; without it, the route that starts pipelines is not served. */
    permissions?: PermissionsService;
  }): DatalakeStatusServices {
    const { config, logger, cache, catalog, auth } = options;
    const claims = cacheClaimsFromConfig({
      ...{ config, cache, logger },
      namespace: options.cacheNamespace ?? 'datalake',
    });
    const runsTtl = positiveSeconds(
      config,
      'datalake.runs.cacheTtlSeconds',
      STATUS_DEFAULTS.runsCacheTtlSeconds,
    );
    const lineageTtl = positiveSeconds(
      config,
      'datalake.lineage.cacheTtlSeconds',
      STATUS_DEFAULTS.lineageCacheTtlSeconds,
    );
    const clients =
      options.awsClients ?? DatalakeAwsClientFactory.fromConfig(config);
    const reader = new AwsStatusReader(
      clients,
      new CoalescingCache({ cache, logger, claims, ttlMs: runsTtl * 1000 }),
      new CoalescingCache({ cache, logger, claims, ttlMs: lineageTtl * 1000 }),
    );
    // Run status, lineage and Run now trust the same table entities as the metadata routes.
    const providerTables = options.tables ?? ProviderTables.fromConfig(config);
    const tables =
      options.metadata ??
      TableMetadataService.create({
        ...{ config, logger, cache, catalog, auth },
        awsClients: clients,
        tables: providerTables,
      });
    const lastDataChange: LastDataChangeReader = async (
      entityRef,
      credentials,
    ) =>
      (await tables.getFreshness(entityRef, { credentials })).lastDataChange
        ?.timestamp ?? null;
    const lineage = new LineageService({
      catalog,
      tables: providerTables,
      aws: reader,
      logger,
      lastDataChange,
    });
    const runs = new RunStatusService({
      catalog,
      tables: providerTables,
      aws: reader,
      logger,
      region: readDatalakeAwsConfig(config).region,
      runErrors: options.runErrors,
    });
    const starter = options.permissions
      ? new PipelineRunStarter({
          ...{ catalog, logger, runs, auth, aws: reader },
          tables: providerTables,
          permissions: options.permissions,
        })
      : undefined;
    const reloader = options.permissions
      ? new TableReloader({
          ...{ catalog, logger, runs, aws: reader },
          tables: providerTables,
          permissions: options.permissions,
        })
      : undefined;
    return new DatalakeStatusServices(
      claims,
      reader,
      lineage,
      runs,
      starter,
      reloader,
      lastDataChange,
      config.getOptionalString('datalake.lineage.openLineageNamespace') ??
        STATUS_DEFAULTS.openLineageNamespace,
    );
  }

  private constructor(
    private readonly claims: CacheClaims,
    readonly aws: AwsStatusReader,
    readonly lineage: LineageService,
    readonly runs: RunStatusService,
    /** "Run now", when the services were given permissions. */
    readonly starter: PipelineRunStarter | undefined,
    /** "Reload", when the services were given permissions. */
    readonly reloader: TableReloader | undefined,
    readonly lastDataChange: LastDataChangeReader,
    readonly openLineageNamespace: string,
  ) {}

  /** Closes the cache store connection the load claims keep open. */
  async close(): Promise<void> {
    await this.claims.close();
  }

  /** The lineage router's options. */
  get routeOptions() {
    return {
      lineage: this.lineage,
      openLineageNamespace: this.openLineageNamespace,
    };
  }
}
