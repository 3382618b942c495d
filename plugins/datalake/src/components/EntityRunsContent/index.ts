export { EntityRunsContent } from './EntityRunsContent';
export { RunStatusChip } from './RunStatusChip';
