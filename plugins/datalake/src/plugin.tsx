import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import {
  datalakeApi,
  tableOverviewEntityCard,
  tableSchemaEntityContent,
  tableSnapshotsEntityContent,
  tableLineageEntityContent,
  tableRunsEntityContent,
  tableStatusEntityCard,
  pipelineRunsEntityContent,
} from './alpha';
import {
  accessApprovalsPage,
  myAccessRequestsPage,
  tableAccessEntityContent,
} from './alpha/accessExtensions';
import {
  accessApprovalsRouteRef,
  accessRequestsRouteRef,
  rootRouteRef,
} from './routes';
import {
  datalakeColumnRenamesFormField,
  datalakeCronScheduleFormField,
  datalakeGoldSqlFormField,
  datalakeSilverTablePickerFormField,
  datalakeSourcePickerFormField,
  datalakeTablePickerFormField,
} from './scaffolder/formFields';

/** The "Data lake" page: the lake's tables by layer. @public */
export const datalakePage = PageBlueprint.make({
  params: {
    path: '/datalake',
    title: 'Data lake',
    icon: <StorageIcon />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/LayerBrowserPage').then(m => <m.LayerBrowserPage />),
  },
});

/**
 * The data lake frontend plugin for apps on the new frontend system.
 *
 * @public
 */
export const datalakePlugin = createFrontendPlugin({
  pluginId: 'datalake',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    datalakePage,
    datalakeApi,
    tableOverviewEntityCard,
    tableSchemaEntityContent,
    tableSnapshotsEntityContent,
    tableLineageEntityContent,
    tableRunsEntityContent,
    pipelineRunsEntityContent,
    tableStatusEntityCard,
    tableAccessEntityContent,
    myAccessRequestsPage,
    accessApprovalsPage,
    datalakeSourcePickerFormField,
    datalakeTablePickerFormField,
    datalakeColumnRenamesFormField,
    datalakeCronScheduleFormField,
    datalakeSilverTablePickerFormField,
    datalakeGoldSqlFormField,
  ],
  routes: {
    root: rootRouteRef,
    accessRequests: accessRequestsRouteRef,
    accessApprovals: accessApprovalsRouteRef,
  },
});
