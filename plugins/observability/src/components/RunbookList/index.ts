export { RunbookList } from './RunbookList';
export type { RunbookListProps } from './RunbookList';
