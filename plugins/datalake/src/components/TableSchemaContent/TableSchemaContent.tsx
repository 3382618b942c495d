import { EmptyState, Table, TableColumn } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { TableColumnSpec, tableColumnsOf } from '../tableColumns';

const columns: TableColumn<TableColumnSpec>[] = [
  {
    title: 'Column',
    field: 'name',
    highlight: true,
  },
  {
    title: 'Type',
    field: 'type',
    render: c => <code>{c.type}</code>,
  },
  {
    title: 'Nullable',
    field: 'nullable',
    render: c => (c.nullable ? 'yes' : 'no'),
  },
  {
    title: 'Partition column',
    field: 'partition',
    render: c => (c.partition ? 'yes' : ''),
  },
  { title: 'Comment', field: 'comment' },
];

/**
 * The schema tab of a table entity: the columns that the catalog provider put on the entity
 * (`spec.columns`), so it works without the data lake backend.
 *
 * @public
 */
export function TableSchemaContent() {
  const { entity } = useEntity();
  const data = tableColumnsOf(entity);
  if (!data.length) {
    return (
      <EmptyState
        missing="field"
        title="No columns on this entity"
        description="The datalake catalog provider writes the Glue table's columns to spec.columns on its next sync."
      />
    );
  }
  const partitions = data.filter(c => c.partition).map(c => c.name);
  return (
    <Table<TableColumnSpec>
      title={`${entity.metadata.title ?? entity.metadata.name} schema`}
      subtitle={`${data.length} columns${
        partitions.length ? `, partitioned by ${partitions.join(', ')}` : ''
      }`}
      options={{ paging: data.length > 50, pageSize: 50, search: true }}
      columns={columns}
      data={data.map(c => ({ ...c, id: c.name }))}
    />
  );
}
