export { ChartAxes } from './ChartAxes';
export type { ChartAxesProps } from './ChartAxes';
