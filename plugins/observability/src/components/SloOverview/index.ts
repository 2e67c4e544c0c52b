export { SloOverview } from './SloOverview';
export type { SloOverviewProps } from './SloOverview';
export { SloOverviewContent } from './SloOverviewContent';
export type { SloOverviewContentProps } from './SloOverviewContent';
export { BurnDownChart } from './BurnDownChart';
export type { BurnDownChartProps } from './BurnDownChart';
export { SloSuggestionCard } from './SloSuggestionCard';
export type { SloSuggestionCardProps } from './SloSuggestionCard';
export { annotationsYaml, sloTitle } from './format';
