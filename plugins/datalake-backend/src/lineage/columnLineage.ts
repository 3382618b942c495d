/*
 * Column lineage read back from the job scripts the pipeline actions render: the silver job's
 * MERGE projects every silver column from bronze columns (renames, casts, trims), and the gold
 * job embeds the user's SELECT. The scripts are generated, so their shape is known; the gold
 * SELECT is the user's and only its simple projections (`alias.column [AS name]`, expressions
 * over qualified columns, aggregates) are resolved. Anything else yields no column edge rather
 * than a wrong one.
 */
import { splitTopLevel } from '@datalake-portal/backstage-plugin-datalake-common';
import { readGoldSqlRelations } from '@datalake-portal/backstage-plugin-datalake-node';

/** One column-level flow found in a script. @public */
export interface ScriptColumnFlow {
  /** The upstream table, `<database>.<table>`; undefined when the SQL did not qualify it. */
  fromTable?: string;
  fromColumn: string;
  toColumn: string;
  transform: 'identity' | 'rename' | 'transform' | 'aggregate';
}

/** The flows into one target table. @public */
export interface ScriptTableFlows {
  /** `<database>.<table>` */
  target: string;
  flows: ScriptColumnFlow[];
}

const PY_STRING = '("(?:[^"\\\\]|\\\\.)*")';

