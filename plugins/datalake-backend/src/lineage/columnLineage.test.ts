import { goldFlowsFromSql, silverFlowsFromScript } from './columnLineage';

describe('silverFlowsFromScript', () => {
  it('reads renames, casts and identities from the generated MERGE', () => {
    const mergeSql = [
      'MERGE INTO `__CATALOG__`.`sakila_silver`.`customer` AS t',
      'USING (',
      '  SELECT ranked.`customer_id` AS `customer_id`, TRIM(ranked.`first_name`) AS `given_name`, ranked.`email` AS `email_address`, CAST(ranked.`active` AS boolean) AS `active`, ranked.`_dl_deleted`',
      '  FROM (',
    ].join('\n');
    const script = `GENERATED = {\n    "silver_table": "customer",\n    "bronze_name": "sakila_bronze.customer",\n    "target": "\`__CATALOG__\`.\`sakila_silver\`.\`customer\`",\n    "merge_sql": ${JSON.stringify(
      mergeSql,
    )},\n}`;
    expect(silverFlowsFromScript(script)).toEqual([
      {
        target: 'sakila_silver.customer',
        flows: [
          {
            fromTable: 'sakila_bronze.customer',
            fromColumn: 'customer_id',
            toColumn: 'customer_id',
            transform: 'identity',
          },
          {
            fromTable: 'sakila_bronze.customer',
            fromColumn: 'first_name',
            toColumn: 'given_name',
            transform: 'transform',
          },
          {
            fromTable: 'sakila_bronze.customer',
            fromColumn: 'email',
            toColumn: 'email_address',
            transform: 'rename',
          },
          {
            fromTable: 'sakila_bronze.customer',
            fromColumn: 'active',
            toColumn: 'active',
            transform: 'transform',
          },
        ],
      },
    ]);
  });
});

describe('goldFlowsFromSql', () => {
  it('resolves qualified columns through aliases and marks aggregates', () => {
    expect(
      goldFlowsFromSql(
        "SELECT st.store_id, date_trunc('MONTH', p.payment_date) AS month, SUM(p.amount) AS revenue FROM glue_catalog.sakila_silver.payment p JOIN glue_catalog.sakila_silver.staff st ON p.staff_id = st.staff_id GROUP BY st.store_id",
      ),
    ).toEqual([
      {
        fromTable: 'sakila_silver.staff',
        fromColumn: 'store_id',
        toColumn: 'store_id',
        transform: 'identity',
      },
      {
        fromTable: 'sakila_silver.payment',
        fromColumn: 'payment_date',
        toColumn: 'month',
        transform: 'transform',
      },
      {
        fromTable: 'sakila_silver.payment',
        fromColumn: 'amount',
        toColumn: 'revenue',
        transform: 'aggregate',
      },
    ]);
  });
});
