/**
 * The seed's RED method as three concrete targets. The PromQL is built only
 * from configured metric names and the spec's already-validated selector, so
 * it is valid for any entity.
 */
import { TRAFFIC_DROP_FOR } from '../generate/prometheusRules';
import { rateBaselineExpr } from '../generate/redRecordingRules';
import type { RedTarget } from '../types';
import { roundNumber } from './annotationSchemas';
import { DEFAULT_TRAFFIC_DROP_MIN_RATE } from './parseSpec';
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
 * - `alertExpr` is the alerting condition built on it, from raw metrics so
 *   it holds without Redline's recording rules.
 * - The traffic target is the TrafficDrop alert with its recorded baseline
 *   written out: the usual rate at this time of day and week, so normal
 *   cycles do not look like drops, and no alert while that is too low to
 *   tell a drop from chance.
 * @public
 */
export function computeRedTargets(spec: ObservabilitySpec): RedTarget[] {
  const { requestsTotal, statusLabel, durationHistogram } = spec.metrics;
  const sel = spec.selector.value;
  const w = RED_RATE_WINDOW;
  const { rateDropPercent, errorRatePercent, latencyP99Ms } = spec.thresholds;
  const minRate =
    spec.thresholds.trafficDropMinRate?.value ?? DEFAULT_TRAFFIC_DROP_MIN_RATE;

  const requestRate = `sum(rate(${requestsTotal}{${sel}}[${w}]))`;
  const usualRate = rateBaselineExpr(`${requestsTotal}{${sel}}`);
  const errorRatio = `sum(rate(${requestsTotal}{${sel},${statusLabel}=~"5.."}[${w}])) / ${requestRate}`;
  const p99 = `histogram_quantile(0.99, sum by (le) (rate(${durationHistogram}_bucket{${sel}}[${w}])))`;

  return [
    {
      signal: 'rate',
      name: 'Request rate',
      description: `Requests per second. Alerts when traffic stays more than ${num(
        rateDropPercent.value,
      )} % below its usual rate for ${TRAFFIC_DROP_FOR}: a sudden drop usually means clients cannot reach the service. The usual rate is the median of the same 5 minutes over the past three weeks (or days, for a service younger than a week); while it is at most ${num(
        minRate,
      )} requests/s, too few to tell a drop from chance, nothing alerts.`,
      promql: requestRate,
      // As in the TrafficDrop rule: no traffic now counts as zero, and the
      // baseline's guard also keeps the division away from zero.
      alertExpr: `(${requestRate} or vector(0))\n/ on ()\n((${usualRate}) > ${num(
        minRate,
      )})\n< ${num((100 - rateDropPercent.value) / 100)}`,
      threshold: rateDropPercent.value,
      unit: 'percent',
      thresholdDisplay: `drop > ${num(rateDropPercent.value)} % vs usual`,
      for: TRAFFIC_DROP_FOR,
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
