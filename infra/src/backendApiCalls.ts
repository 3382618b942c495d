/*
 * The one list of AWS API calls the Backstage backend makes through the data lake plugins, and
 * how each becomes IAM actions. The backend role's policy is generated from this list and nothing
 * else; `pluginApiCalls.test.ts` scans `plugins/*\/src` and fails when a plugin calls an API that
 * is missing here, or when the list names a call no plugin makes any more.
 */

/**
 * The IAM service prefix of each AWS SDK v3 client package. A plugin importing a client that is
 * not listed here fails the scan, so that a new service is mapped on purpose.
 *
 * @public
 */
export const SDK_CLIENT_IAM_PREFIXES = {
  '@aws-sdk/client-athena': 'athena',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-database-migration-service': 'dms',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-glue': 'glue',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-lakeformation': 'lakeformation',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-s3tables': 's3tables',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
} as const;

/** @public */
export type SdkClientPackage = keyof typeof SDK_CLIENT_IAM_PREFIXES;

/**
 * SDK operations whose IAM action is not `<prefix>:<Operation>` (S3 authorises several
 * operations under another action's name).
 *
 * @public
 */
export const IAM_ACTION_OVERRIDES: Readonly<Record<string, readonly string[]>> =
  {
    's3:HeadObject': ['s3:GetObject'],
    's3:HeadBucket': ['s3:ListBucket'],
    's3:ListObjects': ['s3:ListBucket'],
    's3:ListObjectsV2': ['s3:ListBucket'],
    's3:ListObjectVersions': ['s3:ListBucketVersions'],
    's3:DeleteObjects': ['s3:DeleteObject'],
    's3:CopyObject': ['s3:GetObject', 's3:PutObject'],
    's3:CreateMultipartUpload': ['s3:PutObject'],
    's3:UploadPart': ['s3:PutObject'],
    's3:CompleteMultipartUpload': ['s3:PutObject'],
  };

/**
 * Which resources a call may touch; the stack turns each scope into ARNs from the config.
 *
 * @public
 */
export type BackendScope =
  /** The Glue Data Catalog of the account and region (Lake Formation decides per database). */
  | 'glueCatalog'
  /** The pipelines' Glue jobs, `datalake-<source>-*`. */
  | 'pipelineJobs'
  /** Objects of the layer buckets and the job scripts (Iceberg metadata, lineage). */
  | 'lakeObjectsRead'
  /** Job scripts under `datalake.pipeline.scripts`. */
  | 'scriptObjectsWrite'
  /** The pipelines' state machines, `datalake-<source>`, and their executions. */
  | 'pipelineStateMachines'
  /** The pipelines' EventBridge schedules, `datalake-<source>` and `datalake-<source>-maintenance-*`. */
  | 'pipelineSchedules'
  /** The log groups Glue writes job runs to, `/aws-glue/jobs/*` (a failed run's error log). */
  | 'glueJobLogs'
  /** DMS resources of the account and region (their ARNs hold random ids, not names). */
  | 'dmsResources'
  /** APIs that support no resource-level permissions (list and describe calls, Lake Formation, STS). */
  | 'anyResource';

/** The roles the backend hands to a service when it creates a resource. @public */
export type PassedRole =
  | 'glue'
  | 'stepFunctions'
  | 'dmsS3'
  | 'dmsSecrets'
  | 'scheduler';

/** @public */
export type BackendApiCall = {
  client: SdkClientPackage;
  /** The operation: the command name without `Command`, or a paginator's operation. */
  operation: string;
  scope: BackendScope;
  /** Roles passed in the request (`iam:PassRole`). */
  passes?: readonly PassedRole[];
  /** IAM actions the request needs besides its own, and why. */
  alsoRequires?: { actions: readonly string[]; reason: string };
};

const DMS = '@aws-sdk/client-database-migration-service';
const GLUE = '@aws-sdk/client-glue';
const LOGS = '@aws-sdk/client-cloudwatch-logs';
const LF = '@aws-sdk/client-lakeformation';
const S3 = '@aws-sdk/client-s3';
const SCHEDULER = '@aws-sdk/client-scheduler';
const SFN = '@aws-sdk/client-sfn';
const STS = '@aws-sdk/client-sts';

