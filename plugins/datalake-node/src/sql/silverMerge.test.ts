import { DuckDBInstance } from '@duckdb/node-api';
import { buildPipelineSpec } from './buildPipelineSpec';
import { parseMysqlDdl } from './mysqlDdl';
import {
  planSilverMerge,
  renderGoldRefresh,
  renderSilverMerge,
} from './silverMerge';

describe('bronze → silver and silver → gold on DuckDB', () => {
  it('renames, trims, normalises nulls, casts, applies the latest change and deletes', async () => {
    const [table] = parseMysqlDdl(
      'CREATE TABLE Users (UserId INT NOT NULL PRIMARY KEY, `Full Name` VARCHAR(50), active TINYINT(1));',
    );
    const spec = buildPipelineSpec(table, {
      schema: 's',
      landingPath: '/x',
      format: 'csv',
      silverRenames: { full_name: 'name' },
      silverCasts: { active: 'boolean' },
    });
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run(`CREATE TABLE silver (user_id INTEGER PRIMARY KEY, name VARCHAR, active BOOLEAN);
      INSERT INTO silver VALUES (1, 'old', true), (2, 'gone', false);
      CREATE TABLE changes (user_id INTEGER, full_name VARCHAR, active INTEGER,
        _dl_deleted BOOLEAN, _dl_change_ordinal INTEGER);
      INSERT INTO changes VALUES
        (1, 'old', 1, true, 0), (1, '  Ada  ', 0, false, 0),
        (2, 'gone', 0, true, 1),
        (3, '', 1, false, 0), (3, 'first', 1, false, 0), (3, '   ', 1, false, 1),
        (4, 'never', 1, true, 0)`);
    await c.run(
      renderSilverMerge(planSilverMerge(spec), 'duckdb', ['silver'], 'changes'),
    );
    const rows = await c.runAndReadAll('SELECT * FROM silver ORDER BY user_id');
    expect(rows.getRowObjectsJS()).toEqual([
      { user_id: 1, name: 'Ada', active: false },
      { user_id: 3, name: null, active: true },
    ]);

    await c.run('CREATE TABLE gold (n BIGINT); INSERT INTO gold VALUES (99)');
    for (const statement of renderGoldRefresh(
      { sql: 'SELECT count(*) AS n FROM silver;' },
      'duckdb',
      ['gold'],
    )) {
      await c.run(statement);
    }
    const gold = await c.runAndReadAll('SELECT n FROM gold');
    expect(gold.getRowObjectsJS()).toEqual([{ n: 2n }]);
    c.closeSync();
    instance.closeSync();
  });
});
