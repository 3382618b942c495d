import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  FRESHNESS_SLA_ANNOTATION,
  parseFreshnessSla,
} from '@datalake-portal/backstage-plugin-datalake-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { datalakeApiRef } from '../../api';
import { errorMessage } from '../../hooks/errorMessage';
import { relativeTime } from '../../hooks/format';
import { isIcebergTable } from '../../isDatalakeTable';
import { RunStatusChip } from '../EntityRunsContent';
import { formatDuration } from '../EntityRunsContent/formatDuration';
import { PipelineSchedule } from '../PipelineSchedule';

/**
 * The status card of a table's overview: its latest run, its pipeline's next scheduled run, and
 * its freshness against the SLA declared in the `datalake-portal.io/freshness-sla` annotation.
 *
 * @public
 */
export function TableStatusCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(datalakeApiRef);
  const sla = entity.metadata.annotations?.[FRESHNESS_SLA_ANNOTATION];
  const slaMs = parseFreshnessSla(sla);
  const runs = useAsync(
    () => api.getRuns(entityRef, { limit: 1 }),
    [api, entityRef],
  );
  const iceberg = isIcebergTable(entity);
  const freshness = useAsync(
    async () => (iceberg ? api.getFreshness(entityRef) : undefined),
    [api, entityRef, iceberg],
  );

  const latest = runs.value?.runs[0];
  const changed = freshness.value?.lastDataChange?.timestamp;
  const age = changed ? Date.now() - Date.parse(changed) : undefined;
  let freshnessText: React.ReactNode = '…';
  if (!iceberg) freshnessText = 'Not an Iceberg table';
  else if (freshness.error) freshnessText = errorMessage(freshness.error);
  else if (freshness.value && !changed) freshnessText = 'No data written yet';
  else if (changed) {
    const late = slaMs !== undefined && age! > slaMs;
    freshnessText = (
      <span data-testid="freshness-status">
        {relativeTime(changed)}{' '}
        {slaMs !== undefined && (
          <RunStatusChip
            status={late ? `past SLA ${sla}` : `within SLA ${sla}`}
          />
        )}
      </span>
    );
  }

  let lastRunText: React.ReactNode = runs.loading ? '…' : 'No runs yet';
  if (latest) {
    lastRunText = (
      <span>
        <RunStatusChip status={latest.status} /> {latest.name},{' '}
        {relativeTime(latest.startedAt)} (
        {formatDuration(latest.durationSeconds)})
      </span>
    );
  }

  let scheduleNode: React.ReactNode = runs.loading ? '…' : '—';
  if (runs.value) scheduleNode = <PipelineSchedule runs={runs.value} />;

  return (
    <InfoCard title="Pipeline status">
      {runs.error && (
        <WarningPanel
          severity="error"
          title="Could not load the run status"
          message={errorMessage(runs.error)}
        />
      )}
      <StructuredMetadataTable
        metadata={{
          'Last run': lastRunText,
          Schedule: scheduleNode,
          'Last data change': freshnessText,
          'Freshness SLA': sla ?? 'None declared',
        }}
      />
      {latest?.error && (
        <Typography variant="body2" color="error">
          {latest.error}
        </Typography>
      )}
    </InfoCard>
  );
}
