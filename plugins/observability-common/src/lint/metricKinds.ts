/**
 * What a metric name tells about its type. Prometheus has no types at query
 * time, so the linter relies on the naming conventions (OpenMetrics and the
 * Prometheus naming guide): counters end in `_total`, histograms and
 * summaries expose `_count`, `_sum` and `_bucket`.
 *
 * Names with a colon are recording-rule outputs (`level:metric:operations`);
 * their operations part says what they hold, so the suffix rules below do not
 * apply to them.
 */

const COUNTER_SUFFIXES = ['_total', '_count', '_sum', '_bucket'];

/**
 * Suffixes that mark a gauge. Plain `_seconds` and `_bytes` are left out on
 * purpose: native histograms are named that way and `rate()` on them is right.
 */
const GAUGE_SUFFIXES = [
  '_ratio',
  '_percent',
  '_percentage',
  '_celsius',
  '_temperature',
  '_gauge',
  '_info',
  '_current',
  '_active',
  '_in_flight',
  '_inflight',
  '_queue_length',
  '_queue_size',
  '_depth',
  '_utilization',
  '_utilisation',
  '_connections',
  '_timestamp',
  '_timestamp_seconds',
  '_up',
  '_replicas',
  '_threads',
  '_goroutines',
  '_open_fds',
  '_load1',
  '_load5',
  '_load15',
];

/** Words that, in a `_bytes` metric, mean a level rather than a flow. */
const GAUGE_BYTES_WORDS = [
  'memory',
  'memstats',
  'heap',
  'filesystem',
  'avail',
  'free',
  'limit',
  'capacity',
  'usage',
];

/** Gauges known by full name; `active_connections` is the seed's example gauge. */
const GAUGE_NAMES = new Set([
  'up',
  'active_connections',
  'scrape_samples_scraped',
]);

export function isRecordedName(name: string): boolean {
  return name.includes(':');
}

/** The name without its counter suffix: `container_fs_inodes_total` → `container_fs_inodes`. */
export function counterStem(name: string): string {
  const suffix = COUNTER_SUFFIXES.find(s => name.endsWith(s));
  return suffix ? name.slice(0, -suffix.length) : name;
}

export function isCounterLike(name: string): boolean {
  return (
    !isRecordedName(name) &&
    COUNTER_SUFFIXES.some(suffix => name.endsWith(suffix))
  );
}

/** A classic histogram bucket series, raw or recorded (`…_bucket:rate5m`). */
export function isBucketSeries(name: string): boolean {
  return name.endsWith('_bucket') || name.includes('_bucket:');
}

export function looksLikeGauge(name: string): boolean {
  if (isRecordedName(name) || isCounterLike(name)) return false;
  if (GAUGE_NAMES.has(name)) return true;
  const lower = name.toLowerCase();
  if (GAUGE_SUFFIXES.some(suffix => lower.endsWith(suffix))) return true;
  return (
    lower.endsWith('_bytes') &&
    GAUGE_BYTES_WORDS.some(word => lower.includes(word))
  );
}

/** A cause class from the seed's "symptoms, not causes" table (plus memory and restarts). */
export type CauseKind = 'cpu' | 'memory' | 'disk' | 'exceptions' | 'restarts';

// Words are matched between `_` or `:` so recorded names (`instance:node_cpu:ratio`) count too.
const CAUSE_PATTERNS: Array<[CauseKind, RegExp]> = [
  ['exceptions', /exception|panic/],
  ['restarts', /restart/],
  ['cpu', /(^|[_:])(cpu|load1|load5|load15)([_:]|$)/],
  ['memory', /(^|[_:])(memory|mem|memstats|heap|rss|oom|swap)([_:]|$)/],
  ['disk', /(^|[_:])(disk|filesystem|fs|volume|inodes?)([_:]|$)/],
];

/** Which resource or cause a metric measures, if it is one of the seed's causes. */
export function causeKind(name: string): CauseKind | undefined {
  const lower = name.toLowerCase();
  return CAUSE_PATTERNS.find(([, pattern]) => pattern.test(lower))?.[0];
}

/**
 * Labels whose values are unbounded: ids of users, requests, traces and
 * sessions, client addresses, and raw paths/URLs. Compared after dropping
 * underscores and case, so `userId`, `user_id` and `USERID` all match. Route
 * templates (`route`, `handler`, `http_route`) are the bounded alternative.
 */
const HIGH_CARDINALITY_LABELS = new Set([
  'userid',
  'email',
  'requestid',
  'traceid',
  'spanid',
  'sessionid',
  'correlationid',
  'ip',
  'clientip',
  'remoteaddr',
  'remoteip',
  'path',
  'rawpath',
  'requestpath',
  'urlpath',
  'httppath',
  'url',
  'rawurl',
  'httpurl',
  'requesturl',
  'uri',
  'requesturi',
  'httptarget',
]);

export function isHighCardinalityLabel(label: string): boolean {
  return HIGH_CARDINALITY_LABELS.has(label.toLowerCase().replace(/[_.-]/g, ''));
}
