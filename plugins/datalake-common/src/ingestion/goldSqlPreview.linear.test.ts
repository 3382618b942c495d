import { previewGoldColumns } from './goldSqlPreview';
import { previewGoldColumnsByRegex } from './__testUtils__/goldSqlPreviewByRegex';

const silver = {
  payment: [
    { name: 'payment_id', type: 'int' },
    { name: 'amount', type: 'decimal(5,2)' },
    { name: 'payment_date', type: 'timestamp' },
  ],
  staff: [{ name: 'staff_id', type: 'smallint' }],
};

/** A small, seeded generator (mulberry32), so that a failure replays. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The pieces of SQL the scanners care about, and some they must step over.
const PIECES = [
  'select ',
  'SELECT DISTINCT ',
  ' from payment',
  ' FROM staff s',
  ' join staff AS st',
  'cast(',
  'CAST (',
  'try_cast(',
  ' as ',
  ' AS ',
  'decimal(',
  '10',
  ',',
  ' 2',
  ')',
  '(',
  'sum(',
  'MIN (',
  'max(',
  'distinct ',
  'count(*)',
  'avg(',
  'amount',
  'p.amount',
  'payment_id',
  ' x',
  ' `a b`',
  ' "q"',
  '"',
  '`',
  "'s'",
  "'",
  '--',
  '\n',
  '/*',
  '*/',
  ';',
  '  ',
  '\t',
  '\u00a0',
  'date_trunc(',
  'now()',
  'current_date',
  'true',
  '1',
  '-2.5',
  '.',
  '*',
  'p.*',
  ' alias',
];

function sqlOf(next: () => number): string {
  const parts = ['select '];
  const n = 1 + Math.floor(next() * 14);
  for (let i = 0; i < n; i++) {
    parts.push(PIECES[Math.floor(next() * PIECES.length)]);
  }
  if (next() < 0.8) parts.push(' from payment p');
  return parts.join('');
}

describe('previewGoldColumns, scanners instead of regular expressions', () => {
  it('answers exactly as the former regular expressions on 20 000 random statements', () => {
    const next = random(17);
    for (let i = 0; i < 20_000; i++) {
      const sql = sqlOf(next);
      expect([sql, previewGoldColumns(sql, silver)]).toEqual([
        sql,
        previewGoldColumnsByRegex(sql, silver),
      ]);
    }
  });

  const MB = 1024 * 1024;
  /** Aggregates nested so deep that `sum(` and `)` fill 1 MB. */
  const DEPTH = Math.floor((MB - 30) / 5);
  const fill = (prefix: string, unit: string, suffix: string) =>
    prefix +
    unit.repeat(
      Math.floor((MB - prefix.length - suffix.length) / unit.length),
    ) +
    suffix;

  /** The fastest of a few runs, in milliseconds: the least disturbed by a loaded machine. */
  function fastest(sql: string): number {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = process.hrtime.bigint();
      previewGoldColumns(sql, silver);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return best;
  }

  // Each of these took seconds at 32 kB with the former expressions, hence hours at 1 MB (a run
  // of spaces or of comment openings that every position rescans), or overflowed the stack;
  // benign is a 1 MB select list of plain columns.
  it.each([
    ['unterminated block comments', fill('select a ', '/*x', ' from payment')],
    [
      'spaces before a non-name in an item',
      fill('select a', ' ', '! from payment'),
    ],
    [
      'spaces inside a cast',
      fill('select cast(a', ' ', 'x) AS c from payment'),
    ],
    [
      'spaces inside an aggregate',
      fill('select sum(', ' ', 'x) + 1 AS c from payment'),
    ],
    [
      'nested aggregates',
      `select ${'sum('.repeat(DEPTH)}amount${')'.repeat(DEPTH)} s from payment`,
    ],
    ['spaces after FROM', fill('select a from payment', ' ', '!')],
  ])('runs in linear time on 1 MB of %s', (_what, adversarial) => {
    const benign = fill('select ', 'amount, ', 'amount from payment');
    expect(adversarial.length).toBeGreaterThan(MB - 16);
    expect(Math.abs(benign.length - adversarial.length)).toBeLessThan(MB / 2);
    const benignMs = fastest(benign);
    const adversarialMs = fastest(adversarial);
    // A ratio, not a wall clock: a quadratic scan of 1 MB is a million times the linear one.
    expect(adversarialMs).toBeLessThan(Math.max(benignMs, 5) * 10);
  });
});
