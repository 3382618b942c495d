/*
 * When an EventBridge Scheduler schedule runs next: `rate(value unit)` and `cron(minutes hours
 * day-of-month month day-of-week year)` evaluated in the schedule's time zone, as "Schedule types
 * in EventBridge Scheduler" describes them
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 *
 *  - a rate schedule starts at its `StartDate`, or at once when it has none, and then runs every
 *    interval; a day is 24 hours, also across a daylight saving change;
 *  - a cron schedule runs on the whole minutes its fields select, on the wall clock of its
 *    `ScheduleExpressionTimezone` (UTC when unset); a time the clocks skip when they go forward is
 *    skipped, a time they repeat when they go back runs once, the first time;
 *  - no invocation before `StartDate` or at or after `EndDate`.
 *
 * The grammar is checked by `validateScheduleExpression` (../ingestion/scheduleExpression.ts), the
 * one validator of the portal; this file only evaluates what it accepts. The emulator
 * (`packages/aws-local`) keeps its own evaluator on purpose: it stands in for AWS in the tests of
 * this code, so it must not share it.
 */
import { validateScheduleExpression } from '../ingestion/scheduleExpression';

const MINUTE_MS = 60_000;
const RATE_UNIT_MS: Record<string, number> = {
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
};
const MONTH_NAMES = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(
  ' ',
);
const DAY_NAMES = 'SUN MON TUE WED THU FRI SAT'.split(' ');

/** One item of the day-of-month field. */
type MonthDay = { day: number } | { last: true } | { nearestWeekday: number };
/** One item of the day-of-week field (1 = Sunday … 7 = Saturday). */
type WeekDay =
  | { weekday: number }
  | { lastOf: number }
  | { weekday: number; nth: number };

/** A cron expression as the value sets it selects. */
interface CronFields {
  minutes: number[];
  hours: number[];
  monthDays?: MonthDay[];
  months: number[];
  weekDays?: WeekDay[];
  years: number[];
}

/**
 * A parsed schedule expression: a rate as its interval, a cron as its value sets.
 *
 * @public
 */
export type ScheduleExpressionPlan =
  | { kind: 'rate'; intervalMs: number }
  | ({ kind: 'cron' } & CronFields);

function numberIn(
  token: string,
  min: number,
  max: number,
  names?: string[],
): number {
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + 1 : Number(token);
  return Math.min(max, Math.max(min, value));
}

/** `*`, `v`, `a-b`, each with an optional `/step`, as the values it selects. */
function selected(
  item: string,
  min: number,
  max: number,
  names?: string[],
): number[] {
  const [range, step] = item.split('/');
  let from = min;
  let to = max;
  if (range !== '*') {
    const bounds = range.split('-').map(b => numberIn(b, min, max, names));
    from = bounds[0];
    if (bounds.length === 2) to = bounds[1];
    // `5/15` runs from 5 to the end of the field; `5` alone is 5.
    else if (step === undefined) to = from;
  }
  const by = step === undefined ? 1 : Number(step);
  const values: number[] = [];
  for (let v = from; v <= to; v += by) values.push(v);
  return values;
}

function field(text: string, min: number, max: number, names?: string[]) {
  const values = new Set(
    text.split(',').flatMap(item => selected(item, min, max, names)),
  );
  return [...values].sort((a, b) => a - b);
}

function monthDays(text: string): MonthDay[] {
  return text.split(',').flatMap((item): MonthDay[] => {
    if (item === 'L') return [{ last: true }];
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return [{ nearestWeekday: Number(weekday[1]) }];
    return selected(item, 1, 31).map(day => ({ day }));
  });
}

function weekDays(text: string): WeekDay[] {
  return text.split(',').flatMap((item): WeekDay[] => {
    // `L` alone is the last day of the week, Saturday.
    if (item === 'L') return [{ weekday: 7 }];
    const last = /^(.+)L$/.exec(item);
    if (last) return [{ lastOf: numberIn(last[1], 1, 7, DAY_NAMES) }];
    const nth = /^(.+)#([1-5])$/.exec(item);
    if (nth) {
      return [
        { weekday: numberIn(nth[1], 1, 7, DAY_NAMES), nth: Number(nth[2]) },
      ];
    }
    return selected(item, 1, 7, DAY_NAMES).map(weekday => ({ weekday }));
  });
}

/**
 * Parses a `rate(…)` or `cron(…)` expression; throws with the validator's message when it is not
 * one EventBridge Scheduler accepts.
 *
 * @public
 */
