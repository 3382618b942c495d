import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { datalakeSourcePermissions } from '@datalake-portal/backstage-plugin-datalake-common';
import { createRouter } from './router';
import { SourceInspectionService } from './services/SourceInspectionService';

/**
 * The data lake backend plugin: source inspection and CDC preflight under `/api/datalake/v1`.
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
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
      }) {
        permissionsRegistry.addPermissions(datalakeSourcePermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            sources: SourceInspectionService.fromConfig(config, { logger }),
          }),
        );
      },
    });
  },
});
