/*
 * The door in front of gold SQL. A gold table's SELECT runs as arbitrary Spark SQL under the Glue
 * job's role, so what it may read is decided here, on a parse tree of the Spark SQL dialect (the
 * ANTLR grammar of dt-sql-parser), not by pattern matching: every relation at any depth (FROM,
 * comma and JOIN, subqueries, CTE bodies, set operations, `TABLE t`, `FROM t SELECT …`) must be a
 * declared silver table named with its database, every function must be on an allow-list, and
 * every rule of the tree must be one a plain SELECT is made of, so that syntax this check does not
 * know (TRANSFORM … USING a script, table-valued functions, IDENTIFIER(…) names, DDL, SET) is
 * refused rather than passed through.
 *
 * Linear time: the text is bounded, the lexer makes one pass, the nesting is bounded before the
 * parser runs (the recursive-descent parser would otherwise recurse once per parenthesis or
 * prefix NOT), the parser stops at the first syntax error instead of recovering, and the tree walk
 * is iterative.
 */
import { InputError } from '@backstage/errors';
import { sparkParser } from './sparkSqlParser';
import { SPARK_FUNCTION_ALLOW_LIST, REFUSED_FUNCTIONS } from './sparkFunctions';

/** The longest gold SQL accepted, in characters. @public */
export const MAX_GOLD_SQL_LENGTH = 20_000;

/** The deepest nesting of parentheses, brackets and CASE … END accepted. @public */
export const MAX_GOLD_SQL_NESTING = 40;

/** Parts of a dotted name: catalog.database.table.column and a struct field or two. */
const MAX_NAME_PARTS = 6;

/** Consecutive prefix operators (NOT, unary -, +, ~, !): each is one level of recursion. */
const MAX_PREFIX_RUN = 4;

/** What the gold SQL may read. @public */
export type GoldSqlScope = {
  /** The silver database of the pipeline (for example `sakila_silver`). */
  silverDatabase: string;
  /** The silver tables (names in the silver database) the gold table declares as upstream. */
  allowedTables: readonly string[];
  /** Catalog names a three-part name may start with (the job's Iceberg catalog). */
  catalogs: readonly string[];
};

/** A refusal, with where in the SQL it is (1-based line and column). @public */
export type GoldSqlProblem = { message: string; line: number; column: number };

/** What the check found. @public */
export type GoldSqlCheck =
  | {
      ok: true;
      /** The silver tables read, by table name, in order of first appearance. */
      relations: string[];
      /** The functions called, lower case, in order of first appearance. */
      functions: string[];
      /** Table aliases and table names, lower case, to the silver table they stand for. */
      aliases: Record<string, string>;
    }
  | { ok: false; problems: GoldSqlProblem[] };

/*
 * The rules a SELECT is made of. Any other rule in the tree (a statement of another kind, a
 * TRANSFORM clause, a table-valued function, a hint, DDL column definitions) is refused by name.
 */
const ALLOWED_RULES = new Set([
  'program',
  'singleStatement',
  'statement',
  'query',
  'ctes',
  'namedQuery',
  'queryOrganization',
  'limitClause',
  'orderOrSortByClause',
  'clusterOrDistributeBy',
  'queryTerm',
  'queryPrimary',
  'sortItem',
  'fromStatementBody',
  'querySpecification',
  'selectClause',
  'whereClause',
  'havingClause',
  'fromClause',
  'temporalClause',
  'aggregationClause',
  'groupByClause',
  'groupingAnalytics',
  'groupingSet',
  'pivotClause',
  'pivotColumn',
  'pivotValue',
  'unPivotClause',
  'unPivotSingleValueColumnClause',
  'unPivotMultiValueColumnClause',
  'unPivotColumnSet',
  'unPivotColumnAndAlias',
  'lateralView',
  'setQuantifier',
  'relation',
  'joinRelation',
  'joinType',
  'joinCriteria',
  'sample',
  'sampleMethod',
  'identifierList',
  'identifierSeq',
  'relationPrimary',
  'atomSubQueryTableSource',
  'inlineTable',
  'tableAlias',
  'multipartIdentifier',
  'multipartIdentifierAllowEmpty',
  'tableIdentifier',
  'tableName',
  'identifierReference',
  'columnName',
  'columnNamePath',
  'columnNameSeq',
  'selectLiteralColumnName',
  'selectExpressionColumnName',
  'tableAllColumns',
  'namedExpression',
  'namedExpressionSeq',
  'selectList',
  'expression',
  'namedArgumentExpression',
  'functionArgument',
  'expressionSeq',
  'booleanExpression',
  'predicate',
  'valueExpression',
  'datetimeUnit',
  'primaryExpression',
  'literalType',
  'constant',
  'comparisonOperator',
  'arithmeticOperator',
  'predicateOperator',
  'booleanValue',
  'interval',
  'errorCapturingMultiUnitsInterval',
  'multiUnitsInterval',
  'errorCapturingUnitToUnitInterval',
  'unitToUnitInterval',
  'intervalValue',
  'unitInMultiUnits',
  'unitInUnitToUnit',
  'type',
  'dataType',
  'complexColType',
  'whenClause',
  'windowClause',
  'windowSpec',
  'windowFrame',
  'frameBound',
  'functionName',
  'qualifiedName',
  'errorCapturingIdentifier',
  'errorCapturingIdentifierExtra',
  'identifier',
  'strictIdentifier',
  'quotedIdentifier',
  'number',
  'stringLit',
  'ansiNonReserved',
  'strictNonReserved',
  'nonReserved',
]);

