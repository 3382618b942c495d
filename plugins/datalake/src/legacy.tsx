import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { datalakeApiRef, DatalakeClient } from './api';

const legacyRootRouteRef = createRouteRef({ id: 'datalake' });

/**
 * The data lake plugin for apps still on the legacy frontend system.
 *
 * @public
 */
export const datalakeLegacyPlugin = createPlugin({
  id: 'datalake',
  apis: [
    createApiFactory({
      api: datalakeApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DatalakeClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

/**
 * The layer browser as a routable extension of the legacy system:
 * `<Route path="/datalake" element={<DatalakeLayerBrowserPage />} />`.
 *
 * @public
 */
export const DatalakeLayerBrowserPage = datalakeLegacyPlugin.provide(
  createRoutableExtension({
    name: 'DatalakeLayerBrowserPage',
    component: () =>
      import('./components/LayerBrowserPage').then(m => m.LayerBrowserPage),
    mountPoint: legacyRootRouteRef,
  }),
);

/**
 * The table overview card for the entity page of a table, e.g. inside
 * `<EntitySwitch.Case if={isDatalakeTable}>`.
 *
 * @public
 */
export const EntityTableOverviewCard = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableOverviewCard',
    component: {
      lazy: () =>
        import('./components/TableOverviewCard').then(m => m.TableOverviewCard),
    },
  }),
);

/**
 * The schema tab: `<EntityLayout.Route path="/schema" title="Schema">`.
 *
 * @public
 */
export const EntityTableSchemaContent = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableSchemaContent',
    component: {
      lazy: () =>
        import('./components/TableSchemaContent').then(
          m => m.TableSchemaContent,
        ),
    },
  }),
);

/**
 * The snapshot history tab of Iceberg tables: `<EntityLayout.Route path="/snapshots"
 * title="Snapshots" if={isIcebergTable}>`.
 *
 * @public
 */
export const EntityTableSnapshotsContent = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableSnapshotsContent',
    component: {
      lazy: () =>
        import('./components/TableSnapshotsContent').then(
          m => m.TableSnapshotsContent,
        ),
    },
  }),
);

/**
 * The lineage tab: `<EntityLayout.Route path="/lineage" title="Lineage">`.
 *
 * @public
 */
export const EntityTableLineageContent = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableLineageContent',
    component: {
      lazy: () =>
        import('./components/EntityLineageContent').then(
          m => m.EntityLineageContent,
        ),
    },
  }),
);

/**
 * The runs tab: `<EntityLayout.Route path="/runs" title="Runs">`.
 *
 * @public
 */
export const EntityTableRunsContent = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableRunsContent',
    component: {
      lazy: () =>
        import('./components/EntityRunsContent').then(m => m.EntityRunsContent),
    },
  }),
);

/**
 * The pipeline status card for a table's overview.
 *
 * @public
 */
export const EntityTableStatusCard = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableStatusCard',
    component: {
      lazy: () =>
        import('./components/TableStatusCard').then(m => m.TableStatusCard),
    },
  }),
);
