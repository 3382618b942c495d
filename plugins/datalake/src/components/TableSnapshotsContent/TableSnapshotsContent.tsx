import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DATALAKE_ANNOTATIONS,
  TableSnapshot,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Typography from '@material-ui/core/Typography';
import { formatBytes, formatCount, relativeTime } from '../../hooks/format';
import { useTableMetadata } from '../../hooks/useTableMetadata';
import { isIcebergTable, metadataLocationOf } from '../../isDatalakeTable';

type Row = TableSnapshot & { id: string; current: boolean };

const OPERATION_LABELS: Record<string, string> = {
  append: 'append',
  overwrite: 'overwrite (merge)',
  delete: 'delete',
  replace: 'replace (compaction)',
};

const columns: TableColumn<Row>[] = [
  {
    title: 'Snapshot',
    field: 'snapshotId',
    render: s => (
      <>
        <code>{s.snapshotId}</code>
        {s.current ? ' (current)' : ''}
      </>
    ),
  },
  {
    title: 'Committed',
    field: 'timestamp',
    render: s => (
      <span title={s.timestamp}>
        {new Date(s.timestamp).toLocaleString()} ({relativeTime(s.timestamp)})
      </span>
    ),
  },
  {
    title: 'Operation',
    field: 'operation',
    render: s =>
      s.operation ? OPERATION_LABELS[s.operation] ?? s.operation : 'unknown',
  },
  {
    title: 'Added records',
    field: 'addedRecords',
    type: 'numeric',
    render: s => formatCount(s.addedRecords),
  },
  {
    title: 'Deleted records',
    field: 'deletedRecords',
    type: 'numeric',
    render: s => formatCount(s.deletedRecords),
  },
  {
    title: 'Total records',
    field: 'totalRecords',
    type: 'numeric',
    render: s => formatCount(s.totalRecords),
  },
  {
    title: 'Size',
    field: 'totalFilesSize',
    type: 'numeric',
    render: s =>
      s.totalFilesSize === null ? '–' : formatBytes(s.totalFilesSize),
  },
];

/**
 * The snapshot history of an Iceberg table, newest first: the versions a query can travel to.
 *
 * @public
 */
export function TableSnapshotsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const readable = isIcebergTable(entity) && !!metadataLocationOf(entity);
  const { value, loading, error } = useTableMetadata(entityRef, readable);

  if (!readable) {
    return (
      <EmptyState
        missing="info"
        title="No snapshot history"
        description="Snapshots exist for Iceberg tables whose catalog entity carries a metadata location."
      />
    );
  }
  if (loading) {
    return <Progress />;
  }
  if (error || !value) {
    return <ResponseErrorPanel error={error ?? new Error('No metadata')} />;
  }
  if (!value.snapshots.length) {
    return (
      <EmptyState
        missing="data"
        title="No snapshots yet"
        description="The table exists but nothing has been written to it."
      />
    );
  }

  const database =
    entity.metadata.annotations?.[DATALAKE_ANNOTATIONS.database] ??
    '<database>';
  const example = value.currentSnapshotId ?? value.snapshots[0].snapshotId;
  const table = entity.metadata.title?.split('.').pop() ?? entity.metadata.name;
  return (
    <>
      <Typography variant="body2" paragraph>
        Query an earlier version with{' '}
        <code>
          SELECT * FROM glue_catalog.{database}.{table} VERSION AS OF {example}
        </code>{' '}
        (Spark) or <code>FOR VERSION AS OF</code> (Athena). Snapshots older than
        the table's expiry are no longer listed.
      </Typography>
      <Table<Row>
        title={`Snapshots (format v${value.formatVersion})`}
        options={{
          paging: value.snapshots.length > 25,
          pageSize: 25,
          search: false,
        }}
        columns={columns}
        data={value.snapshots.map(s => ({
          ...s,
          id: s.snapshotId,
          current: s.snapshotId === value.currentSnapshotId,
        }))}
      />
    </>
  );
}
