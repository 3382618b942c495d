import {
  MAX_ROW_FILTER_LENGTH,
  validateRowFilter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import { checkGoldSql, MAX_GOLD_SQL_LENGTH } from './goldSqlCheck';
import {
  adversarial,
  escapeOf,
  FUZZ_SCOPE,
  leastMs,
  nearQuery,
  ROW_FILTER_COLUMNS,
  rowFilterSoup,
  seeded,
  tokenSoup,
} from './__testUtils__/goldSqlFuzz';

/*
 * A short fuzz run with a fixed seed, so that CI replays the same inputs; `yarn bench
 * gold-sql-fuzz` runs many more. Timing is a ratio within one test (size N against N/4), so it
 * holds on a loaded machine: linear is 4×, quadratic 16×, and the bound of 10× leaves room for
 * the noise of a shared two-core machine.
 */
const SEED = 17;
const LINEAR_BOUND = 10;
// A few seconds alone; on a machine shared with Spark jobs several times that.
jest.setTimeout(120_000);

/** The shapes whose time at N exceeds the bound times their time at N/4 (2 ms floor). */
function superlinear(
  shapes: (size: number) => Record<string, string>,
  size: number,
  run: (input: string) => void,
): Array<[string, number]> {
  const small = shapes(size / 4);
  const large = shapes(size);
  const found: Array<[string, number]> = [];
  for (const shape of Object.keys(large)) {
    // Warm the parser's prediction cache on this shape first: that is a one-time cost.
    run(small[shape]);
    run(large[shape]);
    const t1 = leastMs(() => run(small[shape]));
    const t4 = leastMs(() => run(large[shape]));
    // Below 2 ms a call is no denial of service, and garbage collection dominates: floored.
    const ratio = Math.max(t4, 2) / Math.max(t1, 2);
    if (ratio > LINEAR_BOUND) found.push([shape, ratio]);
  }
  return found;
}

describe('gold SQL check, fuzzed', () => {
  it('accepts no escape among near-queries, token soups and adversarial shapes', () => {
    const random = seeded(SEED);
    const escapes: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 200; i++) {
      const sql =
        i % 2 === 0
          ? nearQuery(random)
          : tokenSoup(random, i % 20 === 1 ? MAX_GOLD_SQL_LENGTH : 400);
      const escape = escapeOf(sql);
      if (escape) escapes.push(`${escape}: ${JSON.stringify(sql)}`);
      if (checkGoldSql(sql, FUZZ_SCOPE).ok) accepted++;
    }
    for (const [shape, sql] of Object.entries(
      adversarial(MAX_GOLD_SQL_LENGTH - 200),
    )) {
      const escape = escapeOf(sql);
      if (escape) escapes.push(`${shape}: ${escape}`);
    }
    expect(escapes).toEqual([]);
    // That some inputs are accepted shows the property was checked on accepted input.
    expect(accepted).toBeGreaterThan(10);
  });

  it('takes time linear in the input: size N against N/4', () => {
    expect(
      superlinear(adversarial, MAX_GOLD_SQL_LENGTH - 200, sql => {
        checkGoldSql(sql, FUZZ_SCOPE);
      }),
    ).toEqual([]);
  });
});

describe('row-filter validator, fuzzed', () => {
  it('never throws and accepts only known columns', () => {
    const random = seeded(SEED);
    const wrong: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const filter = rowFilterSoup(
        random,
        i % 20 === 0 ? MAX_ROW_FILTER_LENGTH : 200,
      );
      const result = validateRowFilter(filter, ROW_FILTER_COLUMNS);
      if (result.valid) {
        const unknown = result.referencedColumns.filter(
          c => !ROW_FILTER_COLUMNS.includes(c),
        );
        if (unknown.length > 0) wrong.push(`${unknown}: ${filter}`);
      } else if (!result.error) {
        wrong.push(`refused without a reason: ${filter}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('takes time linear in the filter: size N against N/4', () => {
    const shapes = (size: number): Record<string, string> => ({
      parentheses: `${'('.repeat(size / 2 - 5)}region = 'eu'${')'.repeat(
        size / 2 - 10,
      )}`,
      openParentheses: '('.repeat(size),
      notRun: `${'NOT '.repeat(size / 4 - 5)}region = 'eu'`,
      orChain: Array.from({ length: size / 16 }, () => "region = 'e'").join(
        ' OR ',
      ),
      whitespace: `region${' '.repeat(size - 20)}= 'eu'`,
      unterminatedString: `region = '${'x'.repeat(size - 12)}`,
    });
    for (const filter of Object.values(shapes(MAX_ROW_FILTER_LENGTH))) {
      expect(filter.length).toBeLessThanOrEqual(MAX_ROW_FILTER_LENGTH);
    }
    expect(
      superlinear(shapes, MAX_ROW_FILTER_LENGTH, filter => {
        validateRowFilter(filter, ROW_FILTER_COLUMNS);
      }),
    ).toEqual([]);
  });
});
