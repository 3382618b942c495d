import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Schedule the nightly pipeline run and the daily maintenance of its tables (the same input as the pipeline step)',
    example: `steps:
  - id: schedule
    action: datalake:scheduler:schedule:create
    name: Schedule the pipeline and its maintenance
    input:
      sourceId: sakila
      inspection: \${{ steps.inspect.output.report }}
      tables:
        - rental
        - inventory
      gold:
        - table: film_rentals
          upstream: [rental, inventory]
          sql: >-
            SELECT i.film_id, COUNT(*) AS rentals
            FROM glue_catalog.sakila_silver.rental r JOIN glue_catalog.sakila_silver.inventory i ON r.inventory_id = i.inventory_id
            GROUP BY i.film_id
          columns:
            - { name: film_id, type: int }
            - { name: rentals, type: bigint }
      schedule: cron(0 2 * * ? *)
`,
  },
];
