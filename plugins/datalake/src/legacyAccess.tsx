import {
  createComponentExtension,
  createRoutableExtension,
  createRouteRef,
} from '@backstage/core-plugin-api';
import { datalakeLegacyPlugin } from './legacy';

const myAccessRequestsRouteRef = createRouteRef({
  id: 'datalake:access-requests',
});
const accessApprovalsRouteRef = createRouteRef({
  id: 'datalake:access-approvals',
});

/**
 * The Access tab of tables on the legacy system:
 * `<EntityLayout.Route path="/access" title="Access" if={isDatalakeTable}>`.
 *
 * @public
 */
export const EntityTableAccessContent = datalakeLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityTableAccessContent',
    component: {
      lazy: () =>
        import('./components/TableAccessContent').then(
          m => m.TableAccessContent,
        ),
    },
  }),
);

/**
 * The caller's access requests: `<Route path="/access-requests" element={<DatalakeMyAccessRequestsPage />} />`.
 *
 * @public
 */
export const DatalakeMyAccessRequestsPage = datalakeLegacyPlugin.provide(
  createRoutableExtension({
    name: 'DatalakeMyAccessRequestsPage',
    component: () =>
      import('./components/MyAccessRequestsPage').then(
        m => m.MyAccessRequestsPage,
      ),
    mountPoint: myAccessRequestsRouteRef,
  }),
);

/**
 * The approvals inbox: `<Route path="/access-approvals" element={<DatalakeAccessApprovalsPage />} />`.
 *
 * @public
 */
export const DatalakeAccessApprovalsPage = datalakeLegacyPlugin.provide(
  createRoutableExtension({
    name: 'DatalakeAccessApprovalsPage',
    component: () =>
      import('./components/AccessApprovalsPage').then(
        m => m.AccessApprovalsPage,
      ),
    mountPoint: accessApprovalsRouteRef,
  }),
);