/**
 * Every AWS API call of `plugins/*\/src` outside tests, with the resources it needs.
 *
 * @public
 */
export const BACKEND_API_CALLS: readonly BackendApiCall[] = [
  // scaffolder-backend-module-datalake: DMS endpoints, tasks and serverless replications.
  {
    client: DMS,
    operation: 'CreateEndpoint',
    scope: 'dmsResources',
    passes: ['dmsS3', 'dmsSecrets'],
  },
  { client: DMS, operation: 'CreateReplicationConfig', scope: 'dmsResources' },
  { client: DMS, operation: 'CreateReplicationTask', scope: 'dmsResources' },
  { client: DMS, operation: 'DescribeEndpoints', scope: 'anyResource' },
  {
    client: DMS,
    operation: 'DescribeReplicationConfigs',
    scope: 'anyResource',
  },
  {
    client: DMS,
    operation: 'DescribeReplicationInstances',
    scope: 'anyResource',
  },
  { client: DMS, operation: 'DescribeReplications', scope: 'anyResource' },
  { client: DMS, operation: 'DescribeReplicationTasks', scope: 'anyResource' },
  // datalake-backend runs: a DMS task's table statistics.
  { client: DMS, operation: 'DescribeTableStatistics', scope: 'dmsResources' },
  // datalake-backend "Reload": one table of a running task loaded again.
  { client: DMS, operation: 'ReloadTables', scope: 'dmsResources' },
  { client: DMS, operation: 'StartReplication', scope: 'dmsResources' },
  { client: DMS, operation: 'StartReplicationTask', scope: 'dmsResources' },

  // Glue Data Catalog: Iceberg tables (scaffolder), catalog sync, runs and lineage.
  { client: GLUE, operation: 'CreateDatabase', scope: 'glueCatalog' },
  { client: GLUE, operation: 'CreateTable', scope: 'glueCatalog' },
  { client: GLUE, operation: 'GetDatabase', scope: 'glueCatalog' },
  { client: GLUE, operation: 'GetDatabases', scope: 'glueCatalog' },
  { client: GLUE, operation: 'GetTable', scope: 'glueCatalog' },
  { client: GLUE, operation: 'GetTables', scope: 'glueCatalog' },
  // Glue jobs of the pipelines.
  {
    client: GLUE,
    operation: 'CreateJob',
    scope: 'pipelineJobs',
    passes: ['glue'],
    alsoRequires: {
      actions: ['glue:TagResource'],
      reason:
        'CreateJob sends Tags; Glue authorises tags on create as glue:TagResource',
    },
  },
  { client: GLUE, operation: 'GetJob', scope: 'pipelineJobs' },
  { client: GLUE, operation: 'GetJobRuns', scope: 'pipelineJobs' },
  {
    client: GLUE,
    operation: 'UpdateJob',
    scope: 'pipelineJobs',
    passes: ['glue'],
  },

  // CloudWatch Logs: the tail of a failed Glue run's error log (datalake-backend runs).
  { client: LOGS, operation: 'GetLogEvents', scope: 'glueJobLogs' },

  // Lake Formation: access-request grants, data cell filters, LF-Tags of the catalog sync.
  { client: LF, operation: 'CreateDataCellsFilter', scope: 'anyResource' },
  { client: LF, operation: 'DeleteDataCellsFilter', scope: 'anyResource' },
  { client: LF, operation: 'GetResourceLFTags', scope: 'anyResource' },
  { client: LF, operation: 'GrantPermissions', scope: 'anyResource' },
  { client: LF, operation: 'ListPermissions', scope: 'anyResource' },
  { client: LF, operation: 'RevokePermissions', scope: 'anyResource' },
  { client: LF, operation: 'UpdateDataCellsFilter', scope: 'anyResource' },

  // S3: Iceberg metadata (freshness), job scripts (lineage, upload).
  { client: S3, operation: 'GetObject', scope: 'lakeObjectsRead' },
  { client: S3, operation: 'HeadObject', scope: 'lakeObjectsRead' },
  { client: S3, operation: 'PutObject', scope: 'scriptObjectsWrite' },

  // EventBridge Scheduler: the pipeline's schedule and the daily maintenance schedules (the
  // schedule action); GetSchedule also for the next run in the run status (datalake-backend).
  {
    client: SCHEDULER,
    operation: 'CreateSchedule',
    scope: 'pipelineSchedules',
    passes: ['scheduler'],
  },
  { client: SCHEDULER, operation: 'GetSchedule', scope: 'pipelineSchedules' },
  {
    client: SCHEDULER,
    operation: 'UpdateSchedule',
    scope: 'pipelineSchedules',
    passes: ['scheduler'],
  },

  // Step Functions: the pipeline state machines and their executions.
  {
    client: SFN,
    operation: 'CreateStateMachine',
    scope: 'pipelineStateMachines',
    passes: ['stepFunctions'],
  },
  {
    client: SFN,
    operation: 'DescribeStateMachine',
    scope: 'pipelineStateMachines',
  },
  {
    client: SFN,
    operation: 'GetExecutionHistory',
    scope: 'pipelineStateMachines',
  },
  { client: SFN, operation: 'ListExecutions', scope: 'pipelineStateMachines' },
  { client: SFN, operation: 'ListStateMachines', scope: 'anyResource' },
  // datalake-backend runs: "Run now".
  {
    client: SFN,
    operation: 'StartExecution',
    scope: 'pipelineStateMachines',
  },
  { client: SFN, operation: 'TagResource', scope: 'pipelineStateMachines' },
  {
    client: SFN,
    operation: 'UpdateStateMachine',
    scope: 'pipelineStateMachines',
    passes: ['stepFunctions'],
  },

  // STS: the account id of the credentials.
  { client: STS, operation: 'GetCallerIdentity', scope: 'anyResource' },
];

