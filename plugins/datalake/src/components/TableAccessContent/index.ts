export { TableAccessContent } from './TableAccessContent';
