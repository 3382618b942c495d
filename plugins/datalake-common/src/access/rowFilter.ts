/*
 * Validation of row filters before they become Lake Formation data cells filters. Lake Formation
 * takes a PartiQL condition; we accept the subset people write in practice (comparisons, AND /
 * OR / NOT, IN, BETWEEN, IS [NOT] NULL, LIKE over column names and literals) and refuse the rest
 * up front, so that an approval never fails on a filter Lake Formation would reject and nothing
 * that looks like a statement reaches AWS. Shared with the frontend for instant feedback.
 */

/** The longest row filter Lake Formation accepts. @public */
export const MAX_ROW_FILTER_LENGTH = 2048;

/** @public */
export type RowFilterValidation =
  | { valid: true; referencedColumns: string[] }
  | { valid: false; error: string };

type TokenKind =
  | 'identifier'
  | 'keyword'
  | 'string'
  | 'number'
  | 'operator'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'end';

interface Token {
  kind: TokenKind;
  /** Keywords upper-cased, identifiers as written (quotes removed). */
  text: string;
  position: number;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'IS',
  'NULL',
  'LIKE',
  'TRUE',
  'FALSE',
]);

/** Words that only make sense in a statement; named in the error so the user sees why. */
const STATEMENT_WORDS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'DROP',
  'CREATE',
  'ALTER',
  'GRANT',
  'REVOKE',
  'UNION',
  'FROM',
  'WHERE',
  'EXEC',
  'EXECUTE',
  'MERGE',
  'TRUNCATE',
]);

const OPERATORS = ['<=', '>=', '<>', '!=', '=', '<', '>', '-'];
const PUNCTUATION: Record<string, TokenKind> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
};

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

/**
 * Whitespace other than space, tab and line breaks (no-break and typographic spaces, and the
 * zero-width ones that are not `\s` in JavaScript), anywhere, literals included: it slips in
 * from copy and paste, and Lake Formation refuses such filters only when the grant is made.
 */
const UNICODE_WHITESPACE = /[^\S \t\n\r]|[\u180e\u200b-\u200d\u2060]/;

class RowFilterSyntaxError extends Error {}

