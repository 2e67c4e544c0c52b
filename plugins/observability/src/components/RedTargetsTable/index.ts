export { RedTargetsTable, SourceChip } from './RedTargetsTable';
export type { RedTargetsTableProps } from './RedTargetsTable';
