import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Glue Data Catalog providers, one per id: each syncs the Glue databases and tables of one
       * AWS account and region into the catalog.
       */
      datalake?: {
        [providerId: string]: {
          /**
           * The AWS account to read; its credentials come from `aws.accounts`. Defaults to the
           * main account of `@backstage/integration-aws-node`.
           * @visibility backend
           */
          accountId?: string;
          /**
           * The region; defaults to `datalake.aws.region`.
           * @visibility backend
           */
          region?: string;
          /**
           * The catalog namespace of this provider's entities. Providers of different accounts
           * or regions must use different namespaces, so that entity names stay unique.
           */
          namespace?: string;
          /** Which Glue databases to sync: regular expressions matched against the whole name. */
          databases?: {
            include?: string[];
            exclude?: string[];
          };
          /**
           * How a database's layer is found: the first rule whose `databasePattern` matches;
           * otherwise the database parameter named by `layerParameter`.
           */
          layers?: {
            rules?: Array<{ layer: string; databasePattern: string }>;
            /** Database parameter holding the layer. Default `datalake.layer`. */
            databaseParameter?: string;
          };
          /**
           * How a table's owner is found, in this order: the table parameter, the LF-Tag on the
           * table's database, the database parameter, the fallback.
           */
          owner?: {
            /** Table parameter holding the owner entity ref. Default `datalake.owner`. */
            tableParameter?: string;
            /** Database parameter holding the owner. Default `datalake.owner`. */
            databaseParameter?: string;
            /**
             * An LF-Tag key whose value on the database names the owner; costs one Lake
             * Formation call per database and sync.
             */
            lfTagKey?: string;
            /** The owner when no rule applies. Default `group:default/data-platform`. */
            fallback?: string;
          };
          /** How many databases are read at once. Default 8. */
          concurrency?: number;
          /**
           * A sync that would remove more than this share of the provider's entities is refused
           * and logged. Default 0.5.
           */
          maxRemovalShare?: number;
          /** The sync schedule. Default every 30 minutes, with a 10 minute timeout. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
