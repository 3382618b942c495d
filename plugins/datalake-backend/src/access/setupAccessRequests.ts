/*
 * Builds the access request feature from the plugin's services: store, permission resource
 * type and rules, routes, and the two scheduled jobs.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  AuditorService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { datalakeAccessRequestPermissions } from '@datalake-portal/backstage-plugin-datalake-common';
import {
  DatalakeAwsClientFactory,
  ProviderTables,
  toBackstageError,
} from '@datalake-portal/backstage-plugin-datalake-node';
import express from 'express';
import { readAccessConfig } from './accessConfig';
import { AccessNotifier } from './AccessNotifier';
import { AccessRequestAuthorizer } from './AccessRequestAuthorizer';
import { AccessRequestJobs } from './AccessRequestJobs';
import { AccessRequestService } from './AccessRequestService';
import { AccessRequestStore } from './AccessRequestStore';
import { createAccessRouter } from './createAccessRouter';
import { DatabaseAccessRequestStore } from './DatabaseAccessRequestStore';
import { LakeFormationGrants } from './LakeFormationGrants';
import {
  accessRequestPermissionRules,
  accessRequestResourceRef,
} from './permissionRules';

/** The account of the configured credentials: `datalake.aws.accountId`, else STS. */
async function defaultAccountId(
  aws: DatalakeAwsClientFactory,
): Promise<string> {
  if (aws.config.defaultAccountId) return aws.config.defaultAccountId;
  try {
    const sts = await aws.sts();
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('STS returned no account');
    return identity.Account;
  } catch (e) {
    throw toBackstageError(e);
  }
}

/** The scheduled task ids. @public */
export const ACCESS_TASK_IDS = {
  reconcile: 'datalake-access-reconcile',
  expiry: 'datalake-access-expiry',
} as const;

/** @public */
export type AccessRequestsFeature = {
  router: express.Router;
  service: AccessRequestService;
  jobs: AccessRequestJobs;
  /** Read by the run status, to tell who holds a grant on a table. */
  store: AccessRequestStore;
};

/** @public */
export async function setupAccessRequests(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  notifications?: NotificationService;
  /** Defaults to the clients of `datalake.aws`. */
  aws?: DatalakeAwsClientFactory;
  /** The table entities to trust; built from `config` when absent. */
  tables?: ProviderTables;
}): Promise<AccessRequestsFeature> {
  const logger = deps.logger.child({ feature: 'access-requests' });
  const config = readAccessConfig(deps.config);
  const store = await DatabaseAccessRequestStore.create({
    database: deps.database,
  });
  deps.permissionsRegistry.addResourceType({
    resourceRef: accessRequestResourceRef,
    permissions: datalakeAccessRequestPermissions,
    rules: Object.values(accessRequestPermissionRules),
    getResources: refs => Promise.all(refs.map(ref => store.get(ref))),
  });
  const aws = deps.aws ?? DatalakeAwsClientFactory.fromConfig(deps.config);
  let accountId: Promise<string> | undefined;
  const grants = new LakeFormationGrants(
    () => aws.lakeFormation(),
    () => {
      accountId ??= defaultAccountId(aws).catch(e => {
        accountId = undefined;
        throw e;
      });
      return accountId;
    },
  );
  const notifier = new AccessNotifier(deps.notifications, logger);
  const service = new AccessRequestService({
    store,
    config,
    catalog: deps.catalog,
    tables: deps.tables ?? ProviderTables.fromConfig(deps.config),
    userInfo: deps.userInfo,
    authorizer: new AccessRequestAuthorizer(
      deps.permissions,
      deps.permissionsRegistry.getPermissionRuleset(accessRequestResourceRef),
      {
        // The key the permissions service itself reads: off means it allows everything.
        permissionsEnabled:
          deps.config.getOptionalBoolean('permission.enabled') ?? false,
        userInfo: deps.userInfo,
      },
    ),
    grants,
    notifier,
    logger,
    auditor: deps.auditor,
  });
  const jobs = new AccessRequestJobs({
    store,
    service,
    grants,
    notifier,
    config,
    logger,
    auditor: deps.auditor,
  });
  await deps.scheduler.scheduleTask({
    id: ACCESS_TASK_IDS.reconcile,
    scope: 'global',
    ...config.reconcileSchedule,
    fn: async () => {
      const report = await jobs.reconcile();
      logger.info(
        `Access reconcile: ${report.granted.length} granted, ${report.repaired.length} repaired, ${report.unmanaged.length} unmanaged, ${report.errors.length} errors`,
      );
    },
  });
  await deps.scheduler.scheduleTask({
    id: ACCESS_TASK_IDS.expiry,
    scope: 'global',
    ...config.expirySchedule,
    fn: async () => {
      await jobs.expire();
    },
  });
  return {
    router: createAccessRouter({ httpAuth: deps.httpAuth, service }),
    service,
    jobs,
    store,
  };
}
