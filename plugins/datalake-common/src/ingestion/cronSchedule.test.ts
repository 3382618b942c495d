import {
  describeCronExpression,
  toEventBridgeCron,
  validateCronExpression,
} from './cronSchedule';

describe('validateCronExpression', () => {
  it.each([
    '0 2 * * *',
    '*/15 * * * *',
    '30 6 1 * *',
    '0 8 * * MON-FRI',
    '0 0 * JAN,JUL 0',
  ])('accepts %s', expression =>
    expect(validateCronExpression(expression)).toBeUndefined(),
  );

  it.each([
    ['0 2 * *', /has five fields/],
    ['61 2 * * *', /minute field '61' must hold values from 0 to 59/],
    ['0 24 * * *', /hour field '24'/],
    ['0 2 * * 1-9', /day of week field '1-9'/],
    ['0 2 5-1 * *', /runs backwards/],
    ['0 2 1 * 1', /not both/],
    ['*/0 * * * *', /invalid step/],
    ['every day', /has five fields/],
  ])('refuses %s', (expression, message) => {
    expect(validateCronExpression(expression)).toMatch(message);
  });
});

describe('toEventBridgeCron', () => {
  it.each([
    ['0 2 * * *', 'cron(0 2 * * ? *)'],
    ['0 8 * * 1-5', 'cron(0 8 ? * 2-6 *)'],
    ['0 8 * * 0,6', 'cron(0 8 ? * 1,7 *)'],
    ['0 8 * * SUN', 'cron(0 8 ? * 1 *)'],
    ['15 3 1 * *', 'cron(15 3 1 * ? *)'],
  ])('%s → %s', (cron, eventBridge) => {
    expect(toEventBridgeCron(cron)).toBe(eventBridge);
  });
});

describe('describeCronExpression', () => {
  it.each([
    ['0 2 * * *', 'At 02:00 UTC, every day'],
    ['*/15 * * * *', 'Every 15 minutes, every day'],
    ['0 8 * * 1-5', 'At 08:00 UTC, Monday to Friday'],
    ['30 6 1 * *', 'At 06:30 UTC, on day 1 of the month'],
    ['0 0 * JAN,JUL *', 'At 00:00 UTC, in January, July'],
  ])('%s reads "%s"', (cron, text) => {
    expect(describeCronExpression(cron)).toBe(text);
  });
});
