import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import {
  TRAFFIC_DROP_FOR,
  generatePrometheusRules,
} from '../generate/prometheusRules';
import type { AlertingRule, RecordingRule } from '../generate/types';
import { ANNOTATIONS } from './annotations';
import { resolveGeneratorConfig } from './config';
import { findPromqlSyntaxError } from './labelMatchers';
import { parseSpec } from './parseSpec';
import { computeRedTargets } from './redTargets';

function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', annotations },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

const targetsOf = (
  annotations: Record<string, string> = {},
  config = resolveGeneratorConfig(),
) => computeRedTargets(parseSpec(entity(annotations), config).spec);

describe('computeRedTargets', () => {
  it('gives the seed thresholds for an undescribed service', () => {
    const [rate, errors, duration] = targetsOf();
    expect(rate).toEqual({
      signal: 'rate',
      name: 'Request rate',
      description: expect.stringContaining('50 %'),
      promql: 'sum(rate(http_requests_total{service="checkout"}[5m]))',
      alertExpr: expect.stringMatching(/\n< 0\.5$/),
      threshold: 50,
      unit: 'percent',
      thresholdDisplay: 'drop > 50 % vs usual',
      for: TRAFFIC_DROP_FOR,
      source: 'default',
    });
    expect(errors).toEqual({
      signal: 'errors',
      name: 'Error ratio',
      description: expect.stringContaining('1 %'),
      promql:
        'sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))',
      alertExpr:
        '(sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))) > 0.01',
      threshold: 1,
      unit: 'percent',
      thresholdDisplay: '> 1 %',
      for: '5m',
      source: 'default',
    });
    expect(duration).toEqual({
      signal: 'duration',
      name: 'P99 latency',
      description: expect.stringContaining('500 ms'),
      promql:
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
      alertExpr:
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m]))) > 0.5',
      threshold: 500,
      unit: 'ms',
      thresholdDisplay: '> 500 ms',
      for: '5m',
      source: 'default',
    });
  });

  it('uses annotation thresholds and says which annotation set them', () => {
    const [rate, errors, duration] = targetsOf({
      [ANNOTATIONS.rateDropThreshold]: '30',
      [ANNOTATIONS.errorRateThreshold]: '0.7',
      [ANNOTATIONS.latencyP99Threshold]: '1.5s',
    });
    expect(rate).toMatchObject({
      threshold: 30,
      thresholdDisplay: 'drop > 30 % vs usual',
      source: 'annotation',
      annotation: ANNOTATIONS.rateDropThreshold,
    });
    expect(rate.alertExpr).toMatch(/\n< 0\.7$/);
    // 0.7 / 100 is 0.006999… in binary floating point; the expression must still read 0.007.
    expect(errors).toMatchObject({
      threshold: 0.7,
      thresholdDisplay: '> 0.7 %',
      source: 'annotation',
      annotation: ANNOTATIONS.errorRateThreshold,
    });
    expect(errors.alertExpr).toMatch(/> 0\.007$/);
    expect(duration).toMatchObject({
      threshold: 1500,
      thresholdDisplay: '> 1500 ms',
      source: 'annotation',
      annotation: ANNOTATIONS.latencyP99Threshold,
    });
    expect(duration.alertExpr).toMatch(/> 1\.5$/);
  });

  it('alerts on the rate like the TrafficDrop rule, its recorded baseline written out', () => {
    const config = resolveGeneratorConfig();
    const { spec } = parseSpec(
      entity({
        [ANNOTATIONS.metricsSelector]: 'job="checkout",env="prod"',
        [ANNOTATIONS.rateDropThreshold]: '30',
        [ANNOTATIONS.trafficDropMinRate]: '2',
      }),
      config,
    );
    const [rate] = computeRedTargets(spec);
    const rules = generatePrometheusRules(spec, config).rules.groups.flatMap(
      g => g.rules,
    );
    const baseline = rules.find(
      (r): r is RecordingRule =>
        'record' in r && r.record === 'service:http_requests:rate5m_baseline',
    )!;
    const trafficDrop = rules.find(
      (r): r is AlertingRule => 'alert' in r && r.alert === 'TrafficDrop',
    )!;
    expect(baseline.expr).toContain(
      'http_requests_total{job="checkout",env="prod"}[5m] offset 3w',
    );
    expect(rate.alertExpr).toBe(
      trafficDrop.expr.replace(
        'service:http_requests:rate5m_baseline{service="checkout"}',
        `(${baseline.expr})`,
      ),
    );
    expect(rate.alertExpr).toContain('> 2)');
    expect(rate.for).toBe(trafficDrop.for);
    expect(rate.description).toContain(
      'more than 30 % below its usual rate for 10m',
    );
    expect(rate.description).toContain('at most 2 requests/s');
  });

  it('describes the default minimum rate when the annotation is absent', () => {
    const [rate] = targetsOf();
    expect(rate.alertExpr).toContain('> 0.1)');
    expect(rate.description).toContain('at most 0.1 requests/s');
  });

  it('builds PromQL from the metrics selector and configured metric names', () => {
    const config = resolveGeneratorConfig({
      metrics: {
        requestsTotal: 'http_server_requests_total',
        statusLabel: 'code',
        durationHistogram: 'http_server_duration_seconds',
      },
    });
    const [rate, errors, duration] = targetsOf(
      { [ANNOTATIONS.metricsSelector]: 'job="checkout",env="prod"' },
      config,
    );
    expect(rate.promql).toBe(
      'sum(rate(http_server_requests_total{job="checkout",env="prod"}[5m]))',
    );
    expect(errors.promql).toContain(
      'http_server_requests_total{job="checkout",env="prod",code=~"5.."}',
    );
    expect(duration.promql).toContain(
      'http_server_duration_seconds_bucket{job="checkout",env="prod"}',
    );
  });

  it('produces syntactically valid PromQL for any annotations', () => {
    const keys = Object.values(ANNOTATIONS);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...keys),
          fc.oneof(
            fc.string(),
            fc.constantFrom('0.3', '12.5', '2s', 'a="b",c!~"d|e"'),
          ),
        ),
        ann => {
          const targets = targetsOf(ann);
          expect(targets.map(t => t.signal)).toEqual([
            'rate',
            'errors',
            'duration',
          ]);
          for (const t of targets) {
            expect(findPromqlSyntaxError(t.promql)).toBeUndefined();
            expect(findPromqlSyntaxError(t.alertExpr!)).toBeUndefined();
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describeWithBinary('promtool')('computeRedTargets with promtool', promtool => {
  it('yields alert expressions Prometheus accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-red-'));
    try {
      const specs = [
        targetsOf(),
        targetsOf({
          [ANNOTATIONS.metricsSelector]: `service="a\\"b",env=~"prod|stag.*",zone!~'eu-.*'`,
        }),
        targetsOf({
          [ANNOTATIONS.errorRateThreshold]: '0.25',
          [ANNOTATIONS.latencyP99Threshold]: '250',
        }),
      ];
      const rules = specs.flatMap((targets, i) =>
        targets.map(t => ({
          alert: `Red${t.signal}${i}`,
          expr: t.alertExpr!,
          for: t.for,
        })),
      );
      // JSON is valid YAML, so no YAML library is needed to write the rule file.
      const file = join(dir, 'rules.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'red', rules }] }));
      const out = execFileSync(promtool, ['check', 'rules', file], {
        encoding: 'utf8',
      });
      expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
