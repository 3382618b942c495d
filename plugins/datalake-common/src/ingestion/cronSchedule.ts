/*
 * The schedule of an ingestion: a five-field crontab expression as people write it, checked the
 * same way in the form and in the scaffolder action, and turned into the EventBridge Scheduler
 * expression the pipeline records (six fields, `?` in one day field, Sunday = 1).
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

const MONTHS = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function numberOf(token: string, fieldIndex: number): number | undefined {
  const upper = token.toUpperCase();
  if (fieldIndex === 3 && MONTHS.includes(upper)) {
    return MONTHS.indexOf(upper) + 1;
  }
  if (fieldIndex === 4 && DAYS.includes(upper)) {
    return DAYS.indexOf(upper);
  }
  return /^\d{1,2}$/.test(token) ? Number(token) : undefined;
}

function fieldError(part: string, index: number): string | undefined {
  const { name, min, max } = FIELDS[index];
  for (const item of part.split(',')) {
    const [range, step, ...rest] = item.split('/');
    if (
      rest.length > 0 ||
      (step !== undefined && !/^[1-9]\d{0,1}$/.test(step))
    ) {
      return `the ${name} field '${part}' has an invalid step`;
    }
    if (range === '*') {
      continue;
    }
    const bounds = range.split('-');
    if (bounds.length > 2) {
      return `the ${name} field '${part}' is not a value, range or list`;
    }
    const values = bounds.map(b => numberOf(b, index));
    if (values.some(v => v === undefined || v < min || v > max)) {
      return `the ${name} field '${part}' must hold values from ${min} to ${max}`;
    }
    if (values.length === 2 && values[0]! > values[1]!) {
      return `the ${name} field '${part}' has a range that runs backwards`;
    }
  }
  return undefined;
}

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week). Returns the
 * message to show, or `undefined` when the expression is valid.
 *
 * @public
 */
export function validateCronExpression(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5) {
    return `Invalid schedule '${expression}': a cron expression has five fields (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'`;
  }
  for (let i = 0; i < parts.length; i++) {
    const problem = fieldError(parts[i], i);
    if (problem) {
      return `Invalid schedule '${expression}': ${problem}`;
    }
  }
  if (parts[2] !== '*' && parts[4] !== '*') {
    return `Invalid schedule '${expression}': set the day of month or the day of week, not both (EventBridge Scheduler runs one of them)`;
  }
  return undefined;
}

/**
 * The EventBridge Scheduler expression of a valid five-field cron expression, e.g.
 * `0 2 * * 1-5` → `cron(0 2 ? * 2-6 *)`.
 *
 * @public
 */
export function toEventBridgeCron(expression: string): string {
  const [minute, hour, dom, month, dow] = expression.trim().split(/\s+/);
  // EventBridge numbers the days 1 (Sunday) to 7 (Saturday); crontab 0 or 7 (Sunday) to 6.
  const eventBridgeDow = dow
    .split(',')
    .map(item => {
      const [range, step] = item.split('/');
      const mapped =
        range === '*'
          ? '*'
          : range
              .split('-')
              .map(b => String((numberOf(b, 4)! % 7) + 1))
              .join('-');
      return step ? `${mapped}/${step}` : mapped;
    })
    .join(',');
  return dow === '*'
    ? `cron(${minute} ${hour} ${dom} ${month} ? *)`
    : `cron(${minute} ${hour} ? ${month} ${eventBridgeDow} *)`;
}

function listOf(part: string, names?: string[]): string {
  return part
    .split(',')
    .map(item =>
      item
        .split('-')
        .map(v => (names && /^\d+$/.test(v) ? names[Number(v)] ?? v : v))
        .join(' to '),
    )
    .join(', ');
}

function two(value: string): string {
  return value.padStart(2, '0');
}

/**
 * A readable English description of a valid five-field cron expression (UTC), for the form's
 * preview, e.g. `0 2 * * 1-5` → "At 02:00 UTC, Monday to Friday".
 *
 * @public
 */
export function describeCronExpression(expression: string): string {
  const [minute, hour, dom, month, dow] = expression.trim().split(/\s+/);
  let time: string;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) {
    time = `At ${two(hour)}:${two(minute)} UTC`;
  } else if (minute.startsWith('*/') && hour === '*') {
    time = `Every ${minute.slice(2)} minutes`;
  } else if (minute === '*' && hour === '*') {
    time = 'Every minute';
  } else if (/^\d+$/.test(minute) && hour === '*') {
    time = `At minute ${minute} of every hour`;
  } else if (/^\d+$/.test(minute) && hour.startsWith('*/')) {
    time = `At minute ${minute} every ${hour.slice(2)} hours`;
  } else {
    time = `At minute ${listOf(minute)} past hour ${listOf(hour)} UTC`;
  }
  const days: string[] = [];
  if (dom !== '*') days.push(`on day ${listOf(dom)} of the month`);
  if (dow !== '*') {
    days.push(
      listOf(
        dow.toUpperCase().replace(/[A-Z]{3}/g, d => String(DAYS.indexOf(d))),
        DAY_NAMES,
      ),
    );
  }
  if (month !== '*') {
    days.push(
      `in ${listOf(
        month
          .toUpperCase()
          .replace(/[A-Z]{3}/g, m => String(MONTHS.indexOf(m) + 1)),
        ['', ...MONTH_NAMES],
      )}`,
    );
  }
  if (days.length === 0) days.push('every day');
  return `${time}, ${days.join(', ')}`;
}