function unquote(identifier: string): string {
  return identifier.replace(/^[`"]|[`"]$/g, '').replace(/``/g, '`');
}

/** `` `cat`.`db`.`t` `` or `cat.db.t` → `db.t` (the last two parts). */
function tableName(qualified: string): string {
  const parts =
    qualified.match(/`(?:[^`]|``)*`|"(?:[^"]|"")*"|[^.\s]+/g)?.map(unquote) ??
    [];
  return parts.slice(-2).join('.').toLowerCase();
}

/** Splits `expr AS name` / `expr name` into its parts. */
function projection(item: string): { expr: string; name?: string } {
  const as =
    /^(.*?)\s+(?:AS\s+)?(`(?:[^`]|``)*`|"(?:[^"]|"")*"|[A-Za-z_][\w]*)$/is.exec(
      item,
    );
  if (as && !/[.(]$/.test(as[1].trim()) && as[1].trim() !== '') {
    return { expr: as[1].trim(), name: unquote(as[2]) };
  }
  return { expr: item.trim() };
}

/** How a projection maps its column: a plain reference is an identity or a rename. */
function transformOf(
  simple: boolean,
  from: string,
  to: string,
): ScriptColumnFlow['transform'] {
  if (!simple) return 'transform';
  return from === to ? 'identity' : 'rename';
}

const QUALIFIED_COLUMN =
  /([A-Za-z_]\w*|`(?:[^`]|``)*`)\.(`(?:[^`]|``)*`|[A-Za-z_]\w*)/g;
const AGGREGATE =
  /\b(SUM|COUNT|AVG|MIN|MAX|COLLECT_LIST|COLLECT_SET|APPROX_COUNT_DISTINCT)\s*\(/i;

/** Column flows of the silver job: every projected column of its MERGE. */
export function silverFlowsFromScript(script: string): ScriptTableFlows[] {
  const merge = new RegExp(`"merge_sql":\\s*${PY_STRING}`).exec(script);
  const targetMatch = new RegExp(`"target":\\s*${PY_STRING}`).exec(script);
  const bronzeMatch = new RegExp(`"bronze_name":\\s*${PY_STRING}`).exec(script);
  if (!merge || !targetMatch) {
    return [];
  }
  const sql = JSON.parse(merge[1]) as string;
  const select = /^\s*SELECT (.*), ranked\.`_dl_deleted`\s*$/m.exec(sql);
  if (!select) {
    return [];
  }
  const fromTable = bronzeMatch
    ? (JSON.parse(bronzeMatch[1]) as string).toLowerCase()
    : undefined;
  const flows: ScriptColumnFlow[] = [];
  for (const item of splitTopLevel(select[1])) {
    const { expr, name } = projection(item);
    if (!name) continue;
    const sources = [
      ...new Set(
        [...expr.matchAll(QUALIFIED_COLUMN)]
          .filter(m => m[1] === 'ranked')
          .map(m => unquote(m[2])),
      ),
    ];
    const simple = /^ranked\.(`(?:[^`]|``)*`)$/.test(expr);
    for (const source of sources) {
      flows.push({
        fromTable,
        fromColumn: source,
        toColumn: name,
        transform: transformOf(simple, source, name),
      });
    }
  }
  return [{ target: tableName(JSON.parse(targetMatch[1]) as string), flows }];
}

/** The aliases of the FROM/JOIN clauses: alias (and bare table name) → `<database>.<table>`. */
function tableAliases(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const from =
    /\b(?:FROM|JOIN)\s+((?:`(?:[^`]|``)*`|[A-Za-z_]\w*)(?:\.(?:`(?:[^`]|``)*`|[A-Za-z_]\w*))+)(?:\s+(?:AS\s+)?(?!ON\b|WHERE\b|GROUP\b|JOIN\b|LEFT\b|RIGHT\b|INNER\b|FULL\b|CROSS\b|ORDER\b|LIMIT\b|HAVING\b|UNION\b)([A-Za-z_]\w*))?/gi;
  for (const m of sql.matchAll(from)) {
    const table = tableName(m[1]);
    aliases.set(table.split('.')[1], table);
    if (m[2]) {
      aliases.set(m[2], table);
    }
  }
  return aliases;
}

/*
 * The aliases as the gold SQL check reads them, with Spark's parser: comma joins, subqueries and
 * CTE bodies included, so lineage names the tables the SQL reads rather than those a pattern
 * finds. SQL the parser refuses (a gold table from before the check) falls back to the pattern.
 */
function parsedAliases(sql: string): Map<string, string> | undefined {
  const read = readGoldSqlRelations(sql);
  return read ? new Map(Object.entries(read.aliases)) : undefined;
}

/** Column flows of a user's gold SELECT, as far as they resolve. */
export function goldFlowsFromSql(sql: string): ScriptColumnFlow[] {
  const select = /^\s*SELECT\s+(?:DISTINCT\s+)?([\s\S]*?)\s+FROM\s/i.exec(sql);
  if (!select) {
    return [];
  }
  const aliases = parsedAliases(sql) ?? tableAliases(sql);
  const single = new Set(aliases.values()).size === 1;
  const onlyTable = single ? [...aliases.values()][0] : undefined;
  const flows: ScriptColumnFlow[] = [];
  for (const item of splitTopLevel(select[1])) {
    const { expr, name } = projection(item);
    const qualified = [...expr.matchAll(QUALIFIED_COLUMN)].filter(m =>
      aliases.has(unquote(m[1])),
    );
    const bare = /^(`(?:[^`]|``)*`|[A-Za-z_]\w*)$/.exec(expr);
    let output = name;
    if (!output && qualified.length === 1 && qualified[0][0] === expr) {
      output = unquote(qualified[0][2]);
    } else if (!output && bare) {
      output = unquote(bare[1]);
    }
    if (!output) continue;
    const aggregate = AGGREGATE.test(expr);
    if (bare) {
      flows.push({
        fromTable: onlyTable,
        fromColumn: unquote(bare[1]),
        toColumn: output,
        transform: unquote(bare[1]) === output ? 'identity' : 'rename',
      });
      continue;
    }
    const seen = new Set<string>();
    for (const m of qualified) {
      const fromTable = aliases.get(unquote(m[1]))!;
      const fromColumn = unquote(m[2]);
      if (seen.has(`${fromTable}.${fromColumn}`)) continue;
      seen.add(`${fromTable}.${fromColumn}`);
      const simple = m[0] === expr;
      flows.push({
        fromTable,
        fromColumn,
        toColumn: output,
        transform: aggregate
          ? 'aggregate'
          : transformOf(simple, fromColumn, output),
      });
    }
  }
  return flows;
}

/** Column flows of the gold job: one entry per gold table it refreshes. */
export function goldFlowsFromScript(script: string): ScriptTableFlows[] {
  const pattern = new RegExp(
    `"target":\\s*${PY_STRING},\\s*"statements":\\s*\\[\\s*${PY_STRING}`,
    'g',
  );
  const result: ScriptTableFlows[] = [];
  for (const m of script.matchAll(pattern)) {
    const statement = JSON.parse(m[2]) as string;
    // The refresh wraps the user's SELECT as `SELECT * FROM (\n<sql>\n) AS g`.
    const inner = /SELECT \* FROM \(\n([\s\S]*)\n\) AS g\s*$/.exec(statement);
    if (!inner) continue;
    result.push({
      target: tableName(JSON.parse(m[1]) as string),
      flows: goldFlowsFromSql(inner[1]),
    });
  }
  return result;
}
