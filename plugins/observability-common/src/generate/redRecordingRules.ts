/**
 * RED recording rules (rate, errors, duration), named after Prometheus'
 * `level:metric:operations` convention: the level is `service` (the series
 * are aggregated per service), the metric is the source metric without
 * `_total`, the operations say what was done to it.
 */
import type { MetricNames } from '../spec/types';
import { escapePromLabelValue, leBucketRegex } from './escape';
import { select, type RuleContext } from './ruleContext';
import type { RecordingRule } from './types';

/**
 * The `level` part of recorded series names. It names the aggregation, not a
 * label: it stays `service` whatever `metrics.serviceLabel` is, so queries
 * and dashboards find the series under one name in every installation.
 */
const RECORD_LEVEL = 'service';

/** Names of the RED recorded series for a set of metric names. @public */
export interface RedRecordNames {
  /** Requests per second over 5m, e.g. `service:http_requests:rate5m`. */
  rate5m: string;
  /** Share of 5xx responses over 5m, e.g. `service:http_requests_errors:ratio_rate5m`. */
  errorRatio5m: string;
  /** Latency quantiles over 5m, e.g. `service:http_request_duration_seconds:p99_5m`. */
  p50: string;
  p90: string;
  p99: string;
  /** What the 5m request rate usually is at this time of day and week: the TrafficDrop baseline. */
  rateBaseline5m: string;
}

/** @public */
export function redRecordNames(
  metrics: Pick<MetricNames, 'requestsTotal' | 'durationHistogram'>,
): RedRecordNames {
  const requests = metrics.requestsTotal.replace(/_total$/, '');
  const duration = metrics.durationHistogram;
  return {
    rate5m: `${RECORD_LEVEL}:${requests}:rate5m`,
    errorRatio5m: `${RECORD_LEVEL}:${requests}_errors:ratio_rate5m`,
    p50: `${RECORD_LEVEL}:${duration}:p50_5m`,
    p90: `${RECORD_LEVEL}:${duration}:p90_5m`,
    p99: `${RECORD_LEVEL}:${duration}:p99_5m`,
    rateBaseline5m: `${RECORD_LEVEL}:${requests}:rate5m_baseline`,
  };
}

/** Matcher for server errors on the status label: any 5xx. */
export function serverErrorMatcher(ctx: RuleContext): string {
  return `${ctx.metrics.statusLabel}=~"5.."`;
}

/**
 * Share of requests answered with a 5xx over `window`. The numerator falls
 * back to 0 when no 5xx series exists yet (a service that never failed); the
 * denominator is filtered to `> 0`, so at zero traffic the ratio is absent
 * rather than NaN (0/0) or a fake 0.
 */
export function errorRatioExpr(ctx: RuleContext, window: string): string {
  return errorRatioExprFor(ctx)(window);
}

/** {@link errorRatioExpr} for several windows, the selectors built once. */
export function errorRatioExprFor(
  ctx: RuleContext,
): (window: string) => string {
  const total = select(ctx, ctx.metrics.requestsTotal);
  const errors = select(
    ctx,
    ctx.metrics.requestsTotal,
    serverErrorMatcher(ctx),
  );
  return window =>
    `(sum(rate(${errors}[${window}])) or vector(0))\n/\n(sum(rate(${total}[${window}])) > 0)`;
}

/**
 * `le` matcher for every spelling of a bucket boundary (see
 * {@link leBucketRegex}), e.g. `le=~"0\\.30*"`: the regex's backslashes are
 * escaped once more for the PromQL string that carries it.
 */
export function leMatcher(boundary: number): string {
  return `le=~"${escapePromLabelValue(leBucketRegex(boundary))}"`;
}

/**
 * A latency quantile over 5m. `and on() (count > 0)` drops the NaN that
 * histogram_quantile returns when there were no requests.
 */
function quantileExpr(ctx: RuleContext, q: number): string {
  const buckets = select(ctx, `${ctx.metrics.durationHistogram}_bucket`);
  const count = select(ctx, `${ctx.metrics.durationHistogram}_count`);
  return `histogram_quantile(${q}, sum by (le) (rate(${buckets}[5m])))\nand on ()\n(sum(rate(${count}[5m])) > 0)`;
}

/**
 * The median of the 5m request rate at the same time over several earlier
 * periods. A median ignores one bad period (last week's outage at this hour),
 * and a current outage only enters it once it has lasted through most of the
 * periods, so the alert keeps firing instead of adopting the outage as normal.
 */
function medianRateAt(total: string, offsets: string[]): string {
  const at = offsets.map(
    offset =>
      `label_replace(sum(rate(${total}[5m] offset ${offset})), "baseline_offset", "${offset}", "", "")`,
  );
  return `quantile without (baseline_offset) (0.5,\n  ${at.join(
    '\n  or\n  ',
  )}\n)`;
}

/**
 * The TrafficDrop baseline of the request counter selected by `total`, e.g.
 * `http_requests_total{service="checkout"}`. Weekly offsets keep the time of
 * day and the day of week. A service younger than a week has none of them
 * yet and falls back to the same time on the previous days, so a new service
 * that stops receiving requests still alerts.
 */
export function rateBaselineExpr(total: string): string {
  return `${medianRateAt(total, ['1w', '2w', '3w'])}\nor\n${medianRateAt(
    total,
    ['1d', '2d', '3d'],
  )}`;
}

/** The RED recording rules for one service. */
export function redRecordingRules(ctx: RuleContext): RecordingRule[] {
  const names = redRecordNames(ctx.metrics);
  const labels = ctx.recordedLabels;
  return [
    {
      record: names.rate5m,
      expr: `sum(rate(${select(ctx, ctx.metrics.requestsTotal)}[5m]))`,
      labels,
    },
    { record: names.errorRatio5m, expr: errorRatioExpr(ctx, '5m'), labels },
    { record: names.p50, expr: quantileExpr(ctx, 0.5), labels },
    { record: names.p90, expr: quantileExpr(ctx, 0.9), labels },
    { record: names.p99, expr: quantileExpr(ctx, 0.99), labels },
    {
      record: names.rateBaseline5m,
      expr: rateBaselineExpr(select(ctx, ctx.metrics.requestsTotal)),
      labels,
    },
  ];
}
