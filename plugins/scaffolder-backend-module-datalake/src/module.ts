import path from 'node:path';
import { Config } from '@backstage/config';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
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
  createSchedulerScheduleCreateAction,
  pipelineActionOptions,
  createIngestionPlanAction,
  createGoldTablePlanAction,
  createPipelineCatalogRegisterAction,
} from './actions';
import { readDmsLandingConfig } from './actions/dms/dmsActionContext';
import { guardPipelineActions } from './guard/guardActions';
import { InspectionSeal } from './guard/inspectionSeal';
import { PipelineActionAccess } from './guard/pipelineActionAccess';

/** `datalake.catalog.pipelinesDirectory`, resolved like the catalog resolves `file` locations. */
function pipelinesDirectory(config: Config): string | undefined {
  const directory = config.getOptionalString(
    'datalake.catalog.pipelinesDirectory',
  );
  return directory ? path.resolve(directory) : undefined;
}

/**
 * Registers the data lake scaffolder actions, each behind the guard of `guardPipelineActions`: the
 * task's initiator needs `datalake.pipeline.create` on the source (and
 * `datalake.pipeline.owner.assign` to give resources to a group they are not in), and inspection
 * reports must be sealed by this backend's inspect step.
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
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
      },
      async init({
        scaffolderActions,
        config,
        catalog,
        auth,
        permissions,
        userInfo,
        auditor,
      }) {
        const sources = readMysqlSourcesConfig(config);
        const clients = DatalakeAwsClientFactory.fromConfig(config);
        const dmsOptions = {
          sources,
          landing: readDmsLandingConfig(config),
          dmsClient: () => clients.dms(),
        };
        const guard = {
          access: new PipelineActionAccess({
            permissions,
            userInfo,
            sources,
            permissionsEnabled:
              config.getOptionalBoolean('permission.enabled') ?? false,
          }),
          seal: InspectionSeal.create(),
          auditor,
        };
        const actions = [
          createMysqlSourceInspectAction({ sources }),
          createDmsEndpointCreateAction(dmsOptions),
          createDmsTaskCreateAction(dmsOptions),
          createDmsTaskStartAction(dmsOptions),
          createIcebergTableCreateAction(
            pipelineActionOptions(config, clients),
          ),
          createGlueJobCreateAction(pipelineActionOptions(config, clients)),
          createSfnPipelineCreateAction(pipelineActionOptions(config, clients)),
          createSchedulerScheduleCreateAction(
            pipelineActionOptions(config, clients),
          ),
          createIngestionPlanAction(pipelineActionOptions(config, clients)),
          createGoldTablePlanAction(pipelineActionOptions(config, clients)),
          createPipelineCatalogRegisterAction({
            directory: pipelinesDirectory(config),
            catalog,
            auth,
          }),
        ];
        scaffolderActions.addActions(...guardPipelineActions(actions, guard));
      },
    });
  },
});
