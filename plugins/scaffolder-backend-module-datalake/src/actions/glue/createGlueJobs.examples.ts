import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Render, upload and create the bronze and silver Glue jobs of two inspected tables, with maintenance jobs',
    example: `steps:
  - id: jobs
    action: datalake:glue:job:create
    name: Create the Glue jobs
    input:
      sourceId: sakila
      inspection: \${{ steps.inspect.output.report }}
      tables:
        - film
        - language
      silverRenames:
        film:
          rental_rate: daily_rate
      maintenance: true
`,
  },
];
