import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDatalakeTable, isIcebergTable } from '../isDatalakeTable';

/** The "Schema" tab on `iceberg-table` and `glue-table` entities. @public */
export const tableSchemaEntityContent = EntityContentBlueprint.make({
  name: 'table-schema',
  params: {
    path: '/schema',
    title: 'Schema',
    filter: isDatalakeTable,
    loader: () =>
      import('../components/TableSchemaContent').then(m => (
        <m.TableSchemaContent />
      )),
  },
});

/**
 * The "Snapshots" tab: only on `iceberg-table` entities, since other Glue tables have no
 * snapshot history.
 *
 * @public
 */
export const tableSnapshotsEntityContent = EntityContentBlueprint.make({
  name: 'table-snapshots',
  params: {
    path: '/snapshots',
    title: 'Snapshots',
    filter: isIcebergTable,
    loader: () =>
      import('../components/TableSnapshotsContent').then(m => (
        <m.TableSnapshotsContent />
      )),
  },
});
