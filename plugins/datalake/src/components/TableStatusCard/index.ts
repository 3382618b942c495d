export { TableStatusCard } from './TableStatusCard';
