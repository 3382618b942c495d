import { quoteIdentifier, quoteString } from './dialect';
import { buildPipelineSpec } from './buildPipelineSpec';
import { parseMysqlDdl } from './mysqlDdl';

describe('identifier quoting', () => {
  it.each([
    ['select', '`select`', '"select"'],
    ['first name', '`first name`', '"first name"'],
    ['order-id', '`order-id`', '"order-id"'],
    ['Größe', '`Größe`', '"Größe"'],
    ['a`b"c', '`a``b"c`', '"a`b""c"'],
  ])('%s', (name, spark, duckdb) => {
    expect(quoteIdentifier(name, 'spark')).toBe(spark);
    expect(quoteIdentifier(name, 'duckdb')).toBe(duckdb);
  });

  it('escapes string literals per dialect', () => {
    expect(quoteString("it's \\", 'spark')).toBe("'it\\'s \\\\'");
    expect(quoteString("it's \\", 'duckdb')).toBe("'it''s \\'");
  });
});

describe('buildPipelineSpec', () => {
  it('reports columns whose Glue names collide', () => {
    const [table] = parseMysqlDdl(
      'CREATE TABLE t (UserId INT NOT NULL PRIMARY KEY, `user-id` INT);',
    );
    expect(() =>
      buildPipelineSpec(table, {
        schema: 's',
        landingPath: '/x',
        format: 'csv',
      }),
    ).toThrow(/UserId, user-id -> user_id/);
  });

  it('refuses type-mapping blockers unless allowed', () => {
    const [table] = parseMysqlDdl(
      'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, big DECIMAL(65,2));',
    );
    const options = { schema: 's', landingPath: '/x', format: 'csv' as const };
    expect(() => buildPipelineSpec(table, options)).toThrow(/DECIMAL\(65,2\)/);
    expect(
      buildPipelineSpec(table, { ...options, allowBlockers: true }).columns[1]
        .icebergType,
    ).toBe('string');
  });
});
