/*
 * Which Glue table a table entity stands for, decided on the server. A table entity's annotations
 * are only as trustworthy as whoever wrote the entity: anyone may register a catalog-info.yaml
 * that claims any ARN, owner or columns. So the backend accepts only entities that a Glue catalog
 * provider of its own config emitted (their location annotations, which the catalog sets itself
 * for file and URL entities, name that provider), in that provider's namespace, and rebuilds the
 * table ARN from the provider's region and account rather than reading it.
 */
import { Config } from '@backstage/config';
import {
  DATALAKE_ANNOTATIONS,
  providerIdOf,
  TABLE_ENTITY_TYPES,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { DatalakeProviderConfig, readProviderConfigs } from './providerConfig';

/**
 * A Glue table behind a provider-emitted table entity.
 *
 * @public
 */
export type ProviderTable = {
  providerId: string;
  database: string;
  table: string;
  region: string;
  /** The account of the provider's config; absent when it reads the credentials' own account. */
  catalogId?: string;
  tableArn: string;
};

/** The parts of a Glue table ARN, as the provider writes it. */
const TABLE_ARN =
  /^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):table\/([^/]+)\/([^/]+)$/;

/** What is needed of an entity: the shape of `@backstage/catalog-model`'s `Entity`. */
type EntityLike = {
  kind: string;
  metadata: {
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
};

/**
 * The table entities the backend trusts, and the Glue tables behind them.
 *
 * @public
 */
export class ProviderTables {
  static fromConfig(config: Config): ProviderTables {
    return new ProviderTables(readProviderConfigs(config));
  }

  constructor(
    private readonly providers: ReadonlyArray<
      Pick<DatalakeProviderConfig, 'id' | 'namespace' | 'region' | 'accountId'>
    >,
  ) {}

  /**
   * The Glue table of an entity one of the configured providers emitted; `undefined` for any
   * other entity (a registered file, another provider, a non-table, an ARN outside the provider's
   * region or account).
   */
  identify(entity: EntityLike): ProviderTable | undefined {
    if (
      entity.kind.toLocaleLowerCase('en-US') !== 'resource' ||
      !(Object.values(TABLE_ENTITY_TYPES) as unknown[]).includes(
        entity.spec?.type,
      )
    ) {
      return undefined;
    }
    const providerId = providerIdOf(entity);
    const provider = this.providers.find(p => p.id === providerId);
    if (
      !provider ||
      (entity.metadata.namespace ?? 'default') !== provider.namespace
    ) {
      return undefined;
    }
    const annotations = entity.metadata.annotations ?? {};
    const arn = TABLE_ARN.exec(
      annotations[DATALAKE_ANNOTATIONS.tableArn] ?? '',
    );
    if (!arn) return undefined;
    const [, region, account, database, table] = arn;
    if (
      region !== provider.region ||
      (provider.accountId !== undefined && account !== provider.accountId) ||
      annotations[DATALAKE_ANNOTATIONS.database] !== database
    ) {
      return undefined;
    }
    return {
      providerId: provider.id,
      database,
      table,
      region: provider.region,
      ...(provider.accountId ? { catalogId: provider.accountId } : {}),
      tableArn: `arn:aws:glue:${provider.region}:${
        provider.accountId ?? account
      }:table/${database}/${table}`,
    };
  }
}
