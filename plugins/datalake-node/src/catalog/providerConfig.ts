import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DATALAKE_TABLE_PARAMETERS } from '@datalake-portal/backstage-plugin-datalake-common';

/** The settings of one Glue catalog provider. @public */
export interface DatalakeProviderConfig {
  id: string;
  accountId?: string;
  region: string;
  namespace: string;
  databases: { include: RegExp[]; exclude: RegExp[] };
  layers: {
    rules: Array<{ layer: string; databasePattern: RegExp }>;
    databaseParameter: string;
  };
  owner: {
    tableParameter: string;
    databaseParameter: string;
    lfTagKey?: string;
    fallback: string;
  };
  concurrency: number;
  maxRemovalShare: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 5 },
};

function wholeNamePattern(pattern: string, key: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new InputError(`${key}: invalid regular expression ${pattern}`);
  }
}

/** Reads every `catalog.providers.datalake.<id>` block. @public */
export function readProviderConfigs(config: Config): DatalakeProviderConfig[] {
  const root = config.getOptionalConfig('catalog.providers.datalake');
  if (!root) {
    return [];
  }
  const defaultRegion =
    config.getOptionalString('datalake.aws.region') ?? 'us-east-1';
  const ids = root.keys();
  const configs = ids.map(id => {
    const c = root.getConfig(id);
    const key = `catalog.providers.datalake.${id}`;
    const patterns = (name: string) =>
      (c.getOptionalStringArray(name) ?? []).map(p =>
        wholeNamePattern(p, `${key}.${name}`),
      );
    const concurrency = c.getOptionalNumber('concurrency') ?? 8;
    const maxRemovalShare = c.getOptionalNumber('maxRemovalShare') ?? 0.5;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputError(`${key}.concurrency must be a positive integer`);
    }
    if (!(maxRemovalShare >= 0 && maxRemovalShare <= 1)) {
      throw new InputError(`${key}.maxRemovalShare must be between 0 and 1`);
    }
    return {
      id,
      accountId: c.getOptionalString('accountId'),
      region: c.getOptionalString('region') ?? defaultRegion,
      namespace: c.getOptionalString('namespace') ?? DEFAULT_NAMESPACE,
      databases: {
        include: patterns('databases.include'),
        exclude: patterns('databases.exclude'),
      },
      layers: {
        rules: (c.getOptionalConfigArray('layers.rules') ?? []).map(rule => ({
          layer: rule.getString('layer'),
          databasePattern: wholeNamePattern(
            rule.getString('databasePattern'),
            `${key}.layers.rules`,
          ),
        })),
        databaseParameter:
          c.getOptionalString('layers.databaseParameter') ??
          DATALAKE_TABLE_PARAMETERS.layer,
      },
      owner: {
        tableParameter:
          c.getOptionalString('owner.tableParameter') ??
          DATALAKE_TABLE_PARAMETERS.owner,
        databaseParameter:
          c.getOptionalString('owner.databaseParameter') ??
          DATALAKE_TABLE_PARAMETERS.owner,
        lfTagKey: c.getOptionalString('owner.lfTagKey'),
        fallback:
          c.getOptionalString('owner.fallback') ??
          'group:default/data-platform',
      },
      concurrency,
      maxRemovalShare,
      schedule: c.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            c.getConfig('schedule'),
          )
        : DEFAULT_SCHEDULE,
    };
  });

  const byNamespace = new Map<string, string>();
  for (const provider of configs) {
    const other = byNamespace.get(provider.namespace);
    if (other) {
      throw new InputError(
        `catalog.providers.datalake.${provider.id} and .${other} both write to namespace '${provider.namespace}'; give each provider its own namespace so that table entity names stay unique`,
      );
    }
    byNamespace.set(provider.namespace, provider.id);
  }
  return configs;
}
