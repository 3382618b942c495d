import {
  checkGoldSql,
  readGoldSqlRelations,
} from '@datalake-portal/backstage-plugin-datalake-node';
import { goldFlowsFromSql } from './columnLineage';

const scope = {
  silverDatabase: 'sakila_silver',
  allowedTables: ['payment', 'staff'],
  catalogs: ['glue_catalog'],
};

/*
 * Lineage reads the gold SQL with the parser the gold SQL check uses: the tables its column flows
 * come from are the relations the check accepted, whatever the join syntax.
 */
describe('gold column lineage and the parsed relations', () => {
  it.each([
    [
      'an explicit join',
      'SELECT st.store_id, SUM(p.amount) AS revenue FROM glue_catalog.sakila_silver.payment p JOIN glue_catalog.sakila_silver.staff st ON p.staff_id = st.staff_id GROUP BY st.store_id',
    ],
    [
      'a comma join',
      'SELECT p.amount, s.store_id FROM sakila_silver.payment p, sakila_silver.staff s WHERE p.staff_id = s.staff_id',
    ],
    [
      'a back-quoted, upper-case name',
      'SELECT p.amount, s.store_id FROM `sakila_silver`.`PAYMENT` AS p CROSS JOIN sakila_silver.staff s',
    ],
  ])('names the parsed relations for %s', (_what, sql) => {
    const checked = checkGoldSql(sql, scope);
    if (!checked.ok) throw new Error(checked.problems[0].message);
    const lineageTables = new Set(
      goldFlowsFromSql(sql).map(flow => flow.fromTable),
    );
    expect([...lineageTables].sort()).toEqual(
      checked.relations.map(t => `sakila_silver.${t}`).sort(),
    );
    expect(readGoldSqlRelations(sql)?.relations.sort()).toEqual(
      checked.relations.map(t => `sakila_silver.${t}`).sort(),
    );
  });
});