/** Formats Spark reads as a table name `format.\`path\``. */
const PATH_FORMATS = new Set([
  'parquet',
  'csv',
  'json',
  'orc',
  'text',
  'avro',
  'delta',
  'iceberg',
  'binaryfile',
  'hive',
  'jdbc',
  'file',
]);

/** The parts of an ANTLR token the check reads. */
type Token = {
  type: number;
  text?: string | null;
  line: number;
  column: number;
  start: number;
};

class Refusal extends Error {
  constructor(readonly problem: GoldSqlProblem) {
    super(problem.message);
  }
}

function refuse(message: string, token: Token | null | undefined): never {
  throw new Refusal({
    message,
    line: token?.line ?? 1,
    column: (token?.column ?? 0) + 1,
  });
}

/** A short quote of the SQL at a place, for messages. */
function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

/** Spark's identifier: backquotes removed, a doubled backquote kept as one; case-insensitive. */
function identifierText(text: string): string {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    return text.slice(1, -1).replace(/``/g, '`').toLowerCase();
  }
  return text.toLowerCase();
}

/** True when a bracketed comment closes: Spark nests them, so the openings and closings must pair. */
function commentCloses(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i++;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i === text.length - 1;
    }
  }
  return false;
}

/** Bracketed comments nest in Spark; deeper than this is refused before the lexer sees it. */
const MAX_COMMENT_NESTING = 2;
const MAX_COMMENT_OPENINGS = 100;

/*
 * One pass over the raw text for quoted text and comments, ahead of the ANTLR lexer: its rule for
 * nested bracketed comments takes time far beyond linear on a run of openings (`/*` repeated; the
 * fuzz test found 9 s for 1,000 characters), so unclosed quotes, unclosed comments and deep comment
 * nesting are refused here, in linear time, with the place they start.
 */
function scanQuotesAndComments(sql: string) {
  // Should this scan and the lexer ever disagree on where quoted text ends, a run of openings
  // still never reaches the lexer.
  let openings = 0;
  for (let k = sql.indexOf('/*'); k >= 0; k = sql.indexOf('/*', k + 2)) {
    if (++openings > MAX_COMMENT_OPENINGS) {
      refuse(
        `More than ${MAX_COMMENT_OPENINGS} comments are not accepted.`,
        undefined,
      );
    }
  }
  let line = 1;
  let lineStart = 0;
  const at = (index: number): Token => ({
    type: 0,
    line,
    column: index - lineStart,
    start: index,
  });
  let i = 0;
  const newline = (index: number) => {
    line++;
    lineStart = index + 1;
  };
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\n') {
      newline(i);
      i++;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const open = at(i);
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) {
          refuse(`The quoted text starting with ${ch} is not closed.`, open);
        }
        const c = sql[j];
        if (c === '\n') newline(j);
        if (c === '\\' && ch !== '`') {
          if (sql[j + 1] === '\n') newline(j + 1);
          j += 2;
        } else if (c === ch) {
          // A doubled backquote is one backquote inside the name.
          if (ch === '`' && sql[j + 1] === '`') j += 2;
          else break;
        } else {
          j++;
        }
      }
      i = j + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const open = at(i);
      let depth = 0;
      let j = i;
      for (;;) {
        if (j >= sql.length) refuse('The comment is not closed.', open);
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          if (depth > MAX_COMMENT_NESTING) {
            refuse(
              `Comments nested deeper than ${MAX_COMMENT_NESTING} levels are not accepted.`,
              at(j),
            );
          }
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else {
          if (sql[j] === '\n') newline(j);
          j++;
        }
      }
      i = j;
    } else {
      i++;
    }
  }
}

