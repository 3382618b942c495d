/*
 * `yarn bench gold-sql-fuzz`: the long run of the fuzz test of the gold SQL check and the
 * row-filter validator (plugins/datalake-node/src/sql/goldSqlCheck.fuzz.test.ts runs a short one
 * in CI). Many seeded near-queries and token soups up to the size limit, each checked for an
 * accepted escape (a relation outside the allowed silver tables, a function off the allow-list,
 * escape text outside strings and comments); then the time of every adversarial shape at sizes
 * N/8, N/4, N/2 and N (least time per call over several samples, since noise on a shared machine only
 * adds time; 2 ms floor), reported as ratios to N/4 (linear: 0.5, 1, 2, 4). Exits non-zero on an
 * escape or a ratio above the bound. BENCH_FUZZ_ITERATIONS (default 20,000) and BENCH_FUZZ_SEED
 * (default 17) change the run. Writes bench/results/gold-sql-fuzz.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MAX_ROW_FILTER_LENGTH,
  validateRowFilter,
} from '@datalake-portal/backstage-plugin-datalake-common';
import {
  checkGoldSql,
  MAX_GOLD_SQL_LENGTH,
} from '../plugins/datalake-node/src/sql/goldSqlCheck';
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
} from '../plugins/datalake-node/src/sql/__testUtils__/goldSqlFuzz';

const ROOT = path.resolve(__dirname, '..');
const ITERATIONS = Number(process.env.BENCH_FUZZ_ITERATIONS ?? 20_000);
const SEED = Number(process.env.BENCH_FUZZ_SEED ?? 17);
// As in the Jest test: linear is 4× from N/4 to N, quadratic 16×.
const LINEAR_BOUND = 10;

function fuzzGold() {
  const random = seeded(SEED);
  const escapes: string[] = [];
  let accepted = 0;
  let slowestMs = 0;
  let slowest = '';
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const sql =
      i % 2 === 0
        ? nearQuery(random)
        : tokenSoup(random, i % 20 === 1 ? MAX_GOLD_SQL_LENGTH : 2_000);
    const t = performance.now();
    const escape = escapeOf(sql);
    const ms = performance.now() - t;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowest = sql.slice(0, 200);
    }
    if (escape) escapes.push(`${escape}: ${JSON.stringify(sql.slice(0, 500))}`);
    if (checkGoldSql(sql, FUZZ_SCOPE).ok) accepted++;
  }
  return {
    iterations: ITERATIONS,
    seed: SEED,
    accepted,
    escapes,
    seconds: +((performance.now() - start) / 1000).toFixed(1),
    slowestMs: +slowestMs.toFixed(1),
    slowestInput: slowest,
  };
}

function fuzzRowFilter() {
  const random = seeded(SEED);
  const wrong: string[] = [];
  let accepted = 0;
  for (let i = 0; i < ITERATIONS * 5; i++) {
    const filter = rowFilterSoup(
      random,
      i % 20 === 0 ? MAX_ROW_FILTER_LENGTH : 300,
    );
    try {
      const result = validateRowFilter(filter, ROW_FILTER_COLUMNS);
      if (result.valid) {
        accepted++;
        const unknown = result.referencedColumns.filter(
          c => !ROW_FILTER_COLUMNS.includes(c),
        );
        if (unknown.length > 0) wrong.push(`${unknown}: ${filter}`);
      }
    } catch (e) {
      wrong.push(`threw ${String(e)}: ${JSON.stringify(filter.slice(0, 200))}`);
    }
  }
  return { iterations: ITERATIONS * 5, accepted, wrong };
}

/** Milliseconds per call for each shape at N/8, N/4, N/2 and N, and the ratios to N/4. */
function scaling(
  shapes: (size: number) => Record<string, string>,
  size: number,
  run: (input: string) => void,
) {
  const sizes = [size / 8, size / 4, size / 2, size];
  const inputs = sizes.map(s => shapes(s));
  const result: Record<
    string,
    { ms: number[]; ratiosToQuarter: number[]; linear: boolean }
  > = {};
  for (const shape of Object.keys(inputs[0])) {
    for (const input of inputs) run(input[shape]);
    const ms = inputs.map(input => leastMs(() => run(input[shape]), 9, 50));
    // Below 2 ms a call is no denial of service, and garbage collection dominates: floored.
    const floor = (x: number) => Math.max(x, 2);
    const ratiosToQuarter = ms.map(m => +(floor(m) / floor(ms[1])).toFixed(2));
    result[shape] = {
      ms: ms.map(m => +m.toFixed(3)),
      ratiosToQuarter,
      linear: ratiosToQuarter[3] <= LINEAR_BOUND,
    };
  }
  return result;
}

function main() {
  // The first call loads the generated parser (about a second): measured, then left out.
  const loadStart = performance.now();
  checkGoldSql('SELECT amount FROM sakila_silver.payment', FUZZ_SCOPE);
  const loadMs = performance.now() - loadStart;

  const gold = fuzzGold();
  const rowFilter = fuzzRowFilter();
  const goldScaling = scaling(adversarial, MAX_GOLD_SQL_LENGTH - 200, sql => {
    checkGoldSql(sql, FUZZ_SCOPE);
  });
  const rowFilterShapes = (size: number): Record<string, string> => ({
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
  const rowFilterScaling = scaling(
    rowFilterShapes,
    MAX_ROW_FILTER_LENGTH,
    filter => {
      validateRowFilter(filter, ROW_FILTER_COLUMNS);
    },
  );
  const result = {
    parserLoadMs: +loadMs.toFixed(0),
    linearBound: LINEAR_BOUND,
    gold,
    goldScaling,
    rowFilter,
    rowFilterScaling,
  };
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'bench/results/gold-sql-fuzz.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
  const failed =
    gold.escapes.length > 0 ||
    rowFilter.wrong.length > 0 ||
    Object.values(goldScaling).some(s => !s.linear) ||
    Object.values(rowFilterScaling).some(s => !s.linear);
  if (failed) process.exit(1);
}

if (require.main === module) {
  main();
}
