import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { DatalakeAwsClientFactory } from '@datalake-portal/backstage-plugin-datalake-node';
import { readProviderConfigs } from '@datalake-portal/backstage-plugin-datalake-node';
import { DatalakeEntityProvider } from './provider/DatalakeEntityProvider';
import { clientsForProvider } from './provider/clients';

/**
 * Registers one {@link DatalakeEntityProvider} per `catalog.providers.datalake.<id>`.
 *
 * @public
 */
export const catalogModuleDatalake = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'datalake',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, logger, scheduler, auth, catalog, processing }) {
        const countManagedEntities = async (locationKey: string) => {
          const response = await catalog.queryEntities(
            {
              filter: {
                'metadata.annotations.backstage.io/managed-by-location':
                  locationKey,
              },
              limit: 1,
            },
            { credentials: await auth.getOwnServiceCredentials() },
          );
          return response.totalItems;
        };
        const providers = readProviderConfigs(config);
        const factory = providers.length
          ? DatalakeAwsClientFactory.fromConfig(config)
          : undefined;
        for (const providerConfig of providers) {
          processing.addEntityProvider(
            new DatalakeEntityProvider(
              providerConfig,
              await clientsForProvider(factory!, providerConfig),
              logger.child({ provider: providerConfig.id }),
              scheduler.createScheduledTaskRunner(providerConfig.schedule),
              countManagedEntities,
            ),
          );
        }
      },
    });
  },
});
