import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  DATALAKE_ANNOTATIONS,
  TableFreshnessResponse,
  TableMetadataResponse,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { errorMessage } from '../../hooks/errorMessage';
import { useTableFreshness } from '../../hooks/useTableFreshness';
import { useTableMetadata } from '../../hooks/useTableMetadata';
import { formatBytes, formatCount, relativeTime } from '../../hooks/format';
import { isIcebergTable, metadataLocationOf } from '../../isDatalakeTable';
import { TableColumnSpec, tableColumnsOf } from '../tableColumns';

const PENDING = '…';

function freshnessText(freshness: TableFreshnessResponse): ReactNode {
  const change = freshness.lastDataChange;
  if (!change) {
    return 'No data written yet';
  }
  const counts = [
    change.addedRecords ? `+${formatCount(change.addedRecords)}` : undefined,
    change.deletedRecords
      ? `−${formatCount(change.deletedRecords)}`
      : undefined,
  ].filter(Boolean);
  return (
    <span title={change.timestamp}>
      {relativeTime(change.timestamp)}
      {` (${[change.operation ?? 'unknown operation', ...counts].join(', ')})`}
    </span>
  );
}

function icebergPartitionText(metadata: TableMetadataResponse): string {
  if (!metadata.partitionSpec.length) {
    return 'Unpartitioned';
  }
  return metadata.partitionSpec
    .map(f =>
      f.transform === 'identity'
        ? f.sourceColumn ?? f.name
        : `${f.transform}(${f.sourceColumn ?? f.name})`,
    )
    .join(', ');
}

function gluePartitionText(columns: TableColumnSpec[]): string {
  const partitions = columns.filter(c => c.partition).map(c => c.name);
  return partitions.length ? partitions.join(', ') : 'Unpartitioned';
}

/**
 * The overview card of a table entity: layer, format, location, owner, partition spec and,
 * for Iceberg tables, freshness, records and size from the latest snapshot.
 *
 * @public
 */
export function TableOverviewCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};
  const iceberg = isIcebergTable(entity) && !!metadataLocationOf(entity);
  const freshness = useTableFreshness(entityRef, iceberg);
  const metadata = useTableMetadata(entityRef, iceberg);
  const owner = typeof entity.spec?.owner === 'string' ? entity.spec.owner : '';

  const fromBackend = (
    state: { loading: boolean; error?: Error; value?: unknown },
    render: () => ReactNode,
  ): ReactNode => {
    if (!iceberg) {
      return 'Only for Iceberg tables';
    }
    if (state.loading) {
      return PENDING;
    }
    if (state.error || !state.value) {
      return 'Unavailable';
    }
    return render();
  };

  const formatVersion = annotations[DATALAKE_ANNOTATIONS.icebergFormatVersion];
  const details: Record<string, ReactNode> = {
    Layer: annotations[DATALAKE_ANNOTATIONS.layer] ?? '–',
    Database: annotations[DATALAKE_ANNOTATIONS.database] ?? '–',
    Format: isIcebergTable(entity)
      ? `Iceberg${formatVersion ? ` v${formatVersion}` : ''}`
      : 'Glue table',
    Location: annotations[DATALAKE_ANNOTATIONS.location] ?? '–',
    Owner: owner ? (
      <EntityRefLink entityRef={owner} defaultKind="group" />
    ) : (
      '–'
    ),
    'Partition spec': iceberg
      ? fromBackend(metadata, () => icebergPartitionText(metadata.value!))
      : gluePartitionText(tableColumnsOf(entity)),
    'Last data change': fromBackend(freshness, () =>
      freshnessText(freshness.value!),
    ),
    Records: fromBackend(freshness, () =>
      formatCount(freshness.value!.totalRecords),
    ),
    Size: fromBackend(freshness, () =>
      freshness.value!.totalFilesSize === null
        ? '–'
        : formatBytes(freshness.value!.totalFilesSize),
    ),
  };

  const error = freshness.error ?? metadata.error;
  return (
    <InfoCard title="Table">
      <StructuredMetadataTable metadata={details} />
      {iceberg && freshness.value && (
        <Typography variant="caption" color="textSecondary">
          Compactions do not count as data changes. Read from{' '}
          {freshness.value.metadataLocation}
        </Typography>
      )}
      {error && (
        <WarningPanel
          severity="error"
          title="Could not read the table's Iceberg metadata"
          message={errorMessage(error)}
        />
      )}
    </InfoCard>
  );
}
