/**
 * Proof with the real tool: generated rule files pass `promtool check rules`,
 * and `promtool test rules` (1m evaluation) shows each alert firing at the
 * minute it should, not one step earlier, and never at zero traffic. The
 * rule files are the bytes users download; the test files are built from the
 * generated alerts, never hand-copied.
 */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import type { ObservabilitySpec, SloSpec } from '../spec/types';
import { escapePromLabelValue } from './escape';
import { generateArtifacts } from './generateArtifacts';
import { downloadedFile } from './__promtool__/downloadedFile';
import {
  checkRules,
  PROMTOOL_CASE_TIMEOUT_MS,
  testRulesBatch,
  type PromtoolResult,
  type RuleTestCase,
  type RuleTestGroup,
  type TestSeries,
} from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';
import type { GeneratedAlert } from './types';

const config = DEFAULT_GENERATOR_CONFIG;

const availability999: SloSpec = {
  slo: 'availability',
  objectivePercent: 99.9,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-availability',
};
const latency999 = (thresholdSeconds: number): SloSpec => ({
  slo: 'latency',
  objectivePercent: 99.9,
  thresholdSeconds,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-latency',
});

/** The generated alerts and the rule file exactly as users download it. */
function generate(spec: ObservabilitySpec) {
  const artifacts = generateArtifacts(spec, config);
  return {
    alerts: artifacts.alerts,
    yaml: downloadedFile(artifacts, 'prometheus-rules'),
  };
}

function alert(alerts: GeneratedAlert[], key: string): GeneratedAlert {
  const found = alerts.find(a => a.key === key);
  if (!found)
    throw new Error(`no alert ${key} in ${alerts.map(a => a.key).join(', ')}`);
  return found;
}

