import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import AssignmentIndIcon from '@material-ui/icons/AssignmentInd';
import HowToRegIcon from '@material-ui/icons/HowToReg';
import { isDatalakeTable } from '../isDatalakeTable';
import { accessApprovalsRouteRef, accessRequestsRouteRef } from '../routes';

/** The "Access" tab on table entities: grants, pending requests, Request access. @public */
export const tableAccessEntityContent = EntityContentBlueprint.make({
  name: 'table-access',
  params: {
    path: '/access',
    title: 'Access',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/TableAccessContent').then(m => (
        <m.TableAccessContent />
      )),
  },
});

/** The caller's access requests at `/access-requests`. @public */
export const myAccessRequestsPage = PageBlueprint.make({
  name: 'access-requests',
  params: {
    path: '/access-requests',
    // A route ref puts the page in the sidebar.
    routeRef: accessRequestsRouteRef,
    title: 'My access requests',
    icon: <AssignmentIndIcon />,
    // The component brings its own header, which the legacy system needs too.
    noHeader: true,
    loader: () =>
      import('../components/MyAccessRequestsPage').then(m => (
        <m.MyAccessRequestsPage />
      )),
  },
});

/** The approvals inbox at `/access-approvals`. @public */
export const accessApprovalsPage = PageBlueprint.make({
  name: 'access-approvals',
  params: {
    path: '/access-approvals',
    routeRef: accessApprovalsRouteRef,
    title: 'Access approvals',
    icon: <HowToRegIcon />,
    // The component brings its own header, which the legacy system needs too.
    noHeader: true,
    loader: () =>
      import('../components/AccessApprovalsPage').then(m => (
        <m.AccessApprovalsPage />
      )),
  },
});
