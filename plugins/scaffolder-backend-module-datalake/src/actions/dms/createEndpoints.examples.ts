import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description:
      'Create the MySQL source endpoint (credentials from the configured Secrets Manager secret) and the S3 landing endpoint of a configured source',
    example: `steps:
  - id: endpoints
    action: datalake:dms:endpoint:create
    name: Create DMS endpoints
    input:
      sourceId: sakila
`,
  },
  {
    description:
      'Land the source as header-less CSV, the format chosen on the new-ingestion form',
    example: `steps:
  - id: endpoints
    action: datalake:dms:endpoint:create
    name: Create DMS endpoints
    input:
      sourceId: sakila
      format: csv
`,
  },
];
