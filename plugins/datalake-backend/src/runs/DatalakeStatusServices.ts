/*
 * Builds the lineage and run status services with one shared AWS reader, so that both routes
 * (and the alert check) share the per-resource cache and its coalescing.
 */
import {
  AuthService,
  CacheService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DatalakeAwsClientFactory,
  readDatalakeAwsConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  LastDataChangeReader,
  LineageService,
} from '../lineage/LineageService';
import { TableMetadataService } from '../tables';
import { AwsStatusReader } from './AwsStatusReader';
import { CoalescingCache } from './CoalescingCache';
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
    /** Who may read run errors and log tails; without it, they are hidden from everyone. */
    runErrors?: RunErrorAuthorizer;
  }): DatalakeStatusServices {
    const { config, logger, cache, catalog, auth } = options;
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
      new CoalescingCache({ cache, logger, ttlMs: runsTtl * 1000 }),
      new CoalescingCache({ cache, logger, ttlMs: lineageTtl * 1000 }),
    );
    const tables = TableMetadataService.create({
      config,
      logger,
      cache,
      catalog,
      auth,
      awsClients: clients,
    });
    const lastDataChange: LastDataChangeReader = async (
      entityRef,
      credentials,
    ) =>
      (await tables.getFreshness(entityRef, { credentials })).lastDataChange
        ?.timestamp ?? null;
    const lineage = new LineageService({
      catalog,
      aws: reader,
      logger,
      lastDataChange,
    });
    const runs = new RunStatusService({
      catalog,
      aws: reader,
      logger,
      region: readDatalakeAwsConfig(config).region,
      runErrors: options.runErrors,
    });
    return new DatalakeStatusServices(
      reader,
      lineage,
      runs,
      lastDataChange,
      config.getOptionalString('datalake.lineage.openLineageNamespace') ??
        STATUS_DEFAULTS.openLineageNamespace,
    );
  }

  private constructor(
    readonly aws: AwsStatusReader,
    readonly lineage: LineageService,
    readonly runs: RunStatusService,
    readonly lastDataChange: LastDataChangeReader,
    readonly openLineageNamespace: string,
  ) {}

  /** The lineage router's options. */
  get routeOptions() {
    return {
      lineage: this.lineage,
      openLineageNamespace: this.openLineageNamespace,
    };
  }
}
