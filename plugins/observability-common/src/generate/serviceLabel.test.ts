/**
 * `observability.metrics.serviceLabel` reaches every generated artifact: the
 * backend matches loaded rules and firing alerts on the configured label, so
 * a rule file, dashboard or Alertmanager route still using `service` would
 * be reported as not loaded and route nothing.
 */
import type { Entity } from '@backstage/catalog-model';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import {
  DEFAULT_GENERATOR_CONFIG,
  resolveGeneratorConfig,
} from '../spec/config';
import { parseSpec } from '../spec/parseSpec';
import { generateArtifacts } from './generateArtifacts';
import { checkRules, testRules } from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import { downloadedFile } from './__promtool__/downloadedFile';
import type { AlertingRule, GeneratedArtifacts, RecordingRule } from './types';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: {
      'redline.dev/slo-availability': '99.9',
      'redline.dev/slo-latency': '99% < 300ms',
      'redline.dev/log-selector': '{app="checkout"}',
      'redline.dev/slack-channel': '#payments-alerts',
      'pagerduty.com/integration-key': 'abc123',
    },
  },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};

/**
 * The service's own rules: the Watchdog is left out on purpose, since it
 * carries no service label so it never counts as one of the service's
 * alerts (see generators/watchdog.ts).
 */
function serviceRules(artifacts: GeneratedArtifacts) {
  return artifacts.rules.groups
    .filter(g => !g.name.endsWith(':watchdog'))
    .flatMap(g => g.rules);
}

function generate(config = DEFAULT_GENERATOR_CONFIG): GeneratedArtifacts {
  const { spec, findings } = parseSpec(entity, config);
  expect(findings.filter(f => f.severity === 'error')).toEqual([]);
  return generateArtifacts(spec, config, findings);
}

/** Label names a PromQL expression matches on or groups by. */
function labelsUsedIn(expr: string): string[] {
  const matched = [...expr.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"/g)];
  const grouped = [
    ...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g),
  ].flatMap(m => m[1].split(','));
  return [...matched.map(m => m[1]), ...grouped]
    .map(l => l.trim())
    .filter(Boolean);
}

describe('a configured service label (serviceLabel: app)', () => {
  const config = resolveGeneratorConfig({ metrics: { serviceLabel: 'app' } });
  const artifacts = generate(config);
  const rules = serviceRules(artifacts);

  it('labels every recorded series and alert with app, never service', () => {
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      expect(rule.labels).toMatchObject({ app: 'checkout' });
      expect(Object.keys(rule.labels ?? {})).not.toContain('service');
      expect(labelsUsedIn(rule.expr)).not.toContain('service');
      for (const text of Object.values(
        (rule as AlertingRule).annotations ?? {},
      )) {
        expect(text).not.toMatch(/\$labels\.service\b/);
      }
    }
    // Recorded series are selected by the configured label too.
    const highError = rules.find(
      (r): r is AlertingRule => (r as AlertingRule).alert === 'HighErrorRate',
    )!;
    expect(highError.expr).toBe(
      'service:http_requests_errors:ratio_rate5m{app="checkout"} > 0.01',
    );
    const loki = parse(downloadedFile(artifacts, 'loki-rules'));
    expect(loki.groups[0].rules[0].labels).toMatchObject({ app: 'checkout' });
    expect(loki.groups[0].rules[0].labels.service).toBeUndefined();
  });

  it('queries dashboards by app', () => {
    const dashboard = JSON.stringify(
      JSON.parse(downloadedFile(artifacts, 'grafana-dashboard')),
    );
    const exprs = [...dashboard.matchAll(/"expr":"((?:[^"\\]|\\.)*)"/g)].map(
      m => JSON.parse(`"${m[1]}"`) as string,
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs)
      expect(labelsUsedIn(expr)).not.toContain('service');
    expect(exprs).toContain(
      'sum by (alertname, severity) (ALERTS{app="checkout",alertstate="firing"})',
    );
    expect(exprs).toContain(
      'max(slo:period_error_budget_remaining:ratio{app="checkout",slo="availability"})',
    );
  });

  it('groups and inhibits Alertmanager notifications by app', () => {
    const am = parse(downloadedFile(artifacts, 'alertmanager'));
    expect(am.route.group_by).toEqual([
      'alertname',
      'app',
      'redline_namespace',
      'slo',
    ]);
    const team = am.route.routes[0];
    expect(team.group_by).toEqual([
      'alertname',
      'app',
      'redline_namespace',
      'slo',
    ]);
    expect(am.inhibit_rules.length).toBeGreaterThan(0);
    for (const rule of am.inhibit_rules)
      expect(rule.equal).toEqual(['app', 'redline_namespace', 'slo']);
    const slack = am.receivers.find(
      (r: { slack_configs?: unknown[] }) => r.slack_configs,
    );
    expect(slack.slack_configs[0].title).toContain('{{ .CommonLabels.app }}');
  });

  it('leaves the service label out of the runbooks’ label column, like service by default', () => {
    const runbook = artifacts.runbooks.find(
      r => r.alert === 'SLOErrorBudgetBurn',
    )!;
    expect(runbook.markdown).not.toContain('app=checkout');
    expect(runbook.markdown).toContain('burn\\_window=fast');
  });

  describeWithBinary('promtool')('under promtool', promtool => {
    jest.setTimeout(120_000);
    const yaml = downloadedFile(artifacts, 'prometheus-rules');

    it('passes `promtool check rules`', () => {
      const result = checkRules(promtool, { 'app.yaml': yaml });
      expect(result.ok ? '' : result.output).toBe('');
    });

    it('fires HighErrorRate from series labelled app, carrying app', () => {
      const alert = artifacts.alerts.find(a => a.key === 'HighErrorRate')!;
      const expected = expectedAlert(alert, 1, { app: 'checkout' });
      expect(expected.exp_labels).toMatchObject({ app: 'checkout' });
      expect(expected.exp_labels.service).toBeUndefined();
      const result = testRules(promtool, yaml, [
        {
          interval: '1m',
          input_series: [
            {
              series: 'http_requests_total{app="checkout",status="500"}',
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
        },
      ]);
      expect(result.ok ? '' : result.output).toBe('');
    });
  });
});

describe('the default service label', () => {
  it('is service everywhere', () => {
    const artifacts = generate();
    for (const rule of serviceRules(artifacts))
      expect((rule as RecordingRule | AlertingRule).labels).toMatchObject({
        service: 'checkout',
      });
    const am = parse(downloadedFile(artifacts, 'alertmanager'));
    expect(am.route.group_by).toEqual([
      'alertname',
      'service',
      'redline_namespace',
      'slo',
    ]);
    expect(am.inhibit_rules[0].equal).toEqual([
      'service',
      'redline_namespace',
      'slo',
    ]);
  });
});
