export { TableSnapshotsContent } from './TableSnapshotsContent';
