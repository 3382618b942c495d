export { TableSchemaContent } from './TableSchemaContent';
