export { ChecksTable, CheckStatusLabel } from './ChecksTable';
export type { ChecksTableProps } from './ChecksTable';
