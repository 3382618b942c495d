import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Start (or resume) the DMS task created by datalake:dms:task:create',
    example: `steps:
  - id: start
    action: datalake:dms:task:start
    name: Start replication
    input:
      sourceId: sakila
      taskName: rentals
`,
  },
];
