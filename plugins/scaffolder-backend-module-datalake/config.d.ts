export interface Config {
  datalake?: {
    /** Where `datalake:catalog:pipeline:register` writes pipeline entities when git is not used. */
    catalog?: {
      /**
       * A directory the catalog reads through a `file` location `<directory>/*.yaml` in
       * `catalog.locations`; relative to the backend's working directory, like file locations.
       * @visibility backend
       */
      pipelinesDirectory?: string;
    };
    /**
     * Sources (declared in full by the datalake backend plugin): the DMS actions also accept
     * `dms.replicationInstanceIdentifier`, resolved to the instance ARN with
     * DescribeReplicationInstances, besides `dms.replicationInstanceArn`.
     */
    sources?: Array<{
      dms?: {
        /** @visibility backend */
        replicationInstanceArn?: string;
        /** @visibility backend */
        replicationInstanceIdentifier?: string;
      };
    }>;
    /**
     * The medallion pipeline actions (datalake:glue:iceberg-table:create, datalake:glue:job:create,
     * datalake:sfn:pipeline:create). The landing bucket is datalake.dms.landing.
     */
    pipeline?: {
      /** Glue databases and S3 locations of the layers. */
      layers?: {
        [layer in 'bronze' | 'silver' | 'gold']?: {
          /**
           * Glue database; `{source}` is replaced by the source id. Default `{source}_<layer>`.
           * @visibility backend
           */
          database?: string;
          /**
           * Bucket of the layer's tables. Default `datalake-<layer>`.
           * @visibility backend
           */
          bucket?: string;
          /**
           * Folder in the bucket; tables go to `<prefix>/<database>/<table>`. Default none.
           * @visibility backend
           */
          prefix?: string;
        };
      };
      /** Where the rendered job scripts are uploaded. */
      scripts?: {
        /** @visibility backend */
        bucket?: string;
        /** Default `jobs`. @visibility backend */
        prefix?: string;
      };
      /** Iceberg table settings. */
      table?: {
        /** Row-level write mode of MERGE, UPDATE and DELETE. Default merge-on-read. */
        writeMode?: 'merge-on-read' | 'copy-on-write';
        /** Default 7. */
        snapshotRetentionDays?: number;
        /** Default 3. */
        orphanFileRetentionDays?: number;
      };
      /** The Glue jobs. */
      glue?: {
        /**
         * The IAM role the jobs run as.
         * @visibility backend
         */
        roleArn: string;
        /** Default G.1X. */
        workerType?: string;
        /** Default 2. */
        numberOfWorkers?: number;
        /** Default 120. */
        timeoutMinutes?: number;
        /** Default 1. */
        maxConcurrentRuns?: number;
        /** Iceberg catalog name inside Spark. Default glue_catalog. */
        catalog?: string;
      };
      /** The Step Functions state machine. */
      stepFunctions?: {
        /**
         * The IAM role the state machine runs as.
         * @visibility backend
         */
        roleArn: string;
        /** Retries of a failed job run (States.TaskFailed). Default 0. */
        taskFailedMaxAttempts?: number;
      };
      /** EventBridge Scheduler: the pipeline's schedule and the daily table maintenance. */
      scheduler?: {
        /**
         * The IAM role schedules invoke their targets as (states:StartExecution, glue:StartJobRun).
         * @visibility backend
         */
        roleArn: string;
        /** When maintenance runs, a Scheduler expression. Default cron(0 3 * * ? *). */
        maintenanceSchedule?: string;
        /** IANA time zone the schedules are evaluated in. Default UTC. */
        timezone?: string;
      };
      /**
       * The spark-templates folder; default the repository's `spark-templates/`.
       * @visibility backend
       */
      sparkTemplatesDir?: string;
    };
    dms?: {
      /** Where DMS writes the landing files of every source. */
      landing?: {
        /** @visibility backend */
        bucketName: string;
        /**
         * Prefix in the bucket (default `landing`); a source writes below `<bucketFolder>/<source id>/`.
         * @visibility backend
         */
        bucketFolder?: string;
        /**
         * The role DMS assumes to write to the bucket.
         * @visibility backend
         */
        serviceAccessRoleArn: string;
      };
    };
  };
}
