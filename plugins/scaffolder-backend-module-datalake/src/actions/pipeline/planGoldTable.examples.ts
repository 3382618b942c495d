import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      "Add a gold table to the sakila pipeline, reading the pipeline's recorded input from its catalog entity",
    example: `steps:
  - id: pipeline-entity
    action: catalog:fetch
    input:
      entityRef: component:default/sakila-ingestion
  - id: gold
    action: datalake:pipeline:gold:plan
    name: Plan the gold table
    input:
      sourceId: sakila
      pipelineEntity: \${{ steps['pipeline-entity'].output.entity }}
      inspection: \${{ steps.inspect.output.report }}
      table: actors_by_last_name
      sql: SELECT a.last_name, COUNT(*) AS actors FROM glue_catalog.sakila_silver.actor a GROUP BY a.last_name
`,
  },
];
