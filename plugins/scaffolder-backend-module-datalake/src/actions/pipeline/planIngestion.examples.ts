import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Check the form values of a new ingestion and derive the renames, schedule and gold tables',
    example: `steps:
  - id: plan
    action: datalake:pipeline:ingestion:plan
    name: Check the ingestion
    input:
      sourceId: sakila
      inspection: \${{ steps.inspect.output.report }}
      tables: [film, actor]
      silverColumns:
        film:
          film_id: film_id
          title: film_title
      schedule: 0 2 * * *
`,
  },
];
