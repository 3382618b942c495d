import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Render the pipeline entities from the skeleton and register them without a git repository',
    example: `steps:
  - id: render
    action: fetch:template
    name: Render catalog-info.yaml
    input:
      url: ./skeleton
      values:
        sourceId: sakila
        owner: group:default/data-engineering
  - id: register
    action: datalake:catalog:pipeline:register
    name: Register the pipeline in the catalog
    input:
      sourceId: sakila
      owner: group:default/data-engineering
`,
  },
];
