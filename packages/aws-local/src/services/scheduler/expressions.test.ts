import { CronSpec, nextCronTime, parseScheduleExpression } from './expressions';
import { nextFireTime, StoredSchedule } from './index';

const cron = (expression: string) =>
  parseScheduleExpression(expression) as CronSpec;
const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('schedule expressions', () => {
  it('finds the next cron minute in UTC, at or after the given time', () => {
    const daily = cron('cron(0 2 * * ? *)');
    expect(iso(nextCronTime(daily, 'UTC', at('2026-03-01T01:59:30Z')))).toBe(
      '2026-03-01T02:00:00.000Z',
    );
    expect(iso(nextCronTime(daily, 'UTC', at('2026-03-01T02:00:01Z')))).toBe(
      '2026-03-02T02:00:00.000Z',
    );
    const weekdays = cron('cron(15/20 9-10 ? * MON-FRI *)');
    // 2026-03-06 is a Friday: 10:55 is past the last slot, so Monday 9:15.
    expect(iso(nextCronTime(weekdays, 'UTC', at('2026-03-06T10:56:00Z')))).toBe(
      '2026-03-09T09:15:00.000Z',
    );
  });

  it('knows L, W and # in the day fields, and the year field', () => {
    expect(
      iso(
        nextCronTime(
          cron('cron(0 0 L * ? *)'),
          'UTC',
          at('2028-02-02T00:00:00Z'),
        ),
      ),
    ).toBe('2028-02-29T00:00:00.000Z');
    // 2026-08-01 is a Saturday: the nearest weekday of the 1st is Monday the 3rd.
    expect(
      iso(
        nextCronTime(
          cron('cron(0 0 1W * ? *)'),
          'UTC',
          at('2026-07-15T00:00:00Z'),
        ),
      ),
    ).toBe('2026-08-03T00:00:00.000Z');
    // The third Monday of January 2027 is the 18th; the last Friday is the 29th.
    expect(
      iso(
        nextCronTime(
          cron('cron(0 8 ? 1 2#3 2027)'),
          'UTC',
          at('2026-06-01T00:00:00Z'),
        ),
      ),
    ).toBe('2027-01-18T08:00:00.000Z');
    expect(
      iso(
        nextCronTime(
          cron('cron(0 8 ? 1 6L 2027)'),
          'UTC',
          at('2026-06-01T00:00:00Z'),
        ),
      ),
    ).toBe('2027-01-29T08:00:00.000Z');
    expect(
      nextCronTime(
        cron('cron(0 8 * * ? 2025)'),
        'UTC',
        at('2026-06-01T00:00:00Z'),
      ),
    ).toBeUndefined();
  });

  it('evaluates cron in the time zone, skipping the hour that does not exist and running the repeated one once', () => {
    const half2 = cron('cron(30 2 * * ? *)');
    // Europe/Paris springs forward on 2026-03-29 at 02:00: 02:30 does not exist that day.
    expect(
      iso(nextCronTime(half2, 'Europe/Paris', at('2026-03-28T02:00:00Z'))),
    ).toBe('2026-03-30T00:30:00.000Z');
    // It falls back on 2026-10-25 at 03:00: 02:30 happens twice, the schedule runs at the first.
    const first = nextCronTime(
      half2,
      'Europe/Paris',
      at('2026-10-25T00:00:00Z'),
    );
    expect(iso(first)).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextCronTime(half2, 'Europe/Paris', first! + 1))).toBe(
      '2026-10-26T01:30:00.000Z',
    );
  });

  it('steps a rate schedule from its start, and ends a one-time schedule after it fired', () => {
    const base: StoredSchedule = {
      Name: 'n',
      GroupName: 'default',
      Arn: 'arn',
      Region: 'eu-west-1',
      ScheduleExpression: 'rate(2 hours)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'arn', RoleArn: 'role' },
      ActionAfterCompletion: 'NONE',
      CreationDate: 0,
      LastModificationDate: 0,
      anchorMs: at('2026-01-01T10:00:00Z'),
    };
    expect(iso(nextFireTime(base))).toBe('2026-01-01T10:00:00.000Z');
    expect(
      iso(nextFireTime({ ...base, lastFiredMs: at('2026-01-01T10:00:00Z') })),
    ).toBe('2026-01-01T12:00:00.000Z');
    // A StartDate in the past keeps its phase: 09:00 + 2 h steps, the first one not before now.
    expect(
      iso(
        nextFireTime({ ...base, StartDate: at('2026-01-01T09:00:00Z') / 1000 }),
      ),
    ).toBe('2026-01-01T11:00:00.000Z');
    expect(
      nextFireTime({
        ...base,
        EndDate: at('2026-01-01T11:00:00Z') / 1000,
        lastFiredMs: at('2026-01-01T10:00:00Z'),
      }),
    ).toBeUndefined();
    const once = {
      ...base,
      ScheduleExpression: 'at(2026-07-01T09:00:00)',
      ScheduleExpressionTimezone: 'America/New_York',
    };
    expect(iso(nextFireTime(once))).toBe('2026-07-01T13:00:00.000Z');
    expect(nextFireTime({ ...once, lastFiredMs: 1 })).toBeUndefined();
  });
});