/** `<client package>/<Operation>`, the key the scan and the list are compared by. @public */
export function callKey(call: { client: string; operation: string }): string {
  return `${call.client}/${call.operation}`;
}

/**
 * The IAM actions of one SDK operation, without what the request additionally requires.
 *
 * @public
 */
export function iamActionsOfOperation(
  client: SdkClientPackage,
  operation: string,
): readonly string[] {
  const action = `${SDK_CLIENT_IAM_PREFIXES[client]}:${operation}`;
  return IAM_ACTION_OVERRIDES[action] ?? [action];
}

/** The IAM actions one call needs: its own, then what its request also requires. @public */
export function iamActionsOf(call: BackendApiCall): string[] {
  return [
    ...iamActionsOfOperation(call.client, call.operation),
    ...(call.alsoRequires?.actions ?? []),
  ];
}

/**
 * The backend role's actions per scope, sorted and without duplicates; `iam:PassRole` is
 * separate (see {@link passedRoles}).
 *
 * @public
 */
export function backendActionsByScope(
  calls: readonly BackendApiCall[] = BACKEND_API_CALLS,
): Map<BackendScope, string[]> {
  const byScope = new Map<BackendScope, Set<string>>();
  for (const call of calls) {
    const actions = byScope.get(call.scope) ?? new Set<string>();
    iamActionsOf(call).forEach(a => actions.add(a));
    byScope.set(call.scope, actions);
  }
  return new Map(
    [...byScope.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scope, actions]) => [scope, [...actions].sort()]),
  );
}

/** Every IAM action the backend role holds, including `iam:PassRole`. @public */
export function backendIamActions(
  calls: readonly BackendApiCall[] = BACKEND_API_CALLS,
): string[] {
  const actions = new Set(calls.flatMap(iamActionsOf));
  if (passedRoles(calls).length > 0) actions.add('iam:PassRole');
  return [...actions].sort();
}

/** The roles the backend passes, sorted. @public */
export function passedRoles(
  calls: readonly BackendApiCall[] = BACKEND_API_CALLS,
): PassedRole[] {
  return [...new Set(calls.flatMap(c => c.passes ?? []))].sort();
}
