import { previewGoldColumns } from './goldSqlPreview';

const silver = {
  payment: [
    { name: 'payment_id', type: 'int' },
    { name: 'staff_id', type: 'smallint' },
    { name: 'amount', type: 'decimal(5,2)' },
    { name: 'payment_date', type: 'timestamp' },
  ],
  staff: [
    { name: 'staff_id', type: 'smallint' },
    { name: 'store_id', type: 'smallint' },
  ],
};

describe('previewGoldColumns', () => {
  it('derives names and types from the select list and the silver schemas', () => {
    const preview = previewGoldColumns(
      `SELECT st.store_id, date_trunc('MONTH', p.payment_date) AS month, SUM(p.amount) AS revenue,
         COUNT(*) rentals, CAST(AVG(p.amount) AS decimal(10, 2)) AS average
       FROM glue_catalog.sakila_silver.payment p
       JOIN glue_catalog.sakila_silver.staff AS st ON p.staff_id = st.staff_id
       GROUP BY st.store_id, date_trunc('MONTH', p.payment_date)`,
      silver,
    );
    expect(preview.problems).toEqual([]);
    expect(preview.tables).toEqual(['payment', 'staff']);
    expect(preview.columns.map(c => [c.name, c.type])).toEqual([
      ['store_id', 'smallint'],
      ['month', 'timestamp'],
      ['revenue', 'decimal(38,2)'],
      ['rentals', 'bigint'],
      ['average', 'decimal(10,2)'],
    ]);
  });

  it('expands a star from the silver schema', () => {
    const preview = previewGoldColumns(
      'SELECT s.* FROM sakila_silver.staff s',
      silver,
    );
    expect(preview.columns.map(c => c.name)).toEqual(['staff_id', 'store_id']);
  });

  it.each([
    ['UPDATE payment SET amount = 0', /one SELECT statement/],
    ['SELECT 1 AS one', /has no FROM/],
    [
      'SELECT upper(x) FROM payment',
      /Give the expression 'upper\(x\)' a column name/,
    ],
    [
      'SELECT upper(p.amount) AS loud FROM payment p',
      /type of column 'loud'.*CAST/,
    ],
    [
      'SELECT payment_id, staff_id AS payment_id FROM payment',
      /'payment_id' is used twice/,
    ],
    [
      'SELECT a.x FROM sakila_silver.actor a',
      /reads 'sakila_silver.actor', which is not one of the chosen silver tables/,
    ],
    ['SELECT amount AS Amount FROM payment', /'Amount' is invalid/],
  ])('explains what is wrong with %s', (sql, message) => {
    expect(previewGoldColumns(sql, silver).problems.join('\n')).toMatch(
      message,
    );
  });
});
