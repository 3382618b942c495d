import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
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
 * table freshness and Iceberg metadata.
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
      }) {
        const sources = SourceInspectionService.fromConfig(config, { logger });
        httpRouter.use(
          await createRouter({
            httpAuth,
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
          ...{ database, scheduler, userInfo, catalog, notifications },
        });
        httpRouter.use(access.router);
        httpRouter.use(
          createTablesRouter({
            httpAuth,
            tables: TableMetadataService.create({
              config,
              logger,
              cache,
              catalog,
              auth,
            }),
          }),
        );
        const runErrors = RunErrorAuthorizer.register({
          ...{ permissions, permissionsRegistry, catalog, auth },
          grantees: granteesFromStore(access.store),
        });
        const status = DatalakeStatusServices.create({
          ...{ config, logger, cache, catalog, auth, runErrors, permissions },
        });
        lifecycle.addShutdownHook(() => status.close());
        httpRouter.use(
          createLineageRouter({ httpAuth, ...status.routeOptions }),
        );
        httpRouter.use(
          createRunsRouter({
            ...{ httpAuth, runs: status.runs, starter: status.starter },
          }),
        );
        await scheduleRunAlerts({
          ...{ config, logger, scheduler, database, catalog, auth },
          ...{ notifications, status },
        });
      },
    });
  },
});