export function parseScheduleExpression(
  expression: string,
): ScheduleExpressionPlan {
  const problem = validateScheduleExpression(expression);
  if (problem) throw new Error(problem);
  const [, kind, body] = /^(cron|rate)\((.*)\)$/.exec(expression)!;
  if (kind === 'rate') {
    const [amount, unit] = body.split(' ');
    return {
      kind: 'rate',
      intervalMs: Number(amount) * RATE_UNIT_MS[unit.replace(/s$/, '')],
    };
  }
  const [min, hour, dom, month, dow, year] = body.split(' ');
  return {
    kind: 'cron',
    minutes: field(min, 0, 59),
    hours: field(hour, 0, 23),
    monthDays: dom === '?' ? undefined : monthDays(dom),
    months: field(month, 1, 12, MONTH_NAMES),
    weekDays: dow === '?' ? undefined : weekDays(dow),
    years: field(year, 1970, 2199),
  };
}

type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
};

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of an instant in a time zone. */
function wallClockOf(ms: number, zone: string): WallClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    clocks.set(zone, clock);
  }
  const parts: Record<string, number> = {};
  for (const p of clock.formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
  };
}

const asUtcMs = (t: WallClock) =>
  Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);

/**
 * The first instant a wall-clock minute names in a zone; undefined when the clocks skip it.
 * Offsets are taken a day either side, which covers every daylight saving change.
 */
function instantOfWallClock(t: WallClock, zone: string): number | undefined {
  const naive = asUtcMs(t);
  const offsets = new Set(
    [naive - 86_400_000, naive, naive + 86_400_000].map(
      probe => asUtcMs(wallClockOf(probe, zone)) - probe,
    ),
  );
  const matches = [...offsets]
    .map(offset => naive - offset)
    .filter(ms => asUtcMs(wallClockOf(ms, zone)) === naive);
  return matches.length ? Math.min(...matches) : undefined;
}

const daysIn = (year: number, month: number) =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** 1 (Sunday) to 7 (Saturday), as cron counts. */
const weekdayOf = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** The weekday nearest to a day of the month, not leaving the month (`15W`). */
function nearestWeekdayTo(year: number, month: number, day: number) {
  const last = daysIn(year, month);
  if (day > last) return undefined;
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function runsOn(cron: CronFields, year: number, month: number, day: number) {
  const last = daysIn(year, month);
  if (cron.monthDays) {
    return cron.monthDays.some(item => {
      if ('last' in item) return day === last;
      if ('nearestWeekday' in item) {
        return nearestWeekdayTo(year, month, item.nearestWeekday) === day;
      }
      return item.day === day;
    });
  }
  const weekday = weekdayOf(year, month, day);
  return (cron.weekDays ?? []).some(item => {
    if ('lastOf' in item) return item.lastOf === weekday && day + 7 > last;
    if ('nth' in item) {
      return item.weekday === weekday && Math.ceil(day / 7) === item.nth;
    }
    return item.weekday === weekday;
  });
}

function nextCronRun(
  cron: CronFields,
  zone: string,
  fromMs: number,
): number | undefined {
  const from = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS;
  const start = wallClockOf(from, zone);
  for (const year of cron.years.filter(y => y >= start.year)) {
    for (const month of cron.months) {
      if (year === start.year && month < start.month) continue;
      const sameMonth = year === start.year && month === start.month;
      for (
        let day = sameMonth ? start.day : 1;
        day <= daysIn(year, month);
        day++
      ) {
        if (!runsOn(cron, year, month, day)) continue;
        for (const hour of cron.hours) {
          for (const minute of cron.minutes) {
            const at = instantOfWallClock(
              { year, month, day, hour, minute },
              zone,
            );
            if (at !== undefined && at >= from) return at;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * What decides when a schedule runs: the fields of Scheduler's `GetSchedule` answer.
 *
 * @public
 */
export interface ScheduleTiming {
  expression: string;
  /** IANA zone name; UTC when unset. */
  timezone?: string;
  startDate?: Date;
  endDate?: Date;
  /** When the schedule was created: a rate schedule without `startDate` starts then. */
  createdAt?: Date;
}

/**
 * The next time an enabled schedule invokes its target after `now`, or undefined when it will
 * not run again (past its end date, or a cron whose years are over). Throws on an expression
 * that is not `rate(…)` or `cron(…)`.
 *
 * @public
 */
export function nextScheduledRun(
  schedule: ScheduleTiming,
  now: Date,
): Date | undefined {
  const plan = parseScheduleExpression(schedule.expression);
  const zone = schedule.timezone || 'UTC';
  const startMs = schedule.startDate?.getTime();
  const nowMs = now.getTime();
  let next: number | undefined;
  if (plan.kind === 'rate') {
    const origin = startMs ?? schedule.createdAt?.getTime() ?? nowMs;
    const intervals = Math.max(
      0,
      Math.floor((nowMs - origin) / plan.intervalMs) + 1,
    );
    next = origin > nowMs ? origin : origin + intervals * plan.intervalMs;
  } else {
    next = nextCronRun(plan, zone, Math.max(nowMs + 1, startMs ?? 0));
  }
  if (next === undefined) return undefined;
  const endMs = schedule.endDate?.getTime();
  if (endMs !== undefined && next >= endMs) return undefined;
  return new Date(next);
}
