import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Create the bronze and silver tables of two inspected tables and a gold aggregate, with a monthly-partitioned silver payment table',
    example: `steps:
  - id: tables
    action: datalake:glue:iceberg-table:create
    name: Create the Iceberg tables
    input:
      sourceId: sakila
      owner: group:default/data-engineering
      inspection: \${{ steps.inspect.output.report }}
      tables:
        - payment
        - staff
      silverPartitionBy:
        payment:
          - column: payment_date
            transform: month
      gold:
        - table: revenue_by_store_month
          upstream: [payment, staff]
          sql: >-
            SELECT st.store_id, date_trunc('MONTH', p.payment_date) AS month, SUM(p.amount) AS revenue
            FROM glue_catalog.sakila_silver.payment p JOIN glue_catalog.sakila_silver.staff st ON p.staff_id = st.staff_id
            GROUP BY st.store_id, date_trunc('MONTH', p.payment_date)
          columns:
            - { name: store_id, type: int }
            - { name: month, type: timestamp }
            - { name: revenue, type: 'decimal(12,2)' }
`,
  },
  {
    description:
      'Create bronze and silver tables for every table of the inspection report',
    example: `steps:
  - id: tables
    action: datalake:glue:iceberg-table:create
    name: Create the Iceberg tables
    input:
      sourceId: sakila
      owner: group:default/data-engineering
      inspection: \${{ steps.inspect.output.report }}
`,
  },
];
