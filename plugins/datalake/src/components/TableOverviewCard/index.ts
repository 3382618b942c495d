export { TableOverviewCard } from './TableOverviewCard';