type Node = {
  ruleIndex?: number;
  parent?: Node | null;
  children?: Node[] | null;
  symbol?: Token;
  start?: Token | null;
  getText(): string;
};

/**
 * Checks gold SQL: one SELECT (a WITH at its start allowed) over the scope's silver tables, with
 * allow-listed functions only. Never throws on bad input; the problems say what and where.
 *
 * @public
 */
export function checkGoldSql(sql: string, scope: GoldSqlScope): GoldSqlCheck {
  try {
    return check(sql, scope);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, problems: [e.problem] };
    // The nesting limits keep the parser's recursion shallow; this is the last line behind them.
    if (e instanceof RangeError) {
      return {
        ok: false,
        problems: [
          { message: 'The SQL is nested too deeply.', line: 1, column: 1 },
        ],
      };
    }
    throw e;
  }
}

/**
 * {@link checkGoldSql}, throwing an `InputError` that names every problem and where it is.
 *
 * @public
 */
export function assertGoldSql(
  sql: string,
  scope: GoldSqlScope,
  what = 'gold SQL',
): { relations: string[]; functions: string[] } {
  const result = checkGoldSql(sql, scope);
  if (!result.ok) {
    throw new InputError(
      result.problems
        .map(p => `${what}, line ${p.line} column ${p.column}: ${p.message}`)
        .join('\n'),
    );
  }
  return { relations: result.relations, functions: result.functions };
}

/**
 * The tables a SELECT reads (`database.table`, lower case) and what its aliases stand for, read
 * with the same parser and the same structural refusals as {@link checkGoldSql} but without a
 * scope: for lineage, which shows what the SQL reads. Undefined when the SQL is refused.
 *
 * @public
 */
