import { RunsResponse } from '@datalake-portal/backstage-plugin-datalake-common';
import { relativeTime } from '../../hooks/format';

/**
 * What a table page says about the schedule of the table's pipeline: when it runs next, or that
 * it is disabled, absent or could not be read.
 */
export function scheduleText(
  runs: Pick<RunsResponse, 'schedule' | 'sources'>,
  now: number = Date.now(),
): string {
  const { schedule } = runs;
  if (!schedule) {
    // The backend answers null also when Scheduler failed; the page names the failure.
    return runs.sources.scheduler?.status === 'error'
      ? 'Schedule unknown'
      : 'No schedule';
  }
  if (schedule.state === 'DISABLED') return 'Schedule disabled';
  const how = `(${schedule.expression}, ${schedule.timezone})`;
  return schedule.nextRunAt
    ? `Next run: ${relativeTime(schedule.nextRunAt, now)} ${how}`
    : `No further run ${how}`;
}

/** The schedule line of a table's pipeline. */
export function PipelineSchedule(props: {
  runs: Pick<RunsResponse, 'schedule' | 'sources'>;
}) {
  const { schedule } = props.runs;
  return (
    <span
      data-testid="pipeline-schedule"
      title={schedule?.nextRunAt ?? undefined}
    >
      {scheduleText(props.runs)}
    </span>
  );
}