function fail(message: string, position: number): never {
  throw new RowFilterSyntaxError(`${message} at character ${position + 1}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === ';') fail('Semicolons are not allowed', i);
    if (text.startsWith('--', i) || text.startsWith('/*', i)) {
      fail('Comments are not allowed', i);
    }
    if (c === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) fail('Unterminated string literal', start);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ kind: 'string', text: value, position: start });
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) fail('Unterminated quoted column name', start);
      const name = text.slice(i + 1, close);
      if (name.length === 0) fail('Empty quoted column name', start);
      tokens.push({ kind: 'identifier', text: name, position: start });
      i = close + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], position: start });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      const upper = word[0].toUpperCase();
      if (STATEMENT_WORDS.has(upper)) {
        fail(`Statements are not allowed (found ${word[0]})`, start);
      }
      tokens.push(
        KEYWORDS.has(upper)
          ? { kind: 'keyword', text: upper, position: start }
          : { kind: 'identifier', text: word[0], position: start },
      );
      i += word[0].length;
      continue;
    }
    const operator = OPERATORS.find(op => text.startsWith(op, start));
    if (operator) {
      tokens.push({ kind: 'operator', text: operator, position: start });
      i += operator.length;
      continue;
    }
    if (PUNCTUATION[c]) {
      tokens.push({ kind: PUNCTUATION[c], text: c, position: start });
      i += 1;
      continue;
    }
    fail(`Unexpected character '${c}'`, i);
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}

/** A recursive-descent parser that only checks structure and collects column references. */
class Parser {
  private index = 0;
  readonly columns = new Set<string>();

  constructor(
    private readonly tokens: Token[],
    private readonly known: Map<string, string>,
  ) {}

  parse() {
    this.expression();
    const next = this.peek();
    if (next.kind !== 'end') {
      fail(`Unexpected '${next.text}'`, next.position);
    }
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private take(): Token {
    const token = this.tokens[this.index];
    this.index += 1;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.tokens[this.index + offset];
    return token?.kind === 'keyword' && token.text === word;
  }

  private expectKeyword(word: string) {
    const token = this.take();
    if (token.kind !== 'keyword' || token.text !== word) {
      fail(`Expected ${word}`, token.position);
    }
  }

  private expression() {
    this.conjunction();
    while (this.isKeyword('OR')) {
      this.take();
      this.conjunction();
    }
  }

  private conjunction() {
    this.negation();
    while (this.isKeyword('AND')) {
      this.take();
      this.negation();
    }
  }

  private negation() {
    if (this.isKeyword('NOT')) {
      this.take();
      this.negation();
      return;
    }
    this.predicate();
  }

  private predicate() {
    const start = this.peek();
    if (start.kind === 'lparen' && !this.startsValueGroup()) {
      this.take();
      this.expression();
      this.closeParen();
      return;
    }
    const left = this.operand();
    const next = this.peek();
    if (next.kind === 'operator' && COMPARISONS.has(next.text)) {
      this.take();
      this.operand();
      return;
    }
    if (this.isKeyword('IS')) {
      this.take();
      if (this.isKeyword('NOT')) this.take();
      this.expectKeyword('NULL');
      return;
    }
    const negated = this.isKeyword('NOT');
    const offset = negated ? 1 : 0;
    if (this.isKeyword('IN', offset)) {
      this.index += offset + 1;
      this.valueList();
      return;
    }
    if (this.isKeyword('BETWEEN', offset)) {
      this.index += offset + 1;
      this.operand();
      this.expectKeyword('AND');
      this.operand();
      return;
    }
    if (this.isKeyword('LIKE', offset)) {
      this.index += offset + 1;
      const pattern = this.take();
      if (pattern.kind !== 'string') {
        fail('LIKE takes a string pattern', pattern.position);
      }
      return;
    }
    if (
      left.kind === 'keyword' &&
      (left.text === 'TRUE' || left.text === 'FALSE')
    ) {
      return;
    }
    fail('Expected a comparison, IN, BETWEEN, LIKE or IS NULL', next.position);
  }

  /** Whether a parenthesis opens a plain value such as `(1)`, which comparisons may take. */
  private startsValueGroup(): boolean {
    const inner = this.tokens[this.index + 1];
    const after = this.tokens[this.index + 2];
    const following = this.tokens[this.index + 3];
    return (
      (inner?.kind === 'number' || inner?.kind === 'string') &&
      after?.kind === 'rparen' &&
      following?.kind === 'operator' &&
      COMPARISONS.has(following.text)
    );
  }

  private operand(): Token {
    const token = this.take();
    switch (token.kind) {
      case 'identifier': {
        const column = this.known.get(token.text.toLowerCase());
        if (!column) fail(`Unknown column '${token.text}'`, token.position);
        this.columns.add(column);
        return token;
      }
      case 'string':
      case 'number':
        return token;
      case 'operator':
        if (token.text === '-' && this.peek().kind === 'number') {
          return this.take();
        }
        return fail(`Unexpected '${token.text}'`, token.position);
      case 'keyword':
        if (['TRUE', 'FALSE', 'NULL'].includes(token.text)) return token;
        return fail(`Unexpected ${token.text}`, token.position);
      case 'lparen': {
        const value = this.operand();
        this.closeParen();
        return value;
      }
      case 'end':
        return fail('Unexpected end of the filter', token.position);
      default:
        return fail(`Unexpected '${token.text}'`, token.position);
    }
  }

  private valueList() {
    const open = this.take();
    if (open.kind !== 'lparen')
      fail('IN takes a list in parentheses', open.position);
    for (;;) {
      const value = this.take();
      if (value.kind === 'operator' && value.text === '-') {
        const number = this.take();
        if (number.kind !== 'number')
          fail('Expected a number', number.position);
      } else if (
        value.kind !== 'string' &&
        value.kind !== 'number' &&
        !(
          value.kind === 'keyword' &&
          ['TRUE', 'FALSE', 'NULL'].includes(value.text)
        )
      ) {
        fail('IN lists hold literals only', value.position);
      }
      const separator = this.take();
      if (separator.kind === 'rparen') return;
      if (separator.kind !== 'comma')
        fail("Expected ',' or ')'", separator.position);
    }
  }

  private closeParen() {
    const token = this.take();
    if (token.kind !== 'rparen') fail("Expected ')'", token.position);
  }
}

/**
 * Checks a row filter against a table's column names: a single PartiQL condition of at most
 * {@link MAX_ROW_FILTER_LENGTH} characters, referencing only those columns.
 *
 * @public
 */
export function validateRowFilter(
  expression: string,
  columnNames: readonly string[],
): RowFilterValidation {
  if (expression.trim().length === 0) {
    return { valid: false, error: 'The row filter is empty' };
  }
  if (expression.length > MAX_ROW_FILTER_LENGTH) {
    return {
      valid: false,
      error: `The row filter has ${expression.length} characters; at most ${MAX_ROW_FILTER_LENGTH} are allowed`,
    };
  }
  const oddSpace = UNICODE_WHITESPACE.exec(expression);
  if (oddSpace) {
    const code = oddSpace[0].codePointAt(0)!.toString(16).toUpperCase();
    return {
      valid: false,
      error: `Unicode whitespace U+${code.padStart(4, '0')} at character ${
        oddSpace.index + 1
      } is not allowed; use plain spaces, tabs or line breaks`,
    };
  }
  const known = new Map(columnNames.map(name => [name.toLowerCase(), name]));
  try {
    const parser = new Parser(tokenize(expression), known);
    parser.parse();
    return { valid: true, referencedColumns: [...parser.columns].sort() };
  } catch (e) {
    if (e instanceof RowFilterSyntaxError) {
      return { valid: false, error: e.message };
    }
    throw e;
  }
}
