/**
 * fast-check arbitraries for catalog entities as the rule generator sees them:
 * hostile text in every free-form field, thresholds mostly in range and
 * sometimes not, SLOs with valid and invalid objectives and thresholds.
 * Metric names and selectors are arbitrary too, then brought into the form
 * parseSpec guarantees (see `asParsed`).
 */
import fc from 'fast-check';
import {
  DEFAULT_GENERATOR_CONFIG,
  DEFAULT_HISTOGRAM_BUCKETS,
} from '../../spec/config';
import type { MetricNames, ObservabilitySpec, SloSpec } from '../../spec/types';
import { escapePromLabelValue } from '../escape';
import { asParsed } from './asParsed';
import { makeSpec } from './makeSpec';

/** Fragments that break naive generators: template delimiters, quotes, YAML syntax, control and odd Unicode. */
const nasty = fc.constantFrom(
  '{{',
  '}}',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '\n',
  '\t',
  '\r',
  '$value',
  '{{ $value }}',
  '{{ .Labels.x }}',
  '{{- /* c */ -}}',
  '`',
  '#',
  ': ',
  '- ',
  '|',
  '>',
  '&a',
  '*a',
  '!!str',
  '%',
  '@',
  '\u0000',
  '\u2028',
  '\ud800',
  '\udc00',
  '🚀',
  'ü',
  'yes',
  'Off',
  'y',
  '0o17',
  '<<',
  '.NaN',
  '2001-12-14',
  '12:30',
  'null',
  '~',
  '0x1F',
  '1e3',
  ' ',
  ']',
  '[',
  ',',
  '=~',
);
export const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .array(fc.oneof(nasty, fc.string({ maxLength: 4 })), { maxLength: 8 })
    .map(parts => parts.join('')),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const inRangeOr = (min: number, max: number) =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        0,
        -1,
        max,
        max * 10,
        Number.NaN,
        Number.POSITIVE_INFINITY,
      ),
    },
  );

const sloArb: fc.Arbitrary<SloSpec> = fc.record({
  slo: fc.constantFrom('availability' as const, 'latency' as const),
  objectivePercent: fc.oneof(
    fc.double({ min: 50, max: 99.9999, noNaN: true }),
    fc.constantFrom(99.9, 99.99, 99.5, 99, 95, 90, 100, 0, -3, Number.NaN),
  ),
  thresholdSeconds: fc.oneof(
    fc.constantFrom(...DEFAULT_HISTOGRAM_BUCKETS),
    fc.double({ min: 0.0001, max: 30, noNaN: true }),
    fc.constant(undefined),
  ),
  windowDays: fc.oneof(fc.constant(30), fc.integer({ min: -1, max: 400 })),
  window: fc.constant({ type: 'rolling' as const, days: 30 as const }),
  annotation: fc.constantFrom(
    'redline.dev/slo-availability',
    'redline.dev/slo-latency',
  ),
});

const metricsArb: fc.Arbitrary<MetricNames> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(DEFAULT_GENERATOR_CONFIG.metrics) },
  {
    weight: 1,
    arbitrary: fc.record({
      requestsTotal: fc.oneof(
        fc.constantFrom('api_calls_total', 'x:y', 'bad-name', '', 'requests'),
        text,
      ),
      statusLabel: fc.constantFrom('status', 'code', '__bad', '1x', ''),
      durationHistogram: fc.constantFrom(
        'http_request_duration_seconds',
        'rpc_latency',
        'a b',
      ),
      serviceLabel: fc.constantFrom('service', 'app', 'job', 'no-dash'),
      histogramBuckets: fc.array(
        fc.double({ min: 0.00001, max: 1e7, noNaN: true }),
        { maxLength: 6 },
      ),
    }),
  },
);

const urlArb = maybe(
  fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), text),
);

/** A valid selector for the service, a regex one around arbitrary text, or arbitrary text. */
function selectorFor(kind: string, serviceName: string, raw: string): string {
  if (kind === 'valid') return `service="${escapePromLabelValue(serviceName)}"`;
  if (kind === 'regex')
    return `service=~"${escapePromLabelValue(raw)}",env!="dev"`;
  return raw;
}

export const specArb: fc.Arbitrary<ObservabilitySpec> = fc
  .record({
    name: text,
    namespace: text,
    kind: text,
    serviceName: text,
    team: text,
    selectorKind: fc.constantFrom('valid', 'valid', 'valid', 'raw', 'regex'),
    rawSelector: text,
    errorRatePercent: inRangeOr(0.001, 100),
    latencyP99Ms: inRangeOr(1, 100_000),
    rateDropPercent: inRangeOr(1, 100),
    slos: fc.array(sloArb, { maxLength: 3 }),
    metrics: metricsArb,
    runbookUrl: urlArb,
    dashboardUrl: urlArb,
  })
  .map(r =>
    asParsed(
      makeSpec({
        entityRef: `${r.kind}:${r.namespace}/${r.name}`,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        team: r.team,
        serviceName: { value: r.serviceName, source: 'annotation' },
        selector: {
          value: selectorFor(r.selectorKind, r.serviceName, r.rawSelector),
          source: 'annotation',
        },
        thresholds: {
          errorRatePercent: { value: r.errorRatePercent, source: 'annotation' },
          latencyP99Ms: { value: r.latencyP99Ms, source: 'annotation' },
          rateDropPercent: { value: r.rateDropPercent, source: 'annotation' },
        },
        slos: r.slos,
        metrics: r.metrics,
        links: { runbookUrl: r.runbookUrl, dashboardUrl: r.dashboardUrl },
      }),
    ),
  );
