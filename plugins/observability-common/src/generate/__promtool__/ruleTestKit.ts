/**
 * Building blocks for `promtool test rules` suites over generated rules:
 * counter series in promtool's expanding notation, and the alert promtool
 * should report, derived from the generated rule (labels and annotations
 * expanded the way Prometheus expands them).
 */
import type { GeneratedAlert } from '../types';
import type { ExpectedAlert } from './runPromtool';

/**
 * A counter sampled every minute, starting at 0: each `[increment, minutes]`
 * segment adds `increment` per minute for `minutes` samples. `[null, n]`
 * leaves n samples missing (the series disappeared).
 */
export function counter(...segments: Array<[number | null, number]>): string {
  const parts = ['0'];
  let value = 0;
  for (const [inc, minutes] of segments) {
    if (minutes <= 0) continue;
    if (inc === null) {
      parts.push(`_x${minutes}`);
      continue;
    }
    parts.push(`${value + inc}+${inc}x${minutes - 1}`);
    value += inc * minutes;
  }
  return parts.join(' ');
}

/** Go's `%.4g`. */
function goG4(x: number): string {
  if (x === 0) return '0';
  const rounded = Number(x.toPrecision(4));
  const exp = Math.floor(Math.log10(Math.abs(rounded)));
  if (exp < -4 || exp >= 4) {
    const [mant, e] = rounded.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${Number(mant)}e${sign}${digits}`;
  }
  return String(rounded);
}

/** Prometheus' `humanizePercentage`. */
export function humanizePercentage(v: number): string {
  return `${goG4(v * 100)}%`;
}

/** Prometheus' `humanizeDuration` for values below one minute. */
export function humanizeDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (Math.abs(seconds) >= 60)
    throw new Error(
      'humanizeDuration: only < 60s is implemented in this test kit',
    );
  if (Math.abs(seconds) >= 1) return `${goG4(seconds)}s`;
  let v = seconds;
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}

/**
 * Expands the only template constructs the generator emits: its escapes for
 * catalog braces and `$value` with a humanize function. Anything else left
 * in the text would be a template the generator should not have produced,
 * so the result is compared against what Prometheus really expanded.
 */
export function expandTemplate(text: string, value?: number): string {
  return text.replace(
    /\{\{ "\{\{" \}\}|\{\{ "\{" \}\}|\{\{ \$value \| (humanizePercentage|humanizeDuration) \}\}/g,
    (match, fn: string | undefined) => {
      if (match === '{{ "{{" }}') return '{{';
      if (match === '{{ "{" }}') return '{';
      if (value === undefined)
        throw new Error(`no $value given to expand ${match}`);
      return fn === 'humanizePercentage'
        ? humanizePercentage(value)
        : humanizeDuration(value);
    },
  );
}

function expandAll(
  record: Record<string, string>,
  value?: number,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, expandTemplate(v, value)]),
  );
}

/**
 * The alert promtool must report for a generated alert: its rule labels
 * (expanded) over the labels of the series the expression returns, and its
 * annotations expanded with `$value`.
 */
export function expectedAlert(
  alert: GeneratedAlert,
  value: number,
  seriesLabels: Record<string, string> = {},
): ExpectedAlert {
  return {
    exp_labels: { ...seriesLabels, ...expandAll(alert.labels) },
    exp_annotations: expandAll(alert.annotations, value),
  };
}