/** Labels of a PromQL series selector string, e.g. `{service="checkout"}`. */
function sel(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapePromLabelValue(v)}"`)
    .join(',')}}`;
}

const m = (minutes: number) => `${minutes}m`;

/** Three days and an hour of history: every burn window (up to 3d) is full before the incident. */
const T = 3 * 24 * 60 + 60;

/** promtool's complaints, or '' when it passed (so a failure shows promtool's own output). */
function failures(result: { ok: boolean; output: string }): string {
  return result.ok ? '' : result.output;
}

describeWithBinary('promtool')(
  'generated Prometheus rules under promtool',
  promtool => {
    jest.setTimeout(240_000);

    // Every `promtool test rules` case below is evaluated up front in one
    // promtool process per core; each `it` still asserts its own case and
    // shows promtool's output for that case only.
    const cases: Record<string, RuleTestCase> = {};
    let results: Record<string, PromtoolResult> = {};

    /** Registers a case; the returned function gives promtool's complaints about it, '' when it passed. */
    function promtoolCase(
      name: string,
      rulesYaml: string,
      tests: RuleTestGroup[],
    ): () => string {
      if (cases[name]) throw new Error(`duplicate promtool case ${name}`);
      cases[name] = { rulesYaml, tests };
      return () => {
        const result = results[name];
        if (!result) throw new Error(`promtool never ran case ${name}`);
        return failures(result);
      };
    }

    /**
     * An `it` whose promtool case `build` makes while tests are collected;
     * `check` holds the test's assertions that need no promtool.
     */
    function promtoolIt(
      title: string,
      build: () => RuleTestCase & { check?: () => void },
    ): void {
      const { rulesYaml, tests, check } = build();
      const verdict = promtoolCase(title, rulesYaml, tests);
      // eslint-disable-next-line jest/valid-title -- each caller passes a literal title
      it(title, () => {
        check?.();
        expect(verdict()).toBe('');
      });
    }

    it('pass `promtool check rules` for representative services', () => {
      const specs: Record<string, ObservabilitySpec> = {
        'checkout.yaml': makeSpec({ slos: [availability999, latency999(0.3)] }),
        'bare.yaml': makeBareSpec({
          name: 'bare',
          serviceName: { value: 'bare', source: 'default' },
          selector: { value: 'service="bare"', source: 'default' },
        }),
        'odd.yaml': makeSpec({
          name: 'odd',
          serviceName: {
            value: 'we"ird {{ $labels.x }} \\ name\nline2 {',
            source: 'annotation',
          },
          selector: {
            value: 'app=~"we.*|x\\\\d+",env!="dev"',
            source: 'annotation',
          },
          team: 'team {{ .Foo }} "q"',
          links: { runbookUrl: 'https://wiki.example.com/run?x={{y}}&z="1"' },
          slos: [availability999, latency999(1)],
        }),
        'custom-metrics.yaml': makeSpec({
          name: 'legacy',
          metrics: {
            requestsTotal: 'legacy_http_server_requests',
            statusLabel: 'code',
            durationHistogram: 'legacy_latency_seconds',
            serviceLabel: 'app',
            histogramBuckets: [0.005, 0.25, 1, 10],
          },
          selector: { value: 'app="legacy"', source: 'annotation' },
          slos: [
            { ...availability999, objectivePercent: 95 },
            latency999(0.25),
          ],
        }),
        'tiny-budget.yaml': makeSpec({
          name: 'tiny',
          slos: [
            { ...availability999, objectivePercent: 99.999 },
            latency999(0.01),
          ],
        }),
      };
      const files = Object.fromEntries(
        Object.entries(specs).map(([file, spec]) => [
          file,
          generate(spec).yaml,
        ]),
      );
      const result = checkRules(promtool, files);
      expect(failures(result)).toBe('');
      for (const file of Object.keys(files))
        expect(result.output).toContain(`Checking ${file}`);
    });

    describe('availability SLO 99.9 %: 0 % → 100 % errors at minute T', () => {
      const spec = makeSpec({ slos: [availability999] });
      const { yaml, alerts } = generate(spec);
      const tiers = ['fast', 'medium', 'slow', 'long'] as const;
      const windows = { fast: 60, medium: 360, slow: 1440, long: 4320 };
      const svc = { service: 'checkout' };
      const sloLabels = { service: 'checkout', slo: 'availability' };
      const burning = (k: number, ...active: Array<(typeof tiers)[number]>) =>
        active.map(tier =>
          // $value is the long window's error ratio: k bad minutes out of the window.
          expectedAlert(
            alert(alerts, `SLOErrorBudgetBurn:availability:${tier}`),
            k / windows[tier],
            sloLabels,
          ),
        );
      const input: TestSeries[] = [
        {
          series: `http_requests_total${sel({ ...svc, status: '200' })}`,
          values: counter([60, T], [0, 30]),
        },
        {
          series: `http_requests_total${sel({ ...svc, status: '500' })}`,
          values: counter([0, T], [60, 30]),
        },
      ];

      const burn = (k: number, ...active: Array<(typeof tiers)[number]>) => ({
        eval_time: m(T + k),
        alertname: 'SLOErrorBudgetBurn',
        exp_alerts: burning(k, ...active),
      });
      const highError = alert(alerts, 'HighErrorRate');
      const burnTiers = promtoolCase('availability burn tiers', yaml, [
        {
          interval: '1m',
          input_series: input,
          alert_rule_test: [
            burn(0),
            burn(1, 'fast'),
            burn(2, 'fast'),
            burn(3, 'fast', 'medium'),
            burn(4, 'fast', 'medium'),
            burn(5, 'fast', 'medium', 'slow', 'long'),
            // HighErrorRate: above 1 % from T+1m, `for: 5m` → firing at T+6m.
            { eval_time: m(T + 5), alertname: 'HighErrorRate', exp_alerts: [] },
            {
              eval_time: m(T + 6),
              alertname: 'HighErrorRate',
              exp_alerts: [expectedAlert(highError, 1, svc)],
            },
            { eval_time: m(T + 6), alertname: 'TrafficDrop', exp_alerts: [] },
            {
              eval_time: m(T + 6),
              alertname: 'SLOMetricAbsent',
              exp_alerts: [],
            },
          ],
          promql_expr_test: [
            {
              expr: 'slo:sli_error:ratio_rate5m',
              eval_time: m(T + 1),
              exp_samples: [
                {
                  labels: `slo:sli_error:ratio_rate5m${sel(sloLabels)}`,
                  value: 0.2,
                },
              ],
            },
            {
              expr: 'slo:current_burn_rate:ratio',
              eval_time: m(T + 1),
              exp_samples: [
                {
                  labels: `slo:current_burn_rate:ratio${sel(sloLabels)}`,
                  value: 200,
                },
              ],
            },
            {
              expr: 'slo:error_budget:ratio',
              eval_time: m(T),
              exp_samples: [
                {
                  labels: `slo:error_budget:ratio${sel(sloLabels)}`,
                  value: 0.001,
                },
              ],
            },
            {
              // No errors for three days: the whole budget is left.
              expr: 'slo:period_error_budget_remaining:ratio',
              eval_time: m(T),
              exp_samples: [
                {
                  labels: `slo:period_error_budget_remaining:ratio${sel(
                    sloLabels,
                  )}`,
                  value: 1,
                },
              ],
            },
          ],
        },
      ]);

      it('fires fast after 1 minute, medium after 3, slow and long after 5 — never a step earlier', () => {
        expect(highError.labels.severity).toBe('warning');
        expect(burnTiers()).toBe('');
      });

      const bound = 14.4 * 0.001;
      const perMinute = 1_000_000;
      const scenario = (
        ratio: number,
        active: Array<(typeof tiers)[number]>,
      ): RuleTestGroup => ({
        interval: '1m',
        input_series: [
          {
            series: `http_requests_total${sel({ ...svc, status: '200' })}`,
            values: counter([perMinute * (1 - ratio), 200]),
          },
          {
            series: `http_requests_total${sel({ ...svc, status: '503' })}`,
            values: counter([perMinute * ratio, 200]),
          },
        ],
        alert_rule_test: [60, 120, 180].map(minute => ({
          eval_time: m(minute),
          alertname: 'SLOErrorBudgetBurn',
          exp_alerts: active.map(tier =>
            expectedAlert(
              alert(alerts, `SLOErrorBudgetBurn:availability:${tier}`),
              ratio,
              sloLabels,
            ),
          ),
        })),
      });
      const under = bound * (1 - 1e-6);
      const over = bound * (1 + 1e-6);
      // medium/slow/long thresholds (6×, 3×, 1×) are far below 14.4×: they fire in both.
      const fastBound = promtoolCase('availability fast-burn bound', yaml, [
        scenario(under, ['medium', 'slow', 'long']),
        scenario(over, ['fast', 'medium', 'slow', 'long']),
      ]);

      it('an error ratio just under 14.4 × budget never fires fast; just over it does', () => {
        expect(fastBound()).toBe('');
      });
    });

    describe.each([
      {
        spelling: 'Prometheus 2 / client_golang',
        threshold: 1,
        le: '1',
        buckets: ['0.5', '1', '2.5'],
      },
      {
        spelling: 'Prometheus 3 normalised',
        threshold: 1,
        le: '1.0',
        buckets: ['0.5', '1.0', '2.5'],
      },
      {
        spelling: 'fractional boundary',
        threshold: 0.3,
        le: '0.3',
        buckets: ['0.1', '0.3', '0.5'],
      },
    ])(
      'latency SLO 99.9 % (le="$le", $spelling): all requests become slow at minute T',
      ({ threshold, buckets, le, spelling }) => {
        const spec = makeSpec({
          slos: [latency999(threshold)],
          metrics: {
            ...DEFAULT_GENERATOR_CONFIG.metrics,
            histogramBuckets: buckets.map(Number),
          },
          thresholds: {
            ...makeSpec().thresholds,
            latencyP99Ms: {
              value: threshold * 1000 * 0.5,
              source: 'annotation',
            },
          },
        });
        const { yaml, alerts } = generate(spec);
        const svc = { service: 'checkout' };
        const sloLabels = { service: 'checkout', slo: 'latency' };
        const h = 'http_request_duration_seconds';
        // Before T every request fits the first bucket; from T every request
        // lands above the SLO threshold but below the last finite bucket.
        const fastUntilT = counter([60, T], [0, 30]);
        const always = counter([60, T + 30]);
        const input: TestSeries[] = [
          ...buckets.map((b, i) => ({
            series: `${h}_bucket${sel({ ...svc, le: b })}`,
            values: i === buckets.length - 1 ? always : fastUntilT,
          })),
          {
            series: `${h}_bucket${sel({ ...svc, le: '+Inf' })}`,
            values: always,
          },
          { series: `${h}_count${sel(svc)}`, values: always },
          {
            series: `http_requests_total${sel({ ...svc, status: '200' })}`,
            values: always,
          },
        ];
        const windows = { fast: 60, medium: 360, slow: 1440, long: 4320 };
        const burn = (k: number, ...active: Array<keyof typeof windows>) => ({
          eval_time: m(T + k),
          alertname: 'SLOErrorBudgetBurn',
          exp_alerts: active.map(tier =>
            expectedAlert(
              alert(alerts, `SLOErrorBudgetBurn:latency:${tier}`),
              k / windows[tier],
              sloLabels,
            ),
          ),
        });

        const p99 = alert(alerts, 'HighLatencyP99');
        const lastFinite = Number(buckets[buckets.length - 1]);
        const previous = Number(buckets[buckets.length - 2]);
        const latencyBurn = promtoolCase(
          `latency le="${le}" (${spelling})`,
          yaml,
          [
            {
              interval: '1m',
              input_series: input,
              alert_rule_test: [
                burn(0),
                burn(1, 'fast'),
                burn(2, 'fast'),
                burn(3, 'fast', 'medium'),
                burn(5, 'fast', 'medium', 'slow', 'long'),
                {
                  eval_time: m(T + 5),
                  alertname: 'SLOMetricAbsent',
                  exp_alerts: [],
                },
                // P99 above the threshold from T+1m, `for: 5m` → firing at T+6m,
                // when the whole 5m window is slow: 99 % of the way through the
                // (previous, lastFinite] bucket by linear interpolation.
                {
                  eval_time: m(T + 5),
                  alertname: 'HighLatencyP99',
                  exp_alerts: [],
                },
                {
                  eval_time: m(T + 6),
                  alertname: 'HighLatencyP99',
                  exp_alerts: [
                    expectedAlert(
                      p99,
                      previous + (lastFinite - previous) * 0.99,
                      svc,
                    ),
                  ],
                },
              ],
            },
          ],
        );

        it('matches the threshold bucket in this spelling and fires like the availability SLO', () => {
          expect(yaml).toContain(
            `le=~"${threshold === 1 ? '1(?:\\\\.0*)?' : '0\\\\.30*'}"`,
          );
          expect(p99.labels.severity).toBe('warning');
          expect(latencyBurn()).toBe('');
        });
      },
    );

    promtoolIt('zero traffic: no alert and no NaN, only absent ratios', () => {
      const spec = makeSpec({ slos: [availability999, latency999(0.3)] });
      const { yaml } = generate(spec);
      const svc = { service: 'checkout' };
      const flat = '1000+0x200';
      const h = 'http_request_duration_seconds';
      const absentAt = (expr: string) => ({
        expr,
        eval_time: '3h',
        exp_samples: [] as Array<{ labels: string; value: number }>,
      });
      const test: RuleTestGroup = {
        interval: '1m',
        input_series: [
          {
            series: `http_requests_total${sel({ ...svc, status: '200' })}`,
            values: flat,
          },
          {
            series: `http_requests_total${sel({ ...svc, status: '500' })}`,
            values: flat,
          },
          ...['0.3', '+Inf'].map(le => ({
            series: `${h}_bucket${sel({ ...svc, le })}`,
            values: flat,
          })),
          { series: `${h}_count${sel(svc)}`, values: flat },
        ],
        alert_rule_test: [
          'SLOErrorBudgetBurn',
          'HighErrorRate',
          'HighLatencyP99',
          'TrafficDrop',
          'SLOMetricAbsent',
        ].flatMap(alertname =>
          ['30m', '3h'].map(eval_time => ({
            eval_time,
            alertname,
            exp_alerts: [],
          })),
        ),
        promql_expr_test: [
          'slo:sli_error:ratio_rate5m',
          'slo:sli_error:ratio_rate3d',
          'slo:sli_error:ratio_rate30d',
          'slo:current_burn_rate:ratio',
          'slo:period_error_budget_remaining:ratio',
          'service:http_requests_errors:ratio_rate5m',
          'service:http_request_duration_seconds:p99_5m',
        ]
          .map(absentAt)
          .concat({
            // Everything recorded at zero traffic: a real 0 request rate and the
            // SLO constants. No ratio, no quantile, so no NaN anywhere.
            expr: '{__name__=~"slo:.*|service:.*"}',
            eval_time: '3h',
            exp_samples: [
              { labels: `service:http_requests:rate5m${sel(svc)}`, value: 0 },
              ...['availability', 'latency'].flatMap(slo => [
                {
                  labels: `slo:objective:ratio${sel({ ...svc, slo })}`,
                  value: 0.999,
                },
                {
                  labels: `slo:error_budget:ratio${sel({ ...svc, slo })}`,
                  value: 0.001,
                },
                {
                  labels: `slo:time_period:days${sel({ ...svc, slo })}`,
                  value: 30,
                },
              ]),
            ],
          }),
      };
      return { rulesYaml: yaml, tests: [test] };
    });

    promtoolIt(
      'SLOMetricAbsent fires 10 minutes after the SLI metrics are gone, not earlier',
      () => {
        const spec = makeSpec({ slos: [availability999, latency999(0.3)] });
        const { yaml, alerts } = generate(spec);
        const absentLabels = { service: 'checkout' };
        const test: RuleTestGroup = {
          interval: '1m',
          input_series: [{ series: 'up{job="unrelated"}', values: '1+0x30' }],
          alert_rule_test: [
            { eval_time: '9m', alertname: 'SLOMetricAbsent', exp_alerts: [] },
            {
              eval_time: '10m',
              alertname: 'SLOMetricAbsent',
              exp_alerts: [
                expectedAlert(
                  alert(alerts, 'SLOMetricAbsent:availability'),
                  1,
                  absentLabels,
                ),
                expectedAlert(
                  alert(alerts, 'SLOMetricAbsent:latency'),
                  1,
                  absentLabels,
                ),
              ],
            },
            {
              eval_time: '10m',
              alertname: 'SLOErrorBudgetBurn',
              exp_alerts: [],
            },
          ],
        };
        return { rulesYaml: yaml, tests: [test] };
      },
    );

    describe('TrafficDrop (no SLO: static alerts page)', () => {
      const week = 7 * 24 * 60;
      const spec = makeBareSpec();
      const { yaml, alerts } = generate(spec);
      const traffic = alert(alerts, 'TrafficDrop');
      const svc = { service: 'checkout' };
      const series = `http_requests_total${sel({ ...svc, status: '200' })}`;
      const W = week + 60;

      it('keeps the seed severities without an SLO', () => {
        expect(alert(alerts, 'HighErrorRate').severity).toBe('critical');
        expect(alert(alerts, 'HighLatencyP99').severity).toBe('critical');
        expect(traffic.severity).toBe('warning');
      });

      promtoolIt(
        'fires when traffic falls to 40 % of last week, 10m after crossing 50 %',
        () => {
          // At W+k the 5m window holds k minutes at 40/min and 5-k at 100/min:
          // (40k + 100(5-k)) / 500 < 0.5 first at k = 5 → pending, firing 10m later.
          const test: RuleTestGroup = {
            interval: '1m',
            input_series: [{ series, values: counter([100, W], [40, 30]) }],
            alert_rule_test: [
              {
                eval_time: m(W + 14),
                alertname: 'TrafficDrop',
                exp_alerts: [],
              },
              {
                eval_time: m(W + 15),
                alertname: 'TrafficDrop',
                exp_alerts: [expectedAlert(traffic, 0.4)],
              },
            ],
          };
          return { rulesYaml: yaml, tests: [test] };
        },
      );

      promtoolIt(
        'fires when the series disappear entirely (traffic counts as zero)',
        () => {
          const test: RuleTestGroup = {
            interval: '1m',
            input_series: [{ series, values: counter([100, W], [null, 30]) }],
            alert_rule_test: [
              {
                eval_time: m(W + 30),
                alertname: 'TrafficDrop',
                exp_alerts: [expectedAlert(traffic, 0)],
              },
            ],
          };
          return { rulesYaml: yaml, tests: [test] };
        },
      );

      promtoolIt(
        'stays silent at zero traffic now and a week ago, and when last week had none',
        () => {
          const silent = (values: string): RuleTestGroup => ({
            interval: '1m',
            input_series: [{ series, values }],
            alert_rule_test: [m(W + 10), m(W + 30)].map(eval_time => ({
              eval_time,
              alertname: 'TrafficDrop',
              exp_alerts: [],
            })),
          });
          return {
            rulesYaml: yaml,
            tests: [
              silent(`5+0x${W + 30}`),
              // Idle for the first week, then traffic: the baseline is 0, so no drop.
              silent(counter([0, W - 30], [100, 60])),
            ],
          };
        },
      );
    });

    promtoolIt(
      'alerts of a service with odd names expand to exactly the catalog text',
      () => {
        const name = 'we"ird {{ $labels.x }} \\ name {';
        const team = 'team {{ .Foo }} "q" {{';
        const spec = makeSpec({
          serviceName: { value: name, source: 'annotation' },
          selector: {
            value: `service="${escapePromLabelValue(name)}"`,
            source: 'annotation',
          },
          team,
          slos: [],
        });
        const { yaml, alerts } = generate(spec);
        const highError = alert(alerts, 'HighErrorRate');
        const expected = expectedAlert(highError, 1, { service: name });
        const check = () => {
          expect(expected.exp_labels).toMatchObject({ service: name, team });
          expect(expected.exp_annotations?.summary).toBe(
            `High error rate on ${name}`,
          );
        };
        const test: RuleTestGroup = {
          interval: '1m',
          input_series: [
            {
              series: `http_requests_total${sel({
                service: name,
                status: '500',
              })}`,
              values: counter([60, 30]),
            },
          ],
          alert_rule_test: [
            {
              eval_time: '10m',
              alertname: 'HighErrorRate',
              exp_alerts: [expected],
            },
          ],
        };
        return { rulesYaml: yaml, tests: [test], check };
      },
    );

    // Registered last, so its timeout counts every case above; it still runs
    // before any test of this block.
    beforeAll(async () => {
      results = await testRulesBatch(promtool, cases);
    }, Object.keys(cases).length * PROMTOOL_CASE_TIMEOUT_MS);
  },
);
