import {
  createPlugin,
  createRoutableExtension,
  createRouteRef,
} from '@backstage/core-plugin-api';

const legacyRootRouteRef = createRouteRef({ id: 'datalake' });

/**
 * The data lake plugin for apps still on the legacy frontend system.
 *
 * @public
 */
export const datalakeLegacyPlugin = createPlugin({
  id: 'datalake',
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
