export interface Config {
  datalake?: {
    freshness?: {
      /** Seconds that parsed Iceberg metadata stays cached; default 60. */
      cacheTtlSeconds?: number;
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
       * How DMS runs for this source: `replicationInstanceArn`, or `serverless`.
       * @visibility backend
       */
      dms?: {
        /** @visibility backend */
        replicationInstanceArn?: string;
        /** @visibility backend */
        serverless?: {
          subnetGroupId: string;
          securityGroupIds: string[];
          /** One of 1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384. */
          maxCapacityUnits: number;
        };
      };
    }>;
  };
}
