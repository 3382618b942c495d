import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDatalakeTable } from '../isDatalakeTable';

/** The table overview card on `iceberg-table` and `glue-table` entities. @public */
export const tableOverviewEntityCard = EntityCardBlueprint.make({
  name: 'table-overview',
  params: {
    type: 'info',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/TableOverviewCard').then(m => (
        <m.TableOverviewCard />
      )),
  },
});
