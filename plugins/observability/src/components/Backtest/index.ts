export { BacktestPanel } from './BacktestPanel';
export type { BacktestPanelProps } from './BacktestPanel';
export { BacktestAlertRow } from './BacktestAlertRow';
export type { BacktestAlertRowProps } from './BacktestAlertRow';
export { backtestSummary } from './backtestSummary';
