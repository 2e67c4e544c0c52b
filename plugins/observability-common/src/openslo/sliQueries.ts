/**
 * The Prometheus queries of Redline's two SLIs, as OpenSLO `ratioMetric`s
 * over counters (`counter: true`: the consumer takes the rate). Export writes
 * them and import recognises an SLI by them, so both sides agree on what an
 * availability or latency SLI is.
 */
import { leMatcher } from '../generate/redRecordingRules';
import type { MetricNames } from '../spec/types';

/** The counters of one ratio SLI. */
export interface RatioQueries {
  good?: string;
  bad?: string;
  total: string;
}

function selectorOf(metric: string, ...matchers: string[]): string {
  return `sum(${metric}{${matchers.filter(m => m !== '').join(',')}})`;
}

/** Availability: 5xx answers are bad, every request counts. */
export function availabilityQueries(
  metrics: MetricNames,
  selector: string,
): RatioQueries {
  return {
    bad: selectorOf(
      metrics.requestsTotal,
      selector,
      `${metrics.statusLabel}=~"5.."`,
    ),
    total: selectorOf(metrics.requestsTotal, selector),
  };
}

/** Latency: requests in the bucket at `le` seconds are good. */
export function latencyQueries(
  metrics: MetricNames,
  selector: string,
  le: number,
): RatioQueries {
  return {
    good: selectorOf(
      `${metrics.durationHistogram}_bucket`,
      selector,
      leMatcher(le),
    ),
    total: selectorOf(`${metrics.durationHistogram}_count`, selector),
  };
}

/** The part of a latency `good` query before its `le` matcher, to recognise one at any bucket. */
export function latencyGoodPrefix(
  metrics: MetricNames,
  selector: string,
): string {
  return `sum(${metrics.durationHistogram}_bucket{${
    selector === '' ? '' : `${selector},`
  }`;
}

/** Whitespace is not significant in PromQL outside strings; Redline's selectors carry none inside them. */
export function sameQuery(a: string, b: string): boolean {
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}
