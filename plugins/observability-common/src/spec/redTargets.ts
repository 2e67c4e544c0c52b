/**
 * The seed's RED method as three concrete targets. The PromQL is built only
 * from configured metric names and the spec's already-validated selector, so
 * it is valid for any entity.
 */
import type { RedTarget } from '../types';
import { roundNumber } from './annotationSchemas';
import type { ObservabilitySpec, Sourced } from './types';

/** Range of the rate() windows; the seed's thresholds are all "for 5 min". @public */
export const RED_RATE_WINDOW = '5m';

function provenance(
  value: Sourced<number>,
): Pick<RedTarget, 'source' | 'annotation'> {
  return value.annotation
    ? { source: value.source, annotation: value.annotation }
    : { source: value.source };
}

/** Formats a number for PromQL and for display without float noise (0.7 % -> 0.007). */
function num(value: number): string {
  return String(roundNumber(value));
}

/**
 * Computes the Rate, Errors and Duration targets of an entity, in that order.
 *
 * - `promql` is what a dashboard plots: requests per second, the 5xx ratio
 *   (0–1) and the P99 latency in seconds.
 * - `alertExpr` is the alerting condition built on it.
 * - The traffic target compares the current rate with the same window one
 *   week earlier, so normal daily and weekly cycles do not look like drops.
 * @public
 */
export function computeRedTargets(spec: ObservabilitySpec): RedTarget[] {
  const { requestsTotal, statusLabel, durationHistogram } = spec.metrics;
  const sel = spec.selector.value;
  const w = RED_RATE_WINDOW;
  const { rateDropPercent, errorRatePercent, latencyP99Ms } = spec.thresholds;

  const requestRate = `sum(rate(${requestsTotal}{${sel}}[${w}]))`;
  const requestRateLastWeek = `sum(rate(${requestsTotal}{${sel}}[${w}] offset 1w))`;
  const errorRatio = `sum(rate(${requestsTotal}{${sel},${statusLabel}=~"5.."}[${w}])) / ${requestRate}`;
  const p99 = `histogram_quantile(0.99, sum by (le) (rate(${durationHistogram}_bucket{${sel}}[${w}])))`;

  return [
    {
      signal: 'rate',
      name: 'Request rate',
      description: `Requests per second. Alerts when traffic drops by more than ${num(
        rateDropPercent.value,
      )} % compared with the same time one week earlier: a sudden drop usually means clients cannot reach the service.`,
      promql: requestRate,
      alertExpr: `${requestRate} < ${num(
        1 - rateDropPercent.value / 100,
      )} * ${requestRateLastWeek}`,
      threshold: rateDropPercent.value,
      unit: 'percent',
      thresholdDisplay: `drop > ${num(rateDropPercent.value)} % vs 1w ago`,
      // Week-over-week comparisons are noisier than ratios; a longer hold avoids paging on a single dip.
      for: '10m',
      ...provenance(rateDropPercent),
    },
    {
      signal: 'errors',
      name: 'Error ratio',
      description: `Share of requests answered with a 5xx status over ${w}. Alerts above ${num(
        errorRatePercent.value,
      )} % for 5 minutes.`,
      promql: errorRatio,
      alertExpr: `(${errorRatio}) > ${num(errorRatePercent.value / 100)}`,
      threshold: errorRatePercent.value,
      unit: 'percent',
      thresholdDisplay: `> ${num(errorRatePercent.value)} %`,
      for: '5m',
      ...provenance(errorRatePercent),
    },
    {
      signal: 'duration',
      name: 'P99 latency',
      description: `99th percentile request duration over ${w}, from the ${durationHistogram} histogram. Alerts above ${num(
        latencyP99Ms.value,
      )} ms for 5 minutes.`,
      promql: p99,
      alertExpr: `${p99} > ${num(latencyP99Ms.value / 1000)}`,
      threshold: latencyP99Ms.value,
      unit: 'ms',
      thresholdDisplay: `> ${num(latencyP99Ms.value)} ms`,
      for: '5m',
      ...provenance(latencyP99Ms),
    },
  ];
}
