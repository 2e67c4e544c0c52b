/**
 * The instant queries behind the label-set questions of `FactSources`, built
 * here so the backend and the CLI send the same PromQL and the tab, the
 * coverage run and `redline check` decide on the same answer.
 */

/**
 * `group by (__name__, <labels>) ({__name__=~"a|b"})`: which of `metrics`
 * have series, per value of the selector's labels.
 * @public
 */
export function seriesLabelSetsQuery(
  metrics: readonly string[],
  labels: readonly string[],
): string {
  // Valid metric names ([a-zA-Z_:][a-zA-Z0-9_:]*) hold no regex syntax.
  const by = ['__name__', ...labels].join(', ');
  return `group by (${by}) ({__name__=~"${metrics.join('|')}"})`;
}

/**
 * `group by (le, <labels>) (<metric>)`: the `le` values a histogram's
 * `_bucket` series carry, per value of the selector's labels.
 * @public
 */
export function bucketLabelSetsQuery(
  metric: string,
  labels: readonly string[],
): string {
  const by = ['le', ...labels.filter(l => l !== 'le')].join(', ');
  return `group by (${by}) (${metric})`;
}
