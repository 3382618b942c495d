/*
 * EventBridge Scheduler's schedule expressions, parsed into what the emulator needs to fire them:
 * `rate(value unit)`, `cron(minutes hours day-of-month month day-of-week year)` and
 * `at(yyyy-mm-ddThh:mm:ss)`, each evaluated in the schedule's `ScheduleExpressionTimezone`
 * ("Schedule types on EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
 *
 * The portal has its own validator (`validateScheduleExpression` in datalake-common); the emulator
 * does not reuse it on purpose. The emulator stands in for AWS when the portal's actions are
 * tested, so it must judge expressions independently (a bug in the portal's checker would
 * otherwise be confirmed by the emulator instead of caught), it needs `at(...)` and a parse into
 * value sets that the checker does not produce, and `aws-local` depends on no plugin.
 */
import { AwsError } from '../../core/types';

export type CronSpec = {
  kind: 'cron';
  minutes: number[];
  hours: number[];
  /** `undefined` when the field is `?`. */
  dayOfMonth?: DayOfMonthItem[];
  months: number[];
  dayOfWeek?: DayOfWeekItem[];
  years: number[];
};
type DayOfMonthItem = number | 'L' | { nearestWeekday: number };
type DayOfWeekItem =
  | number
  | { lastOfMonth: number }
  | { nth: number; weekday: number };

export type ParsedExpression =
  | { kind: 'rate'; intervalMs: number }
  | CronSpec
  /** Local wall-clock fields of a one-time schedule. */
  | { kind: 'at'; local: LocalTime };

export type LocalTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

const MONTHS = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' ');
const DAYS = 'SUN MON TUE WED THU FRI SAT'.split(' ');
const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = {
  minute: MINUTE,
  hour: 60 * MINUTE,
  // A day is 24 hours on the clock, also across a daylight saving change (User Guide, DST).
  day: 24 * 60 * MINUTE,
};

function invalid(expression: string, why: string): AwsError {
  return new AwsError(
    'ValidationException',
    `Invalid Schedule Expression ${expression}. ${why}`,
  );
}

type Field = { min: number; max: number; names?: string[] };
const FIELDS: Record<string, Field> = {
  minutes: { min: 0, max: 59 },
  hours: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  months: { min: 1, max: 12, names: MONTHS },
  dayOfWeek: { min: 1, max: 7, names: DAYS },
  years: { min: 1970, max: 2199 },
};

function value(token: string, field: Field): number | undefined {
  const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(token)) return undefined;
  const v = Number(token);
  return v >= field.min && v <= field.max ? v : undefined;
}

/** `*`, `v`, `a-b`, each optionally `/step`, as the sorted list of values it selects. */
function rangeValues(item: string, field: Field): number[] | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return undefined;
  if (step !== undefined && !/^[1-9]\d{0,3}$/.test(step)) return undefined;
  let from: number | undefined;
  let to: number | undefined;
  if (range === '*') {
    from = field.min;
    to = field.max;
  } else {
    const bounds = range.split('-');
    if (bounds.length > 2) return undefined;
    from = value(bounds[0], field);
    // `5/15` runs from 5 to the end of the field.
    if (bounds.length === 2) to = value(bounds[1], field);
    else to = step !== undefined ? field.max : from;
  }
  if (from === undefined || to === undefined || from > to) return undefined;
  const values: number[] = [];
  for (let v = from; v <= to; v += step ? Number(step) : 1) values.push(v);
  return values;
}

function plainField(text: string, field: Field): number[] | undefined {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const selected = rangeValues(item, field);
    if (!selected) return undefined;
    selected.forEach(v => values.add(v));
  }
  return [...values].sort((a, b) => a - b);
}

function dayOfMonthField(text: string): DayOfMonthItem[] | undefined {
  const items: DayOfMonthItem[] = [];
  for (const item of text.split(',')) {
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (item === 'L') items.push('L');
    else if (weekday) {
      const day = value(weekday[1], FIELDS.dayOfMonth);
      if (day === undefined) return undefined;
      items.push({ nearestWeekday: day });
    } else {
      const values = rangeValues(item, FIELDS.dayOfMonth);
      if (!values) return undefined;
      items.push(...values);
    }
  }
  return items;
}

