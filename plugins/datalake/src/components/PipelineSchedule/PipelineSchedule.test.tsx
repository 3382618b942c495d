import { RunsResponse } from '@datalake-portal/backstage-plugin-datalake-common';
import { render, screen } from '@testing-library/react';
import { PipelineSchedule, scheduleText } from './PipelineSchedule';

const ok = { status: 'ok' as const };
const sources: RunsResponse['sources'] = {
  dms: ok,
  glue: ok,
  stepFunctions: ok,
  logs: ok,
  scheduler: ok,
};
const now = Date.parse('2026-03-01T10:18:00Z');
const hourly = {
  name: 'datalake-sakila',
  expression: 'cron(0 * * * ? *)',
  timezone: 'UTC',
  state: 'ENABLED' as const,
  nextRunAt: '2026-03-01T11:00:00.000Z',
};

describe('scheduleText', () => {
  it('says when the pipeline runs next, with its expression and time zone', () => {
    expect(scheduleText({ schedule: hourly, sources }, now)).toBe(
      'Next run: in 42 minutes (cron(0 * * * ? *), UTC)',
    );
  });

  it('says when the schedule is disabled, absent, over or unreadable', () => {
    expect(
      scheduleText(
        {
          schedule: { ...hourly, state: 'DISABLED', nextRunAt: null },
          sources,
        },
        now,
      ),
    ).toBe('Schedule disabled');
    expect(scheduleText({ schedule: null, sources }, now)).toBe('No schedule');
    expect(
      scheduleText({ schedule: { ...hourly, nextRunAt: null }, sources }, now),
    ).toBe('No further run (cron(0 * * * ? *), UTC)');
    expect(
      scheduleText(
        {
          schedule: null,
          sources: {
            ...sources,
            scheduler: {
              status: 'error',
              error: 'EventBridge Scheduler: down',
            },
          },
        },
        now,
      ),
    ).toBe('Schedule unknown');
  });
});

describe('PipelineSchedule', () => {
  it('shows the next run time on hover', () => {
    render(<PipelineSchedule runs={{ schedule: hourly, sources }} />);
    expect(screen.getByTestId('pipeline-schedule')).toHaveAttribute(
      'title',
      '2026-03-01T11:00:00.000Z',
    );
  });
});
