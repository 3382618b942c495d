/*
 * Choice rule evaluation: the comparison operators of the States Language (their `...Path`
 * forms too), the type tests, and the And/Or/Not combinators.
 */
import { ChoiceRule, JsonValue } from './asl';
import { readPath } from './jsonPath';
import { runtimeError } from './errors';

type Compare = (a: any, b: any) => boolean;

const TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && TIMESTAMP.test(value);
}

function wildcardMatches(value: string, pattern: string): boolean {
  // `\*` is a literal asterisk; a bare `*` matches any run of characters.
  const regex = pattern
    .split(/(\\\*|\*)/)
    .map(part => {
      if (part === '*') return '.*';
      if (part === '\\*') return '\\*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

const order = {
  Equals: (c: number) => c === 0,
  LessThan: (c: number) => c < 0,
  GreaterThan: (c: number) => c > 0,
  LessThanEquals: (c: number) => c <= 0,
  GreaterThanEquals: (c: number) => c >= 0,
};

function comparator(
  kind: 'String' | 'Numeric' | 'Timestamp',
  test: (c: number) => boolean,
): Compare {
  return (a, b) => {
    if (kind === 'String') {
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      return test(Number(a > b) - Number(a < b));
    }
    if (kind === 'Numeric') {
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return test(a - b);
    }
    if (!isTimestamp(a) || !isTimestamp(b)) return false;
    return test(Date.parse(a) - Date.parse(b));
  };
}

const COMPARISONS: Record<string, Compare> = {
  BooleanEquals: (a, b) => typeof a === 'boolean' && a === b,
  StringMatches: (a, b) =>
    typeof a === 'string' && typeof b === 'string' && wildcardMatches(a, b),
};
for (const kind of ['String', 'Numeric', 'Timestamp'] as const) {
  for (const [suffix, test] of Object.entries(order)) {
    COMPARISONS[`${kind}${suffix}`] = comparator(kind, test);
  }
}

const TYPE_TESTS: Record<string, (value: unknown) => boolean> = {
  IsNull: v => v === null,
  IsNumeric: v => typeof v === 'number',
  IsString: v => typeof v === 'string',
  IsBoolean: v => typeof v === 'boolean',
  IsTimestamp: v => isTimestamp(v),
};

function variableValue(
  rule: ChoiceRule,
  data: JsonValue,
  context: JsonValue,
): { present: boolean; value?: JsonValue } {
  try {
    return { present: true, value: readPath(rule.Variable!, data, context) };
  } catch {
    return { present: false };
  }
}

/** Evaluates one Choice rule (recursively for And/Or/Not) against the state's input. */
export function evaluateRule(
  rule: ChoiceRule,
  data: JsonValue,
  context: JsonValue,
): boolean {
  if (Array.isArray(rule.And)) {
    return rule.And.every((r: ChoiceRule) => evaluateRule(r, data, context));
  }
  if (Array.isArray(rule.Or)) {
    return rule.Or.some((r: ChoiceRule) => evaluateRule(r, data, context));
  }
  if (rule.Not !== undefined) {
    return !evaluateRule(rule.Not, data, context);
  }
  const variable = variableValue(rule, data, context);
  if (rule.IsPresent !== undefined) {
    return variable.present === rule.IsPresent;
  }
  for (const [operator, test] of Object.entries(TYPE_TESTS)) {
    if (rule[operator] !== undefined) {
      if (!variable.present) {
        throw runtimeError(
          `Invalid path '${rule.Variable}': the path could not be found in the input`,
        );
      }
      return test(variable.value) === rule[operator];
    }
  }
  for (const [operator, compare] of Object.entries(COMPARISONS)) {
    const literal = rule[operator];
    const path = rule[`${operator}Path`];
    if (literal === undefined && path === undefined) continue;
    if (!variable.present) {
      throw runtimeError(
        `Invalid path '${rule.Variable}': the path could not be found in the input`,
      );
    }
    const other = path !== undefined ? readPath(path, data, context) : literal;
    return compare(variable.value, other);
  }
  throw runtimeError(`Unsupported Choice rule: ${JSON.stringify(rule)}`);
}
