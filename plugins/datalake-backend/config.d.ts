export interface Config {
  datalake?: {
    freshness?: {
      /** Seconds that parsed Iceberg metadata stays cached; default 60. */
      cacheTtlSeconds?: number;
    };
    tables?: {
      /**
       * The only S3 buckets Iceberg metadata files are read from (freshness, snapshots, schema).
       * Defaults to the layer buckets of `datalake.pipeline.layers` (`datalake-bronze`,
       * `datalake-silver`, `datalake-gold` when unset). Table entities are trusted only when a
       * Glue provider of `catalog.providers.datalake` emitted them.
       */
      metadataBuckets?: string[];
    };
    /**
     * The MySQL (or MariaDB, Aurora MySQL) databases that can be onboarded into the lake. Routes,
     * templates and scaffolder actions refer to a source by its id only.
     */
    sources?: Array<{
      /** Lower-case letters, digits and hyphens; becomes part of DMS resource names. */
      id: string;
      title?: string;
      /** Entity ref of the owning group, e.g. `group:default/data-platform`. */
      owner: string;
      /** @visibility backend */
      host: string;
      /**
       * Defaults to 3306.
       * @visibility backend
       */
      port?: number;
      database: string;
      /** @visibility backend */
      user: string;
      /**
       * Password for connections from the backend itself (inspection, local development).
       * @visibility secret
       */
      password?: string;
      /**
       * ARN of the Secrets Manager secret DMS reads the credentials from in AWS.
       * @visibility backend
       */
      secretArn?: string;
      /**
       * Role DMS assumes to read `secretArn`.
       * @visibility backend
       */
      secretsManagerAccessRoleArn?: string;
      /** Connect timeout for inspections in milliseconds; defaults to 5000. */
      connectTimeoutMs?: number;
      /**
       * How DMS runs for this source: on a replication instance (`replicationInstanceArn`, or
       * `replicationInstanceIdentifier` resolved to its ARN with DescribeReplicationInstances), or
       * `serverless`. Set exactly one.
       * @visibility backend
       */
      dms?: {
        /** @visibility backend */
        replicationInstanceArn?: string;
        /** @visibility backend */
        replicationInstanceIdentifier?: string;
        /** @visibility backend */
        serverless?: {
          subnetGroupId: string;
          securityGroupIds: string[];
          /** One of 1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384. */
          maxCapacityUnits: number;
        };
      };
    }>;
    /** Access requests that become Lake Formation grants. */
    access?: {
      /** The longest access a request may ask for, in days. Defaults to 90. */
      maxDurationDays?: number;
      /**
       * Who is granted in AWS for a Backstage identity: a user's own entry wins, then the first
       * entry of a group the user belongs to, then `defaultPrincipal`.
       * @visibility backend
       */
      principals?: Array<{
        /** A user or group entity ref, e.g. `group:default/analysts`. */
        entityRef: string;
        /** An IAM role or user ARN, or an Identity Center user or group ARN. */
        principal: string;
      }>;
      /**
       * A principal pattern with `{namespace}` and `{name}` of the requesting user.
       * @visibility backend
       */
      defaultPrincipal?: string;
      /** Days before expiry at which the requester is told. Defaults to 2. */
      expiryNoticeDays?: number;
      /** Seconds a node holds an approved grant before the reconcile job retries it. Defaults to 300. */
      grantLeaseSeconds?: number;
      reconcile?: {
        /** Revoke grants to our principals that no request accounts for. Defaults to false. */
        revokeUnmanagedGrants?: boolean;
        /** Defaults to every 5 minutes. */
        schedule?: import('@backstage/backend-plugin-api').SchedulerServiceTaskScheduleDefinitionConfig;
      };
      expiry?: {
        /** Defaults to every minute. */
        schedule?: import('@backstage/backend-plugin-api').SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
    /** The run status route (`/v1/runs`). */
    runs?: {
      /**
       * Seconds a job's runs, a state machine's executions or a DMS task's statistics are cached
       * (per AWS resource, shared by all viewers and, with Redis, all instances). Defaults to 60.
       */
      cacheTtlSeconds?: number;
    };
    /** The lineage routes (`/v1/lineage`). */
    lineage?: {
      /** Seconds table parameters, job definitions and scripts are cached. Defaults to 300. */
      cacheTtlSeconds?: number;
      /** Namespace of the OpenLineage jobs. Defaults to `datalake-portal`. */
      openLineageNamespace?: string;
    };
    /** Notifications about failed pipeline executions and tables past their freshness SLA. */
    alerts?: {
      /** Defaults to true. */
      enabled?: boolean;
      /** Executions that stopped longer ago are not notified. Defaults to 48. */
      lookbackHours?: number;
      /** Defaults to every 10 minutes. */
      schedule?: import('@backstage/backend-plugin-api').SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
