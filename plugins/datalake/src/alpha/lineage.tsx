import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isDataPipeline, isDatalakeTable } from '../isDatalakeTable';

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

/**
 * The "Runs" tab on pipeline entities (`data-pipeline` components): the executions of the
 * pipeline and of the jobs writing its tables, with Run now. @public
 */
export const pipelineRunsEntityContent = EntityContentBlueprint.make({
  name: 'pipeline-runs',
  params: {
    path: '/runs',
    title: 'Runs',
    filter: isDataPipeline,
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
