import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Inspect chosen tables of a configured source and fail early when CDC is not possible',
    example: `steps:
  - id: inspect
    action: datalake:mysql:source:inspect
    name: Inspect the source
    input:
      sourceId: sakila
      tables:
        - film_actor
        - film_category
      requireReady: false
`,
  },
  {
    description: 'Inspect every base table of a configured source',
    example: `steps:
  - id: inspect
    action: datalake:mysql:source:inspect
    name: Inspect the source
    input:
      sourceId: sakila
`,
  },
];
