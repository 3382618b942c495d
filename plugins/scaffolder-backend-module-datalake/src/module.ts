import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  DatalakeAwsClientFactory,
  readMysqlSourcesConfig,
} from '@datalake-portal/backstage-plugin-datalake-node';
import {
  createDmsEndpointCreateAction,
  createDmsTaskCreateAction,
  createDmsTaskStartAction,
  createMysqlSourceInspectAction,
  createIcebergTableCreateAction,
  createGlueJobCreateAction,
  createSfnPipelineCreateAction,
  pipelineActionOptions,
} from './actions';
import { readDmsLandingConfig } from './actions/dms/dmsActionContext';

/**
 * Registers the data lake scaffolder actions.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'datalake',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, config }) {
        const sources = readMysqlSourcesConfig(config);
        const clients = DatalakeAwsClientFactory.fromConfig(config);
        const dmsOptions = {
          sources,
          landing: readDmsLandingConfig(config),
          dmsClient: () => clients.dms(),
        };
        scaffolderActions.addActions(
          createMysqlSourceInspectAction({ sources }),
          createDmsEndpointCreateAction(dmsOptions),
          createDmsTaskCreateAction(dmsOptions),
          createDmsTaskStartAction(dmsOptions),
          createIcebergTableCreateAction(
            pipelineActionOptions(config, clients),
          ),
          createGlueJobCreateAction(pipelineActionOptions(config, clients)),
          createSfnPipelineCreateAction(pipelineActionOptions(config, clients)),
        );
      },
    });
  },
});
