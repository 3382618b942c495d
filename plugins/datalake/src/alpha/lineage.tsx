import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isDatalakeTable } from '../isDatalakeTable';

/** The "Lineage" tab on table entities. @public */
export const tableLineageEntityContent = EntityContentBlueprint.make({
  name: 'table-lineage',
  params: {
    path: '/lineage',
    title: 'Lineage',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/EntityLineageContent').then(m => (
        <m.EntityLineageContent />
      )),
  },
});

/** The "Runs" tab on table entities. @public */
export const tableRunsEntityContent = EntityContentBlueprint.make({
  name: 'table-runs',
  params: {
    path: '/runs',
    title: 'Runs',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/EntityRunsContent').then(m => (
        <m.EntityRunsContent />
      )),
  },
});

/** The pipeline status card on a table's overview. @public */
export const tableStatusEntityCard = EntityCardBlueprint.make({
  name: 'table-status',
  params: {
    type: 'info',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/TableStatusCard').then(m => <m.TableStatusCard />),
  },
});
