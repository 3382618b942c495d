import { InputError } from '@backstage/errors';
import {
  assertGoldSql,
  checkGoldSql,
  MAX_GOLD_SQL_LENGTH,
  MAX_GOLD_SQL_NESTING,
} from './goldSqlCheck';

const scope = {
  silverDatabase: 'sakila_silver',
  allowedTables: ['payment', 'staff', 'actor'],
  catalogs: ['glue_catalog'],
};

function problems(sql: string): string {
  const result = checkGoldSql(sql, scope);
  return result.ok
    ? 'accepted'
    : result.problems.map(p => p.message).join('\n');
}

describe('checkGoldSql', () => {
  it.each([
    [
      'the template example',
      `SELECT st.store_id, date_trunc('MONTH', p.payment_date) AS month, SUM(p.amount) AS revenue,
         COUNT(*) rentals, CAST(AVG(p.amount) AS decimal(10, 2)) AS average
       FROM glue_catalog.sakila_silver.payment p
       JOIN glue_catalog.sakila_silver.staff AS st ON p.staff_id = st.staff_id
       GROUP BY st.store_id, date_trunc('MONTH', p.payment_date)`,
      ['payment', 'staff'],
    ],
    [
      'the plan example',
      'SELECT a.last_name, COUNT(*) AS actors FROM glue_catalog.sakila_silver.actor a GROUP BY a.last_name',
      ['actor'],
    ],
    ['a star', 'SELECT s.* FROM sakila_silver.staff s', ['staff']],
    [
      'a trailing semicolon and comments',
      '-- revenue\nSELECT /* all */ SUM(amount) AS revenue FROM sakila_silver.payment;',
      ['payment'],
    ],
    [
      'a CTE over silver tables',
      `WITH paid AS (SELECT staff_id, amount FROM sakila_silver.payment),
            per_staff AS (SELECT staff_id, SUM(amount) AS total FROM paid GROUP BY staff_id)
       SELECT s.store_id, p.total FROM per_staff p JOIN sakila_silver.staff s USING (staff_id)`,
      ['payment', 'staff'],
    ],
    [
      'a subquery, a window and a set operation',
      `SELECT staff_id, rank() OVER (PARTITION BY staff_id ORDER BY amount DESC) AS r
       FROM (SELECT * FROM sakila_silver.payment WHERE amount > 0) x
       WHERE staff_id IN (SELECT staff_id FROM sakila_silver.staff)
       UNION ALL SELECT staff_id, 0 AS r FROM sakila_silver.staff`,
      ['payment', 'staff'],
    ],
    [
      'VALUES and LATERAL VIEW',
      `SELECT a.actor_id, v.k, e.x FROM sakila_silver.actor a
       CROSS JOIN (VALUES (1), (2)) AS v(k)
       LATERAL VIEW explode(array(1, 2)) e AS x`,
      ['actor'],
    ],
    [
      'back-quoted names in any case',
      'SELECT COUNT(*) AS n FROM `glue_catalog`.`SAKILA_SILVER`.`Payment`',
      ['payment'],
    ],
  ])('accepts %s', (_what, sql, relations) => {
    const result = checkGoldSql(sql, scope);
    expect(result).toEqual(expect.objectContaining({ ok: true, relations }));
  });

  it.each([
    [
      'a comma join to a table that is not declared',
      'SELECT p.amount FROM sakila_silver.payment p, sakila_silver.customer c',
      /reads 'sakila_silver.customer', which is not one of the chosen silver tables/,
    ],
    [
      'a join to a bronze table',
      'SELECT p.amount FROM sakila_silver.payment p JOIN bronze.x b ON true',
      /from database 'bronze'/,
    ],
    [
      "another database's table",
      'SELECT * FROM other_db.t',
      /from database 'other_db'/,
    ],
    [
      'another database in the catalog',
      'SELECT * FROM glue_catalog.db.t',
      /from database 'db'/,
    ],
    [
      'another catalog',
      'SELECT * FROM spark_catalog.sakila_silver.payment',
      /from catalog 'spark_catalog'/,
    ],
    [
      'a subquery reading another table',
      'SELECT amount FROM sakila_silver.payment WHERE staff_id IN (SELECT id FROM hr.salaries)',
      /from database 'hr'/,
    ],
    [
      'a scalar subquery in the select list',
      'SELECT (SELECT max(x) FROM secrets.keys) AS k FROM sakila_silver.payment',
      /from database 'secrets'/,
    ],
    [
      'a parquet path source',
      'SELECT * FROM parquet.`s3://bucket/raw/`',
      /file path source/,
    ],
    ['a json path source', 'SELECT * FROM json.`/etc/x`', /file path source/],
    [
      'a delta path source joined in',
      'SELECT p.* FROM sakila_silver.payment p JOIN delta.`s3://b/t` d ON true',
      /file path source/,
    ],
    [
      'reflect',
      "SELECT reflect('java.lang.Runtime','getRuntime') AS r FROM sakila_silver.payment",
      /'reflect' is not accepted.*Java method/,
    ],
    [
      'java_method',
      "SELECT java_method('java.lang.System','getenv','AWS_SECRET_ACCESS_KEY') AS r FROM sakila_silver.payment",
      /'java_method' is not accepted/,
    ],
    [
      'try_reflect in a WHERE',
      "SELECT 1 AS one FROM sakila_silver.payment WHERE try_reflect('a','b') IS NULL",
      /'try_reflect' is not accepted/,
    ],
    [
      'input_file_name',
      'SELECT input_file_name() AS f FROM sakila_silver.payment',
      /'input_file_name' is not accepted/,
    ],
    [
      'an unknown function (a UDF)',
      'SELECT my_udf(amount) AS x FROM sakila_silver.payment',
      /'my_udf' is not on the gold SQL allow-list/,
    ],
    [
      'a qualified function',
      'SELECT db.fn(amount) AS x FROM sakila_silver.payment',
      /'db.fn' is qualified/,
    ],
    [
      'two statements',
      'SELECT 1 AS one FROM sakila_silver.payment; DROP TABLE sakila_silver.payment',
      /one statement/,
    ],
    [
      'two SELECTs',
      'SELECT 1 AS one FROM sakila_silver.payment; SELECT 2 AS two FROM sakila_silver.staff',
      /one statement/,
    ],
    [
      'a CTE hiding another table',
      'WITH p AS (SELECT * FROM bronze.payment) SELECT * FROM p',
      /from database 'bronze'/,
    ],
    [
      'a CTE that reads a later CTE name (a table of the current database)',
      'WITH a AS (SELECT * FROM b), b AS (SELECT * FROM sakila_silver.payment) SELECT * FROM a',
      /reads 'b' without its database/,
    ],
    [
      'a nested WITH',
      'SELECT * FROM (WITH x AS (SELECT * FROM sakila_silver.payment) SELECT * FROM x) y',
      /WITH is accepted only at the start/,
    ],
    [
      'reflect as a LATERAL VIEW generator',
      "SELECT p.amount FROM sakila_silver.payment p LATERAL VIEW reflect('java.lang.Runtime', 'getRuntime') r AS x",
      /'reflect' is not accepted/,
    ],
    [
      'an unqualified table',
      'SELECT * FROM payment',
      /without its database: name the silver table as sakila_silver.payment/,
    ],
    [
      'a table-valued function',
      'SELECT * FROM range(10)',
      /Table-valued functions are not accepted/,
    ],
    [
      'read_files',
      "SELECT * FROM read_files('s3://bucket/raw/')",
      /Table-valued functions are not accepted/,
    ],
    [
      'an IDENTIFIER() table name',
      "SELECT * FROM IDENTIFIER('other_db.t')",
      /IDENTIFIER\(…\) names are not accepted/,
    ],
    [
      'an IDENTIFIER() column (found by the fuzz test)',
      "VALUES IDENTIFIER('other_db.t')",
      /IDENTIFIER\(…\) names are not accepted/,
    ],
    [
      'an IDENTIFIER() function',
      "SELECT IDENTIFIER('reflect')('a', 'b') AS r FROM sakila_silver.payment",
      /IDENTIFIER\(…\) names are not accepted/,
    ],
    [
      'TRANSFORM with a script',
      "SELECT TRANSFORM(amount) USING 'cat' AS (a) FROM sakila_silver.payment",
      /transformClause/,
    ],
    [
      'TABLE of another database',
      'TABLE bronze.payment',
      /from database 'bronze'/,
    ],
    [
      'FROM … SELECT of another database',
      'FROM bronze.payment SELECT amount',
      /from database 'bronze'/,
    ],
    [
      'a hint',
      'SELECT /*+ BROADCAST(p) */ p.* FROM sakila_silver.payment p',
      /Hints/,
    ],
    ['DML', 'DELETE FROM sakila_silver.payment', /one SELECT statement/],
    ['SET', 'SET spark.sql.ansi.enabled=false', /one SELECT statement/],
    ['ADD JAR', "ADD JAR 's3://bucket/evil.jar'", /one SELECT statement/],
    [
      'CACHE',
      'CACHE TABLE x AS SELECT * FROM bronze.y',
      /one SELECT statement/,
    ],
    [
      'an INSERT in a CTE-led statement',
      'WITH x AS (SELECT 1 AS a) INSERT INTO sakila_silver.payment SELECT * FROM x',
      /one SELECT statement/,
    ],
    [
      'an unterminated string',
      "SELECT 'abc FROM sakila_silver.payment",
      /not closed/,
    ],
    [
      'an unterminated comment',
      'SELECT amount FROM sakila_silver.payment /* the rest',
      /comment is not closed/,
    ],
    [
      'a nested comment left open',
      'SELECT amount FROM sakila_silver.payment /* a /* b */',
      /comment is not closed/,
    ],
    ['a syntax error', 'SELECT FROM WHERE', /Cannot read the SQL here/],
    ['empty SQL', '  ', /empty/],
  ])('refuses %s', (_what, sql, message) => {
    expect(problems(sql)).toMatch(message);
  });

  it('says where the problem is', () => {
    const result = checkGoldSql(
      'SELECT amount\nFROM sakila_silver.payment p,\n     other_db.t',
      scope,
    );
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ line: 3, column: 6 })],
    });
  });

  it('bounds the size and the nesting', () => {
    const long = `SELECT amount FROM sakila_silver.payment WHERE amount > 0 ${' '.repeat(
      MAX_GOLD_SQL_LENGTH,
    )}`;
    expect(problems(long)).toMatch(/at most 20000 are accepted/);
    const nested = (n: number) =>
      `SELECT ${'('.repeat(n)}amount${')'.repeat(
        n,
      )} AS a FROM sakila_silver.payment`;
    expect(problems(nested(MAX_GOLD_SQL_NESTING - 1))).toBe('accepted');
    expect(problems(nested(MAX_GOLD_SQL_NESTING + 1))).toMatch(/nests deeper/);
    expect(
      problems(
        `SELECT 1 AS a FROM sakila_silver.payment WHERE ${'NOT '.repeat(
          4000,
        )}true`,
      ),
    ).toMatch(/prefix operators/);
    expect(
      problems(
        `SELECT ${'CASE WHEN true THEN '.repeat(100)}1${' END'.repeat(
          100,
        )} AS a FROM sakila_silver.payment`,
      ),
    ).toMatch(/nests deeper/);
  });

  it('throws an InputError naming line and column from assertGoldSql', () => {
    expect(() => assertGoldSql('SELECT * FROM bronze.payment', scope)).toThrow(
      InputError,
    );
    expect(() => assertGoldSql('SELECT * FROM bronze.payment', scope)).toThrow(
      /gold SQL, line 1 column 15: .*database 'bronze'/,
    );
  });
});
