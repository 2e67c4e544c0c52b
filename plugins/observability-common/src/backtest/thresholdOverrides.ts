import { ANNOTATIONS } from '../spec/annotations';

/**
 * The thresholds a backtest can be re-run with, by query parameter, and the
 * annotation each one stands for. A value is the annotation's text (e.g.
 * `"2"` for 2 %, `"750ms"`), so it is validated by the same parser as the
 * catalog's, and the value a team settles on is the line it pastes.
 * @public
 */
export const BACKTEST_THRESHOLD_ANNOTATIONS = {
  errorRateThreshold: ANNOTATIONS.errorRateThreshold,
  latencyP99Threshold: ANNOTATIONS.latencyP99Threshold,
  rateDropThreshold: ANNOTATIONS.rateDropThreshold,
} as const;

/** A threshold a backtest can be re-run with. @public */
export type BacktestThresholdParam =
  keyof typeof BACKTEST_THRESHOLD_ANNOTATIONS;

/** Threshold overrides of one backtest, as annotation text by query parameter. @public */
export type BacktestThresholds = Partial<
  Record<BacktestThresholdParam, string>
>;

/** The overrides as the annotations they stand for (absent and blank ones left out). @public */
export function thresholdAnnotations(
  thresholds: BacktestThresholds,
): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [param, key] of Object.entries(BACKTEST_THRESHOLD_ANNOTATIONS)) {
    const value = thresholds[param as BacktestThresholdParam]?.trim();
    if (value) annotations[key] = value;
  }
  return annotations;
}
