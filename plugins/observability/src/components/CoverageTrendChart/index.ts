export { CoverageTrendChart } from './CoverageTrendChart';
export type { CoverageTrendChartProps } from './CoverageTrendChart';
