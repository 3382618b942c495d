import {
  nextScheduledRun,
  parseScheduleExpression,
  ScheduleTiming,
} from './scheduleExpressions';

const next = (schedule: ScheduleTiming, now: string) =>
  nextScheduledRun(schedule, new Date(now))?.toISOString();

describe('nextScheduledRun', () => {
  describe('rate(…)', () => {
    it('runs every interval from its start date', () => {
      const schedule = {
        expression: 'rate(15 minutes)',
        startDate: new Date('2026-03-01T10:00:00Z'),
      };
      expect(next(schedule, '2026-03-01T10:20:00Z')).toBe(
        '2026-03-01T10:30:00.000Z',
      );
      // Strictly after now: a run due this instant is the one that just happened.
      expect(next(schedule, '2026-03-01T10:30:00Z')).toBe(
        '2026-03-01T10:45:00.000Z',
      );
      // Before the start date, the start date is the first run.
      expect(next(schedule, '2026-03-01T09:00:00Z')).toBe(
        '2026-03-01T10:00:00.000Z',
      );
    });

    it('starts at its creation without a start date, and counts a day as 24 hours', () => {
      const schedule = {
        expression: 'rate(1 day)',
        timezone: 'Europe/Berlin',
        createdAt: new Date('2026-03-28T12:00:00Z'),
      };
      // Berlin's clocks go forward on 2026-03-29; the rate does not follow them.
      expect(next(schedule, '2026-03-29T13:00:00Z')).toBe(
        '2026-03-30T12:00:00.000Z',
      );
    });

    it('has no next run at or after its end date', () => {
      expect(
        next(
          {
            expression: 'rate(2 hours)',
            startDate: new Date('2026-03-01T00:00:00Z'),
            endDate: new Date('2026-03-01T04:00:00Z'),
          },
          '2026-03-01T02:30:00Z',
        ),
      ).toBeUndefined();
    });
  });

  describe('cron(…)', () => {
    it('finds the next minute the fields select, in UTC by default', () => {
      expect(
        next({ expression: 'cron(0 * * * ? *)' }, '2026-03-01T10:18:00Z'),
      ).toBe('2026-03-01T11:00:00.000Z');
      expect(
        next({ expression: 'cron(0 2 * * ? *)' }, '2026-03-01T02:00:00Z'),
      ).toBe('2026-03-02T02:00:00.000Z');
      // 2026-03-06 is a Friday: after its last slot comes Monday's first.
      expect(
        next(
          { expression: 'cron(15/20 9-10 ? * MON-FRI *)' },
          '2026-03-06T10:56:00Z',
        ),
      ).toBe('2026-03-09T09:15:00.000Z');
    });

    it('reads the wall clock of the time zone, across daylight saving', () => {
      const daily = {
        expression: 'cron(0 8 * * ? *)',
        timezone: 'Europe/Berlin',
      };
      // 08:00 CET is 07:00 UTC, 08:00 CEST (from 2026-03-29) is 06:00 UTC.
      expect(next(daily, '2026-03-28T08:00:00Z')).toBe(
        '2026-03-29T06:00:00.000Z',
      );
      expect(next(daily, '2026-03-27T06:00:00Z')).toBe(
        '2026-03-27T07:00:00.000Z',
      );
      // 02:30 does not exist in Berlin on 2026-03-29: that run is skipped.
      const skipped = {
        expression: 'cron(30 2 * * ? *)',
        timezone: 'Europe/Berlin',
      };
      expect(next(skipped, '2026-03-28T02:00:00Z')).toBe(
        '2026-03-30T00:30:00.000Z',
      );
      // 02:30 happens twice on 2026-10-25: it runs the first time only.
      expect(next(skipped, '2026-10-24T12:00:00Z')).toBe(
        '2026-10-25T00:30:00.000Z',
      );
      expect(next(skipped, '2026-10-25T00:31:00Z')).toBe(
        '2026-10-26T01:30:00.000Z',
      );
      expect(
        next(
          { expression: 'cron(0 9 ? * MON *)', timezone: 'America/New_York' },
          '2026-03-02T15:00:00Z',
        ),
      ).toBe('2026-03-09T13:00:00.000Z');
    });

    it('knows L, W and # in the day fields, and the year field', () => {
      expect(
        next({ expression: 'cron(0 0 L * ? *)' }, '2028-02-02T00:00:00Z'),
      ).toBe('2028-02-29T00:00:00.000Z');
      // 2026-08-01 is a Saturday: the nearest weekday in the month is Monday the 3rd.
      expect(
        next({ expression: 'cron(0 0 1W * ? *)' }, '2026-07-15T00:00:00Z'),
      ).toBe('2026-08-03T00:00:00.000Z');
      // The last Friday of March 2026 is the 27th; the second Tuesday the 10th.
      expect(
        next({ expression: 'cron(0 12 ? * 6L *)' }, '2026-03-01T00:00:00Z'),
      ).toBe('2026-03-27T12:00:00.000Z');
      expect(
        next({ expression: 'cron(0 12 ? * TUE#2 *)' }, '2026-03-01T00:00:00Z'),
      ).toBe('2026-03-10T12:00:00.000Z');
      expect(
        next({ expression: 'cron(0 0 1 JAN ? 2025)' }, '2026-03-01T00:00:00Z'),
      ).toBeUndefined();
    });

    it('does not run before its start date', () => {
      expect(
        next(
          {
            expression: 'cron(0 * * * ? *)',
            startDate: new Date('2026-03-05T00:30:00Z'),
          },
          '2026-03-01T00:00:00Z',
        ),
      ).toBe('2026-03-05T01:00:00.000Z');
    });
  });

  it('refuses what EventBridge Scheduler would refuse, with the validator message', () => {
    expect(() => parseScheduleExpression('cron(0 2 * * * *)')).toThrow(
      "exactly one of day-of-month and day-of-week must be '?'",
    );
    expect(() => parseScheduleExpression('rate(1 hours)')).toThrow(
      /rate\(1 …\) takes/,
    );
    expect(parseScheduleExpression('rate(3 hours)')).toEqual({
      kind: 'rate',
      intervalMs: 3 * 3_600_000,
    });
  });
});
