/**
 * Which histogram bucket a latency SLO is measured at. A classic histogram
 * can only count requests at its own `le` boundaries, so a threshold between
 * two buckets cannot be measured as declared. Redline then measures at the
 * nearest bucket at or below the threshold, and says so everywhere the SLO
 * shows up (finding, alert text, dashboard panel, runbook); when no bucket is
 * at or below the threshold, nothing is generated for the SLO.
 */
import { roundNumber } from './annotationSchemas';
import type { Finding, MetricNames, SloSpec } from './types';

/** Where the buckets a latency SLO is checked against come from. @public */
export type BucketSource = 'observed' | 'config';

/** The bucket a latency SLO is measured at. @public */
export interface LatencySloBucket {
  /** The `le` boundary in seconds. */
  le: number;
  /** Whether `le` is the declared threshold itself. */
  exact: boolean;
}

/** e.g. 0.3 → `300ms`, 2.5 → `2.5s`. */
export function formatDuration(seconds: number): string {
  return seconds < 1
    ? `${roundNumber(seconds * 1000)}ms`
    : `${roundNumber(seconds)}s`;
}

/** `le="0.3"`: how a bucket is named to users (the shortest spelling). */
export function leLabel(le: number): string {
  return `le="${roundNumber(le)}"`;
}

/** Bucket boundaries that can measure anything: finite and above 0, ascending, each once. */
function usableOf(buckets: readonly number[]): number[] {
  return [
    ...new Set(
      buckets
        .filter(b => typeof b === 'number' && Number.isFinite(b) && b > 0)
        .map(roundNumber),
    ),
  ].sort((a, b) => a - b);
}

/**
 * {@link usableOf}, once per list: every spec shares the configured list,
 * and each latency SLO of each entity reads it several times.
 */
const usableByList = new WeakMap<readonly number[], readonly number[]>();

function usableBuckets(buckets: readonly number[]): readonly number[] {
  let usable = usableByList.get(buckets);
  if (!usable) {
    usable = Object.freeze(usableOf(buckets));
    usableByList.set(buckets, usable);
  }
  return usable;
}

/**
 * Bucket boundaries from the `le` label values Prometheus reports, e.g.
 * `["0.1", "0.30", "1.0", "+Inf"]` → `[0.1, 0.3, 1]`. `+Inf` and text that
 * is not a number are dropped; different spellings of one boundary count once.
 * @public
 */
export function bucketsFromLeValues(values: readonly string[]): number[] {
  return usableOf(values.map(v => Number(v)));
}

/** Float noise (0.1 + 0.2) must not make a threshold miss the bucket it names. */
function sameBoundary(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/**
 * The bucket a latency SLO with this threshold is measured at: the threshold
 * when it is a bucket, else the nearest bucket below it. Never the one
 * above: counting requests up to a larger boundary as fast would report a
 * better SLI than the service delivers, and an SLO must never flatter it.
 * Undefined when every bucket is above the threshold.
 * @public
 */
export function latencySloBucket(
  thresholdSeconds: number,
  buckets: readonly number[],
): LatencySloBucket | undefined {
  let below: number | undefined;
  for (const b of usableBuckets(buckets)) {
    if (sameBoundary(b, thresholdSeconds)) return { le: b, exact: true };
    if (b < thresholdSeconds) below = b;
  }
  return below === undefined ? undefined : { le: below, exact: false };
}

/**
 * Whether the buckets a service exposes (`le` values as Prometheus reports
 * them) would measure any latency SLO differently from the configured ones:
 * another bucket, or an SLO off its bucket (its finding lists the buckets, so
 * it must list the real ones). Describing at observed buckets that change
 * nothing is work a view or a coverage run can skip.
 * @public
 */
export function observedBucketsMatter(
  slos: readonly SloSpec[],
  configured: readonly number[],
  observed: readonly string[],
): boolean {
  const live = bucketsFromLeValues(observed);
  if (live.length === 0) return false;
  return slos.some(slo => {
    if (slo.slo !== 'latency' || slo.thresholdSeconds === undefined)
      return false;
    const before = latencySloBucket(slo.thresholdSeconds, configured);
    const after = latencySloBucket(slo.thresholdSeconds, live);
    return !before?.exact || !after?.exact;
  });
}

function bucketList(buckets: readonly number[], source: BucketSource): string {
  const list = usableBuckets(buckets).map(formatDuration).join(', ') || 'none';
  return source === 'observed'
    ? `${list} (the buckets Prometheus reports for this service)`
    : `${list} (observability.metrics.histogramBuckets)`;
}

/**
 * The finding for a latency SLO whose threshold is not a bucket, or
 * undefined when it is one. Its id, annotation and message depend only on
 * the SLO and the buckets, so the spec parser and the rule generator report
 * it identically and it is listed once.
 * @public
 */
export function latencyBucketFinding(
  slo: SloSpec,
  metrics: Pick<MetricNames, 'durationHistogram' | 'histogramBuckets'>,
  source: BucketSource = 'config',
): Finding | undefined {
  const threshold = slo.thresholdSeconds;
  if (slo.slo !== 'latency' || threshold === undefined) return undefined;
  const bucket = latencySloBucket(threshold, metrics.histogramBuckets);
  if (bucket?.exact) return undefined;
  const declared = formatDuration(threshold);
  const expected = `a threshold equal to a bucket: ${bucketList(
    metrics.histogramBuckets,
    source,
  )}`;
  if (!bucket) {
    return {
      id: 'slo.latency-threshold-below-buckets',
      severity: 'error',
      annotation: slo.annotation,
      value: `${slo.objectivePercent}% < ${declared}`,
      expected,
      message: `The latency SLO threshold ${declared} is below every bucket of ${metrics.durationHistogram}, so no bucket separates fast requests from slow ones. No latency SLO rules, alerts or dashboard panel were generated; expose a bucket at or below ${declared}.`,
    };
  }
  const measured = formatDuration(bucket.le);
  return {
    id: 'slo.latency-threshold-not-a-bucket',
    severity: 'warning',
    annotation: slo.annotation,
    value: `${slo.objectivePercent}% < ${declared}`,
    expected,
    message: `The latency SLO threshold ${declared} is not a bucket of ${
      metrics.durationHistogram
    }, so the SLO is measured at the nearest bucket below it, ${leLabel(
      bucket.le,
    )}: requests slower than ${measured} count as bad, which is stricter than declared. Change the SLO to ${measured} to say so, or expose a ${declared} bucket.`,
    fix: [
      'metadata:',
      '  annotations:',
      `    ${slo.annotation}: ${JSON.stringify(
        `${slo.objectivePercent}% < ${measured}`,
      )}`,
    ].join('\n'),
  };
}
