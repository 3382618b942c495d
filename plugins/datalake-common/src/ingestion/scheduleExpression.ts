/*
 * The EventBridge Scheduler expressions a pipeline may be given: `cron(…)` with its six fields and
 * `rate(…)`, checked field by field before the expression is stored, tagged or written into a
 * suggested command line. The grammar is AWS's:
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */

type CronField = {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Day fields: `?` (the other day field decides), and their own special forms. */
  day?: 'month' | 'week';
};

const MONTHS = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' ');
const DAYS = 'SUN MON TUE WED THU FRI SAT'.split(' ');

const CRON_FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, day: 'month' },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, day: 'week' },
  { name: 'year', min: 1970, max: 2199 },
];

const RATE_UNITS = ['minute', 'hour', 'day'];

function valueOf(token: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(token)) return undefined;
  const value = Number(token);
  return value >= field.min && value <= field.max ? value : undefined;
}

/** Whether one comma-separated item of a field is valid: `*`, `v`, `a-b`, each with `/step`. */
function itemIsValid(item: string, field: CronField): boolean {
  if (field.day === 'month') {
    if (item === 'L') return true;
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return valueOf(weekday[1], field) !== undefined;
  }
  if (field.day === 'week') {
    const last = /^([^#/L-]+)L$/.exec(item);
    if (item === 'L') return true;
    if (last) return valueOf(last[1], field) !== undefined;
    const nth = /^([^#/-]+)#([1-5])$/.exec(item);
    if (nth) return valueOf(nth[1], field) !== undefined;
  }
  const parts = item.split('/');
  if (parts.length > 2) return false;
  const [range, step] = parts;
  if (step !== undefined && !/^[1-9]\d{0,3}$/.test(step)) return false;
  if (range === '*') return true;
  const bounds = range.split('-');
  if (bounds.length > 2) return false;
  const values = bounds.map(b => valueOf(b, field));
  if (values.some(v => v === undefined)) return false;
  return values.length === 1 || values[0]! <= values[1]!;
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some(f => f === '')) {
    return 'cron(…) takes six fields separated by single spaces: minutes hours day-of-month month day-of-week year';
  }
  for (let i = 0; i < fields.length; i++) {
    const field = CRON_FIELDS[i];
    if (fields[i] === '?') {
      if (!field.day) return `the ${field.name} field cannot be '?'`;
      continue;
    }
    if (!fields[i].split(',').every(item => itemIsValid(item, field))) {
      return `the ${field.name} field '${fields[i]}' is not valid (values ${
        field.min
      }-${field.max}${
        field.names
          ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}`
          : ''
      })`;
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return "exactly one of day-of-month and day-of-week must be '?'";
  }
  return undefined;
}

function rateProblem(body: string): string | undefined {
  const match = /^([1-9]\d{0,5}) ([a-z]+)$/.exec(body);
  if (!match)
    return 'rate(…) takes a whole number and a unit, e.g. rate(1 hour)';
  const [, value, unit] = match;
  // AWS wants the singular for 1 and the plural otherwise.
  const units = value === '1' ? RATE_UNITS : RATE_UNITS.map(u => `${u}s`);
  if (!units.includes(unit)) {
    return `rate(${value} …) takes ${units.join(', ')}, not '${unit}'`;
  }
  return undefined;
}

/**
 * Checks an EventBridge Scheduler expression, `cron(minutes hours day-of-month month day-of-week
 * year)` or `rate(value unit)`. Returns the message to show, or `undefined` when it is valid.
 * The message quotes the expression as JSON, so that nothing in it can break a log line.
 *
 * @public
 */
export function validateScheduleExpression(
  expression: string,
): string | undefined {
  const quoted = JSON.stringify(
    expression.length > 120 ? `${expression.slice(0, 120)}…` : expression,
  );
  const invalid = (why: string) => `Invalid schedule ${quoted}: ${why}`;
  if (expression.length > 256) {
    return invalid(
      'an EventBridge schedule expression has at most 256 characters',
    );
  }
  // Only the characters of the grammar: no quotes, semicolons, line breaks or other spaces.
  if (!/^[0-9A-Za-z*?,/#\- ()]*$/.test(expression)) {
    return invalid(
      'it holds characters that are not part of a cron(…) or rate(…) expression',
    );
  }
  const call = /^(cron|rate)\(([^()]*)\)$/.exec(expression);
  if (!call) {
    return invalid('use cron(0 2 * * ? *) or rate(1 hour)');
  }
  const problem =
    call[1] === 'cron' ? cronProblem(call[2]) : rateProblem(call[2]);
  return problem ? invalid(problem) : undefined;
}