function dayOfWeekField(text: string): DayOfWeekItem[] | undefined {
  const items: DayOfWeekItem[] = [];
  for (const item of text.split(',')) {
    const last = /^([^#/L-]+)L$/.exec(item);
    const nth = /^([^#/-]+)#([1-5])$/.exec(item);
    if (item === 'L') {
      // `L` alone is the last day of the week, Saturday.
      items.push(7);
    } else if (last) {
      const weekday = value(last[1], FIELDS.dayOfWeek);
      if (weekday === undefined) return undefined;
      items.push({ lastOfMonth: weekday });
    } else if (nth) {
      const weekday = value(nth[1], FIELDS.dayOfWeek);
      if (weekday === undefined) return undefined;
      items.push({ nth: Number(nth[2]), weekday });
    } else {
      const values = rangeValues(item, FIELDS.dayOfWeek);
      if (!values) return undefined;
      items.push(...values);
    }
  }
  return items;
}

function parseCron(expression: string, body: string): CronSpec {
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some(f => f === '')) {
    throw invalid(expression, 'A cron expression has six fields.');
  }
  const [min, hour, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) {
    throw invalid(
      expression,
      "Exactly one of the day-of-month and day-of-week fields must be '?'.",
    );
  }
  const spec = {
    kind: 'cron' as const,
    minutes: plainField(min, FIELDS.minutes),
    hours: plainField(hour, FIELDS.hours),
    dayOfMonth: dom === '?' ? undefined : dayOfMonthField(dom),
    months: plainField(month, FIELDS.months),
    dayOfWeek: dow === '?' ? undefined : dayOfWeekField(dow),
    years: plainField(year, FIELDS.years),
  };
  const names: Record<string, string> = {
    minutes: min,
    hours: hour,
    months: month,
    years: year,
  };
  for (const [key, text] of Object.entries(names)) {
    if (!(spec as any)[key]) {
      throw invalid(expression, `The ${key} field '${text}' is not valid.`);
    }
  }
  if (dom !== '?' && !spec.dayOfMonth) {
    throw invalid(expression, `The day-of-month field '${dom}' is not valid.`);
  }
  if (dow !== '?' && !spec.dayOfWeek) {
    throw invalid(expression, `The day-of-week field '${dow}' is not valid.`);
  }
  return spec as CronSpec;
}

/** Parses a schedule expression or throws the ValidationException AWS answers with. */
export function parseScheduleExpression(expression: unknown): ParsedExpression {
  if (
    typeof expression !== 'string' ||
    expression.length < 1 ||
    expression.length > 256
  ) {
    throw new AwsError(
      'ValidationException',
      'ScheduleExpression must be a string of 1 to 256 characters',
    );
  }
  const call = /^(cron|rate|at)\((.*)\)$/.exec(expression);
  if (!call) {
    throw invalid(expression, 'Use rate(...), cron(...) or at(...).');
  }
  const [, kind, body] = call;
  if (kind === 'rate') {
    const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
    const amount = match ? Number(match[1]) : 0;
    // AWS wants the singular unit for 1 and the plural otherwise.
    if (!match || amount < 1 || (amount === 1) !== !match[2].endsWith('s')) {
      throw invalid(
        expression,
        'A rate expression is rate(value unit) with a positive value and minute(s), hour(s) or day(s).',
      );
    }
    return {
      kind: 'rate',
      intervalMs: amount * UNIT_MS[match[2].replace(/s$/, '')],
    };
  }
  if (kind === 'at') {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
    const local = m && {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
    };
    const check =
      local &&
      new Date(
        Date.UTC(
          local.year,
          local.month - 1,
          local.day,
          local.hour,
          local.minute,
          local.second,
        ),
      );
    if (
      !local ||
      !check ||
      check.getUTCMonth() !== local.month - 1 ||
      check.getUTCDate() !== local.day ||
      local.hour > 23 ||
      local.minute > 59 ||
      local.second > 59
    ) {
      throw invalid(
        expression,
        'A one-time schedule is at(yyyy-mm-ddThh:mm:ss).',
      );
    }
    return { kind: 'at', local };
  }
  return parseCron(expression, body);
}

/** Throws a ValidationException unless `zone` is an IANA time zone name. */
export function checkTimezone(zone: unknown): string {
  if (zone === undefined || zone === null) return 'UTC';
  if (typeof zone !== 'string' || zone.length < 1 || zone.length > 50) {
    throw new AwsError(
      'ValidationException',
      'ScheduleExpressionTimezone must be 1 to 50 characters',
    );
  }
  try {
    Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions();
  } catch {
    throw new AwsError(
      'ValidationException',
      `Invalid ScheduleExpressionTimezone ${zone}.`,
    );
  }
  return zone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in a time zone. */
export function localTimeOf(ms: number, zone: string): LocalTime {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(new Date(ms)).map(p => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const asUtc = (t: LocalTime) =>
  Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/**
 * The instant a wall-clock time names in a zone: the earlier one when it occurs twice (the hour
 * repeated when clocks go back, so the schedule runs once), `undefined` when it does not occur
 * (the hour skipped when clocks go forward, so the invocation is skipped), as the User Guide's
 * "Daylight savings time on EventBridge Scheduler" section describes.
 */
export function instantOf(local: LocalTime, zone: string): number | undefined {
  const guess = asUtc(local);
  const offsets = new Set(
    [guess - 86_400_000, guess, guess + 86_400_000].map(
      probe => asUtc(localTimeOf(probe, zone)) - probe,
    ),
  );
  const candidates = [...offsets]
    .map(offset => guess - offset)
    .filter(ms => asUtc(localTimeOf(ms, zone)) === guess)
    .sort((a, b) => a - b);
  return candidates[0];
}

function daysInMonth(year: number, month: number) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of week of a date, 1 (Sunday) to 7 (Saturday) as cron counts. */
function weekdayOf(year: number, month: number, day: number) {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekday(year: number, month: number, day: number) {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = weekdayOf(year, month, day);
  // Saturday → Friday before (or Monday after on the 1st); Sunday → Monday after (or Friday before).
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function dayMatches(spec: CronSpec, year: number, month: number, day: number) {
  const last = daysInMonth(year, month);
  if (spec.dayOfMonth) {
    return spec.dayOfMonth.some(item => {
      if (item === 'L') return day === last;
      if (typeof item === 'number') return item === day;
      return nearestWeekday(year, month, item.nearestWeekday) === day;
    });
  }
  const weekday = weekdayOf(year, month, day);
  return spec.dayOfWeek!.some(item => {
    if (typeof item === 'number') return item === weekday;
    if ('lastOfMonth' in item) {
      return item.lastOfMonth === weekday && day + 7 > last;
    }
    return item.weekday === weekday && Math.ceil(day / 7) === item.nth;
  });
}

/** The first minute matching a cron spec in `zone` at or after `fromMs`, if any. */
export function nextCronTime(
  spec: CronSpec,
  zone: string,
  fromMs: number,
): number | undefined {
  // Invocations are on whole minutes.
  const from = Math.ceil(fromMs / MINUTE) * MINUTE;
  const start = localTimeOf(from, zone);
  for (const year of spec.years) {
    if (year < start.year) continue;
    for (const month of spec.months) {
      if (year === start.year && month < start.month) continue;
      const firstDay =
        year === start.year && month === start.month ? start.day : 1;
      for (let day = firstDay; day <= daysInMonth(year, month); day++) {
        if (!dayMatches(spec, year, month, day)) continue;
        for (const hour of spec.hours) {
          for (const minute of spec.minutes) {
            const at = instantOf(
              { year, month, day, hour, minute, second: 0 },
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
