export {
  ConfidenceGauge,
  ConfidenceSummary,
  scoreColor,
} from './ConfidenceSummary';
export type { ConfidenceSummaryProps } from './ConfidenceSummary';