export function readGoldSqlRelations(
  sql: string,
): { relations: string[]; aliases: Record<string, string> } | undefined {
  try {
    const result = check(sql, undefined);
    return result.ok
      ? { relations: result.relations, aliases: result.aliases }
      : undefined;
  } catch (e) {
    if (e instanceof Refusal || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** With a scope, refuses what it does not allow; without one, only reads the relations. */
function check(sql: string, scope: GoldSqlScope | undefined): GoldSqlCheck {
  if (sql.length > MAX_GOLD_SQL_LENGTH) {
    refuse(
      `The SQL has ${sql.length} characters; at most ${MAX_GOLD_SQL_LENGTH} are accepted.`,
      undefined,
    );
  }
  if (sql.trim().length === 0) refuse('The SQL is empty.', undefined);
  scanQuotesAndComments(sql);
  const { SparkSQL, parser: parserModule, lexer: lexerModule } = sparkParser();
  const L = lexerModule.SparkSqlLexer;
  const ruleNames = parserModule.SparkSqlParser.ruleNames;
  const spark = new SparkSQL();

  // One pass over the tokens: lexical errors, comments that hide something, and nesting.
  const lexer = spark.createLexer(sql, error =>
    refuse(`Cannot read the SQL here: ${error.message}`, {
      line: error.startLine,
      column: error.startColumn - 1,
    } as Token),
  );
  const tokens = lexer.getAllTokens();
  let depth = 0;
  let prefixRun = 0;
  let previous: Token | undefined;
  let semicolons = 0;
  let dots = 0;
  for (const token of tokens) {
    const type = token.type;
    if (type === L.WHITE_SPACE || type === L.LINE_COMMENT) continue;
    if (type === L.BRACKETED_COMMENT) {
      const text = token.text ?? '';
      if (text.startsWith('/*+')) {
        refuse(
          'Hints (/*+ … */) are not accepted in gold SQL: the planner decides.',
          token,
        );
      }
      if (!commentCloses(text)) refuse('The comment is not closed.', token);
      continue;
    }
    if (type === L.UNRECOGNIZED) {
      const text = token.text ?? '';
      refuse(
        text === "'" || text === '"' || text === '`'
          ? `The quoted text starting with ${text} is not closed.`
          : `Unexpected character ${JSON.stringify(text)}.`,
        token,
      );
    }
    if (type === L.HENT_START || type === L.HENT_END) {
      refuse('Hints are not accepted in gold SQL.', token);
    }
    if (semicolons > 0) {
      refuse(
        'The SQL must be one statement: nothing may follow the semicolon.',
        token,
      );
    }
    if (type === L.SEMICOLON) {
      semicolons++;
      continue;
    }
    // IDENTIFIER('…') names a table, a function or a column by a string: refused wherever it is.
    if (type === L.LEFT_PAREN && previous?.type === L.KW_IDENTIFIER) {
      refuse(
        'IDENTIFIER(…) names are not accepted in gold SQL: write the name.',
        previous,
      );
    }
    // A dotted name longer than any table or column reference: the parser's prediction over a
    // long run of `a.a.a…` takes time quadratic in its length.
    if (type === L.DOT) dots++;
    else if (previous?.type !== L.DOT) dots = 0;
    if (dots > MAX_NAME_PARTS - 1) {
      refuse(
        `Names of more than ${MAX_NAME_PARTS} parts are not accepted.`,
        token,
      );
    }
    if (
      type === L.LEFT_PAREN ||
      type === L.LEFT_BRACKET ||
      type === L.KW_CASE
    ) {
      depth++;
      if (depth > MAX_GOLD_SQL_NESTING) {
        refuse(
          `The SQL nests deeper than ${MAX_GOLD_SQL_NESTING} levels.`,
          token,
        );
      }
    } else if (
      type === L.RIGHT_PAREN ||
      type === L.RIGHT_BRACKET ||
      type === L.KW_END
    ) {
      depth = Math.max(0, depth - 1);
    }
    // A prefix operator follows an operator, an opening or the start; a run of them recurses.
    const prefix =
      type === L.KW_NOT ||
      type === L.NOT ||
      type === L.TILDE ||
      ((type === L.MINUS || type === L.PLUS) &&
        (previous === undefined ||
          ![
            L.IDENTIFIER,
            L.BACKQUOTED_IDENTIFIER,
            L.RIGHT_PAREN,
            L.RIGHT_BRACKET,
            L.STRING_LITERAL,
            L.DOUBLEQUOTED_STRING,
            L.INTEGER_VALUE,
            L.DECIMAL_VALUE,
            L.EXPONENT_VALUE,
            L.BIGINT_LITERAL,
            L.SMALLINT_LITERAL,
            L.TINYINT_LITERAL,
            L.FLOAT_LITERAL,
            L.DOUBLE_LITERAL,
            L.BIGDECIMAL_LITERAL,
          ].includes(previous.type)));
    prefixRun = prefix ? prefixRun + 1 : 0;
    if (prefixRun > MAX_PREFIX_RUN) {
      refuse(
        `More than ${MAX_PREFIX_RUN} prefix operators in a row are not accepted.`,
        token,
      );
    }
    previous = token;
  }

  // The parser stops at the first syntax error: recovering would cost time on adversarial text
  // and a tree with errors is refused anyway.
  const parser = spark.createParser(sql);
  parser.removeErrorListeners();
  parser.addErrorListener({
    syntaxError(_recognizer, offending, line, column, msg) {
      const near = offending?.text;
      throw new Refusal({
        message: `Cannot read the SQL here${
          near && near !== '<EOF>' ? ` (near '${quote(near)}')` : ''
        }: ${msg}.`,
        line,
        column: column + 1,
      });
    },
    reportAmbiguity() {},
    reportAttemptingFullContext() {},
    reportContextSensitivity() {},
  });
  const tree = parser.program() as unknown as Node;

  const statements = (tree.children ?? []).filter(
    c => c.ruleIndex !== undefined,
  );
  if (statements.length !== 1) {
    refuse('The SQL must be one statement.', statements[1]?.start);
  }
  const statement = statements[0].children?.[0];
  const top = statement?.children?.[0];
  if (
    !statement ||
    !(statement instanceof parserModule.StatementDefaultContext) ||
    !(top instanceof parserModule.QueryStatementContext)
  ) {
    refuse(
      `The SQL must be one SELECT statement; this one is ${
        statement ? `'${quote(statement.getText())}'` : 'empty'
      }.`,
      statement?.start,
    );
  }

  const allowed = new Set(scope?.allowedTables.map(t => t.toLowerCase()));
  const catalogs = new Set(scope?.catalogs.map(c => c.toLowerCase()));
  const silverDatabase = scope?.silverDatabase.toLowerCase();
  const aliases: Record<string, string> = {};
  // First position of each relation and function, so that they are listed in reading order.
  const relations = new Map<string, number>();
  const functions = new Map<string, number>();
  const inOrder = (found: Map<string, number>) =>
    [...found].sort((a, b) => a[1] - b[1]).map(([name]) => name);

  const identifiersOf = (node: Node): Token[] => {
    // The terminal tokens of a name, without the dots between its parts.
    const parts: Token[] = [];
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.symbol) {
        if (n.symbol.type !== L.DOT) parts.push(n.symbol);
      } else {
        for (let i = (n.children?.length ?? 0) - 1; i >= 0; i--) {
          stack.push(n.children![i]);
        }
      }
    }
    return parts;
  };

  const checkTable = (
    node: Node,
    ctes: ReadonlySet<string>,
  ): string | undefined => {
    const tokensOfName = identifiersOf(node);
    const parts = tokensOfName.map(t => identifierText(t.text ?? ''));
    const written = tokensOfName.map(t => t.text).join('.');
    const at = tokensOfName[0];
    if (parts.length === 1 && ctes.has(parts[0])) return undefined;
    if (!scope) {
      const name = parts.slice(-2).join('.');
      const seen = relations.get(name);
      if (seen === undefined || seen > at.start) relations.set(name, at.start);
      return name;
    }
    if (parts.length === 1) {
      refuse(
        `The SQL reads '${written}' without its database: name the silver table as ${scope.silverDatabase}.${parts[0]}.`,
        at,
      );
    }
    const table = parts[parts.length - 1];
    const database = parts[parts.length - 2];
    if (PATH_FORMATS.has(database) || /[/:\\]/.test(table)) {
      refuse(
        `The SQL reads the file path source '${written}': gold SQL reads silver tables only.`,
        at,
      );
    }
    if (parts.length > 3) {
      refuse(`'${written}' is not a table name.`, at);
    }
    if (parts.length === 3 && !catalogs.has(parts[0])) {
      refuse(
        `The SQL reads '${written}' from catalog '${parts[0]}': only ${[
          ...catalogs,
        ].join(', ')} is accepted.`,
        at,
      );
    }
    if (database !== silverDatabase) {
      refuse(
        `The SQL reads '${written}' from database '${database}': gold SQL reads the silver database ${scope.silverDatabase} only.`,
        at,
      );
    }
    if (!allowed.has(table)) {
      refuse(
        `The SQL reads '${written}', which is not one of the chosen silver tables (${[
          ...allowed,
        ].join(', ')}).`,
        at,
      );
    }
    const seen = relations.get(table);
    if (seen === undefined || seen > at.start) relations.set(table, at.start);
    return table;
  };

  /** Records the alias that follows a table name (`FROM t AS a`) and the table's own name. */
  const recordAlias = (node: Node, table: string | undefined) => {
    if (!table) return;
    aliases[table.split('.').pop()!] = table;
    const siblings = node.parent?.children ?? [];
    const next = siblings[siblings.indexOf(node) + 1];
    if (next instanceof parserModule.TableAliasContext) {
      const name = identifiersOf(next as unknown as Node).find(
        t => t.type !== L.KW_AS,
      );
      if (name?.text) aliases[identifierText(name.text)] = table;
    }
  };

  const checkFunction = (node: Node) => {
    const nameTokens = identifiersOf(node);
    const first = nameTokens[0];
    if (first?.type === L.KW_IDENTIFIER) {
      refuse(
        'IDENTIFIER(…) function names are not accepted in gold SQL.',
        first,
      );
    }
    if (nameTokens.length !== 1) {
      refuse(
        `The function '${nameTokens
          .map(t => t.text)
          .join('.')}' is qualified: gold SQL calls built-in functions only.`,
        first,
      );
    }
    const name = identifierText(first.text ?? '');
    if (REFUSED_FUNCTIONS.has(name)) {
      refuse(
        `The function '${name}' is not accepted in gold SQL: ${REFUSED_FUNCTIONS.get(
          name,
        )}.`,
        first,
      );
    }
    if (!SPARK_FUNCTION_ALLOW_LIST.has(name)) {
      refuse(
        `The function '${name}' is not on the gold SQL allow-list of Spark built-in functions.`,
        first,
      );
    }
    const seen = functions.get(name);
    if (seen === undefined || seen > first.start) {
      functions.set(name, first.start);
    }
  };

  // An iterative walk; each entry carries the CTE names visible at that point of the query.
  const stack: Array<{ node: Node; ctes: ReadonlySet<string> }> = [];
  const topChildren = top.children ?? [];
  const ctesNode = topChildren.find(
    c => c instanceof parserModule.CtesContext,
  ) as Node | undefined;
  const cteNames: string[] = [];
  const cteBodies: Array<{ node: Node; ctes: ReadonlySet<string> }> = [];
  if (ctesNode) {
    // A CTE sees the CTEs before it; a name used before its definition is a table name.
    for (const named of ctesNode.children ?? []) {
      if (!(named instanceof parserModule.NamedQueryContext)) continue;
      const nameNode = (named as unknown as Node).children![0];
      const name = identifierText(identifiersOf(nameNode)[0]?.text ?? '');
      cteBodies.push({
        node: named as unknown as Node,
        ctes: new Set(cteNames),
      });
      cteNames.push(name);
    }
  }
  // Pushed last, walked first: problems are reported in reading order.
  for (let i = topChildren.length - 1; i >= 0; i--) {
    if (topChildren[i] !== ctesNode) {
      stack.push({ node: topChildren[i], ctes: new Set(cteNames) });
    }
  }
  stack.push(...cteBodies.reverse());
  while (stack.length > 0) {
    const { node, ctes } = stack.pop()!;
    if (node.ruleIndex === undefined) continue;
    const rule = ruleNames[node.ruleIndex];
    if (!ALLOWED_RULES.has(rule)) {
      refuse(
        `'${quote(node.getText())}' (${rule}) is not accepted in gold SQL.`,
        node.start,
      );
    }
    if (node instanceof parserModule.CtesContext) {
      refuse(
        'WITH is accepted only at the start of the gold SQL, not inside it.',
        node.start,
      );
    }
    if (
      node instanceof parserModule.StatementContext &&
      !(node instanceof parserModule.StatementDefaultContext)
    ) {
      refuse('Only a SELECT statement is accepted.', node.start);
    }
    if (node instanceof parserModule.FunctionTableSourceContext) {
      refuse(
        'Table-valued functions are not accepted in gold SQL: read silver tables.',
        node.start,
      );
    }
    if (node instanceof parserModule.IdentifierReferenceContext) {
      const first = identifiersOf(node)[0];
      if (first?.type === L.KW_IDENTIFIER) {
        refuse(
          'IDENTIFIER(…) table names are not accepted in gold SQL: name the silver table.',
          first,
        );
      }
      // A plain name here is a table name (the grammar's other spelling of one).
      recordAlias(node, checkTable(node, ctes));
      continue;
    }
    if (node instanceof parserModule.TableNameContext) {
      const name = node.children?.[0];
      if (name) recordAlias(node, checkTable(name, ctes));
      // The alias, sample and time travel clauses after the name are walked as usual.
      for (const child of (node.children ?? []).slice(1)) {
        stack.push({ node: child, ctes });
      }
      continue;
    }
    if (node instanceof parserModule.FunctionNameContext) {
      checkFunction(node);
      continue;
    }
    for (let i = (node.children?.length ?? 0) - 1; i >= 0; i--) {
      const child = node.children![i];
      // The grammar names a LATERAL VIEW's generator function `viewName`: it is a function call.
      if (
        node instanceof parserModule.LateralViewContext &&
        child instanceof parserModule.ViewNameContext
      ) {
        checkFunction(child as unknown as Node);
        continue;
      }
      stack.push({ node: child, ctes });
    }
  }
  return {
    ok: true,
    relations: inOrder(relations),
    functions: inOrder(functions),
    aliases,
  };
}
