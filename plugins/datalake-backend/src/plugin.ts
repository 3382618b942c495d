import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  DatalakeAwsClientFactory,
  ProviderTables,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { registerDatalakeActions } from './actions';
import { notificationService } from '@backstage/plugin-notifications-node';
import { setupAccessRequests } from './access';
import { createRouter } from './router';
import { createTablesRouter, TableMetadataService } from './tables';
import { createLineageRouter } from './lineage';
import {
  createRunsRouter,
  DatalakeStatusServices,
  granteesFromStore,
  RunErrorAuthorizer,
  scheduleRunAlerts,
} from './runs';
import { SourceInspectionService } from './services/SourceInspectionService';
import { registerSourcePermissions } from './sources';

/**
 * The data lake backend plugin under `/api/datalake/v1`: source inspection and CDC preflight,
 * table freshness and Iceberg metadata, lineage, run status, access requests; and the same as
 * actions in the actions registry.
 *
 * @public
 */
export const datalakePlugin = createBackendPlugin({
  pluginId: 'datalake',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        cache: coreServices.cache,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        notifications: notificationService,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        cache,
        auth,
        catalog,
        database,
        scheduler,
        userInfo,
        notifications,
        lifecycle,
        actionsRegistry,
        auditor,
      }) {
        const sources = SourceInspectionService.fromConfig(config, { logger });
        // Built once: every route, job and action shares the AWS clients and trusts the same
        // table entities.
        const aws = DatalakeAwsClientFactory.fromConfig(config);
        const tables = ProviderTables.fromConfig(config);
        httpRouter.use(
          await createRouter({
            httpAuth,
            auditor,
            permissions,
            sources,
            sourceRules: registerSourcePermissions(
              permissionsRegistry,
              sources,
            ),
          }),
        );
        const access = await setupAccessRequests({
          ...{ config, logger, httpAuth, permissions, permissionsRegistry },
          ...{ database, scheduler, userInfo, catalog, notifications, auditor },
          ...{ aws, tables },
        });
        httpRouter.use(access.router);
        const metadata = TableMetadataService.create({
          ...{ config, logger, cache, catalog, auth, tables },
          awsClients: aws,
        });
        httpRouter.use(createTablesRouter({ httpAuth, tables: metadata }));
        const runErrors = RunErrorAuthorizer.register({
          ...{ permissions, permissionsRegistry, catalog, auth },
          grantees: granteesFromStore(access.store),
        });
        const status = DatalakeStatusServices.create({
          ...{ config, logger, cache, catalog, auth, runErrors, permissions },
          ...{ tables, metadata, awsClients: aws },
        });
        lifecycle.addShutdownHook(() => status.close());
        httpRouter.use(
          createLineageRouter({ httpAuth, ...status.routeOptions }),
        );
        httpRouter.use(
          createRunsRouter({
            ...{ httpAuth, runs: status.runs, starter: status.starter },
            reloader: status.reloader,
          }),
        );
        // The same services, as actions for agents (MCP) and other clients of the actions service.
        registerDatalakeActions(actionsRegistry, {
          catalog,
          tables,
          metadata,
          lineage: status.lineage,
          runs: status.runs,
          access: access.service,
          starter: status.starter,
        });
        await scheduleRunAlerts({
          ...{ config, logger, scheduler, database, catalog, auth },
          ...{ notifications, status },
        });
      },
    });
  },
});
