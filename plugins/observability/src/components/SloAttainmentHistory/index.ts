export { SloAttainmentHistory } from './SloAttainmentHistory';
export type { SloAttainmentHistoryProps } from './SloAttainmentHistory';
