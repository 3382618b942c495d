import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a full-load + CDC task for two tables, using the report of an earlier inspect step for keys and LOB settings',
    example: `steps:
  - id: task
    action: datalake:dms:task:create
    name: Create the DMS task
    input:
      sourceId: sakila
      taskName: rentals
      tables:
        - rental
        - payment
      inspection: \${{ steps.inspect.output.report }}
`,
  },
];
