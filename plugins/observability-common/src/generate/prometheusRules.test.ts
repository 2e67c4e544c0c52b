import type { Entity } from '@backstage/catalog-model';
import { parse } from 'yaml';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { findPromqlSyntaxError } from '../spec/labelMatchers';
import { parseSpec } from '../spec/parseSpec';
import type { ObservabilitySpec, SloSpec } from '../spec/types';
import { generateArtifacts } from './generateArtifacts';
import { generatePrometheusRules } from './prometheusRules';
import { downloadedFile } from './__promtool__/downloadedFile';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';
import type { AlertingRule, RecordingRule } from './types';

const config = DEFAULT_GENERATOR_CONFIG;
const availability: SloSpec = {
  slo: 'availability',
  objectivePercent: 99.9,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-availability',
};
const latency: SloSpec = {
  slo: 'latency',
  objectivePercent: 99,
  thresholdSeconds: 0.3,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-latency',
};

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', annotations },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

function rulesOf(spec: ObservabilitySpec) {
  const out = generatePrometheusRules(spec, config);
  const all = out.rules.groups.flatMap(g => g.rules);
  const records = all.filter((r): r is RecordingRule => 'record' in r);
  const alertRules = all.filter((r): r is AlertingRule => 'alert' in r);
  return { ...out, records, alertRules };
}

describe('generatePrometheusRules', () => {
  it('records RED series named level:metric:operations with the service label', () => {
    const { records } = rulesOf(makeBareSpec());
    const red = records.filter(r => r.record.startsWith('service:'));
    expect(red.map(r => r.record)).toEqual([
      'service:http_requests:rate5m',
      'service:http_requests_errors:ratio_rate5m',
      'service:http_request_duration_seconds:p50_5m',
      'service:http_request_duration_seconds:p90_5m',
      'service:http_request_duration_seconds:p99_5m',
      'service:http_requests:rate5m_baseline',
    ]);
    for (const r of red) expect(r.labels).toEqual({ service: 'checkout' });
    expect(red[4].expr).toContain(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))',
    );
  });

  it("emits the seed's three alerts, ratios with for: 5m, TrafficDrop against its baseline with for: 10m", () => {
    const { alerts } = rulesOf(makeBareSpec());
    expect(alerts.map(a => a.key)).toEqual([
      'HighErrorRate',
      'HighLatencyP99',
      'TrafficDrop',
    ]);
    expect(alerts.map(a => a.for)).toEqual(['5m', '5m', '10m']);
    const [errors, latencyP99, drop] = alerts;
    expect(errors.expr).toBe(
      'service:http_requests_errors:ratio_rate5m{service="checkout"} > 0.01',
    );
    expect(latencyP99.expr).toBe(
      'service:http_request_duration_seconds:p99_5m{service="checkout"} > 0.5',
    );
    expect(drop.expr).toContain(
      '/ on ()\n(service:http_requests:rate5m_baseline{service="checkout"} > 0.1)',
    );
    expect(drop.expr).toMatch(/< 0\.5$/);
  });

  it('gives every alert severity/service/team labels and summary/description/runbook/dashboard annotations', () => {
    const { alerts } = rulesOf(makeSpec({ slos: [availability, latency] }));
    // Per SLO: four burn tiers, SLOErrorBudgetExhausted and SLOMetricAbsent.
    expect(alerts.length).toBe(3 + 2 * 6);
    for (const a of alerts) {
      expect(Object.keys(a.labels)).toEqual(
        expect.arrayContaining(['severity', 'service', 'team']),
      );
      expect(a.labels.team).toBe('payments');
      expect(Object.keys(a.annotations).sort()).toEqual([
        'dashboard_url',
        'description',
        'runbook_url',
        'summary',
      ]);
      expect(a.annotations.runbook_url).toMatch(/^https?:\/\//);
      expect(a.runbookPath).toBe(`runbooks/${a.name}.md`);
    }
    expect(
      alerts.find(a => a.key === 'HighErrorRate')?.annotations.description,
    ).toContain('{{ $value | humanizePercentage }}');
  });

  it('records Sloth-named SLI windows and metadata per SLO, labelled with service and slo', () => {
    const { records } = rulesOf(makeSpec({ slos: [availability, latency] }));
    for (const slo of ['availability', 'latency']) {
      const names = records
        .filter(r => r.labels?.slo === slo)
        .map(r => r.record);
      expect(names).toEqual([
        ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map(
          w => `slo:sli_error:ratio_rate${w}`,
        ),
        'slo:objective:ratio',
        'slo:error_budget:ratio',
        'slo:time_period:days',
        'slo:current_burn_rate:ratio',
        'slo:period_burn_rate:ratio',
        'slo:period_error_budget_remaining:ratio',
      ]);
    }
    const latency5m = records.find(
      r =>
        r.labels?.slo === 'latency' &&
        r.record === 'slo:sli_error:ratio_rate5m',
    );
    expect(latency5m?.expr).toContain('le=~"0\\\\.30*"');
    expect(latency5m?.expr).not.toContain('histogram_quantile');
  });

  it('builds four burn-rate tiers with the SRE workbook windows, factors and severities', () => {
    const { alerts } = rulesOf(makeSpec({ slos: [availability] }));
    const burns = alerts.filter(a => a.name === 'SLOErrorBudgetBurn');
    expect(
      burns.map(a => [a.labels.burn_window, a.severity, a.labels.slo]),
    ).toEqual([
      ['fast', 'critical', 'availability'],
      ['medium', 'critical', 'availability'],
      ['slow', 'warning', 'availability'],
      ['long', 'warning', 'availability'],
    ]);
    expect(burns[0].expr).toBe(
      'slo:sli_error:ratio_rate1h{service="checkout",slo="availability"} > (14.4 * 0.001)\nand\nslo:sli_error:ratio_rate5m{service="checkout",slo="availability"} > (14.4 * 0.001)',
    );
    expect(burns[3].expr).toContain('ratio_rate3d');
    expect(burns[3].expr).toContain('ratio_rate6h');
  });

  it('demotes a static alert to warning only when an SLO covers the same symptom', () => {
    const severity = (slos: SloSpec[]) =>
      Object.fromEntries(
        rulesOf(makeSpec({ slos }))
          .alerts.filter(a => a.name.startsWith('High'))
          .map(a => [a.name, a.severity]),
      );
    expect(severity([])).toEqual({
      HighErrorRate: 'critical',
      HighLatencyP99: 'critical',
    });
    expect(severity([availability])).toEqual({
      HighErrorRate: 'warning',
      HighLatencyP99: 'critical',
    });
    expect(severity([availability, latency])).toEqual({
      HighErrorRate: 'warning',
      HighLatencyP99: 'warning',
    });
  });

  it('rejects a 100 % objective with a finding and generates no rules for it', () => {
    const { findings, alerts, records } = rulesOf(
      makeSpec({ slos: [{ ...availability, objectivePercent: 100 }] }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        id: 'slo.objective-invalid',
        severity: 'error',
        annotation: 'redline.dev/slo-availability',
      }),
    );
    expect(alerts.some(a => a.name === 'SLOErrorBudgetBurn')).toBe(false);
    expect(records.some(r => r.record.startsWith('slo:'))).toBe(false);
    expect(alerts.find(a => a.name === 'HighErrorRate')?.severity).toBe(
      'critical',
    );
  });

  it('leaves out tiers whose threshold cannot be exceeded, with a finding', () => {
    const { findings, alerts } = rulesOf(
      makeSpec({ slos: [{ ...availability, objectivePercent: 90 }] }),
    );
    const windows = alerts
      .filter(a => a.name === 'SLOErrorBudgetBurn')
      .map(a => a.labels.burn_window);
    expect(windows).toEqual(['medium', 'slow', 'long']);
    expect(findings).toEqual([
      expect.objectContaining({ id: 'slo.tier-skipped', severity: 'warning' }),
    ]);
    expect(findings[0].message).toContain('fast');
  });

  it('measures a threshold between buckets at the bucket below it, and says so', () => {
    const { findings, alerts } = rulesOf(
      makeSpec({ slos: [{ ...latency, thresholdSeconds: 0.2 }] }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        id: 'slo.latency-threshold-not-a-bucket',
        annotation: 'redline.dev/slo-latency',
      }),
    );
    const burn = alerts.find(a => a.key === 'SLOErrorBudgetBurn:latency:fast');
    expect(burn?.expr).toBeDefined();
    expect(burn?.annotations.description).toContain('le="0.1"');
  });

  it('uses a duplicate SLO once', () => {
    const { findings, alerts } = rulesOf(
      makeSpec({
        slos: [availability, { ...availability, objectivePercent: 99 }],
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ id: 'slo.duplicate' }),
    );
    expect(alerts.filter(a => a.name === 'SLOMetricAbsent')).toHaveLength(1);
  });

  it('never pastes an invalid selector into PromQL: parseSpec reports it and the default applies', () => {
    const { spec, findings } = parseSpec(
      entityWith({
        'redline.dev/metrics-selector': 'service="x"} or vector(1) or up{a="b"',
      }),
      config,
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        id: 'annotation.invalid',
        annotation: 'redline.dev/metrics-selector',
      }),
    );
    const { records } = rulesOf(spec);
    expect(records[0].expr).toBe(
      'sum(rate(http_requests_total{service="checkout"}[5m]))',
    );
  });

  it('selects with the selector exactly as parseSpec normalised it', () => {
    const { spec } = parseSpec(
      entityWith({
        'redline.dev/metrics-selector': " app = 'legacy' , env!~`dev|test` ",
      }),
      config,
    );
    expect(spec.selector.value).toBe('app="legacy",env!~"dev|test"');
    expect(rulesOf(spec).records[0].expr).toBe(
      'sum(rate(http_requests_total{app="legacy",env!~"dev|test"}[5m]))',
    );
  });

  it('uses configured metric names and falls back from invalid ones with a finding', () => {
    const custom = rulesOf(
      makeBareSpec({
        metrics: {
          ...config.metrics,
          requestsTotal: 'api_calls_total',
          statusLabel: 'code',
          durationHistogram: 'api_latency_seconds',
        },
      }),
    );
    expect(custom.records.map(r => r.record)).toContain(
      'service:api_calls:rate5m',
    );
    expect(custom.records[1].expr).toContain(
      'api_calls_total{service="checkout",code=~"5.."}',
    );
    // Checked once, where the config is resolved (parseSpec resolves it).
    const invalid = parseSpec(entityWith({}), {
      ...config,
      metrics: { ...config.metrics, requestsTotal: 'bad-name' },
    });
    expect(invalid.findings).toContainEqual(
      expect.objectContaining({
        id: 'generate.metric-name-invalid',
        value: 'bad-name',
      }),
    );
    expect(rulesOf(invalid.spec).records[0].expr).toContain(
      'http_requests_total{',
    );
  });

  it('falls back from out-of-range thresholds with a finding', () => {
    const spec = makeBareSpec({
      thresholds: {
        errorRatePercent: {
          value: 150,
          source: 'annotation',
          annotation: 'redline.dev/error-rate-threshold',
        },
        latencyP99Ms: { value: Number.NaN, source: 'annotation' },
        rateDropPercent: { value: 100, source: 'annotation' },
      },
    });
    const { findings, alerts } = rulesOf(spec);
    expect(
      findings.filter(f => f.id === 'generate.threshold-invalid'),
    ).toHaveLength(3);
    expect(alerts[0].expr).toMatch(/> 0\.01$/);
  });

  it('escapes catalog text in labels and annotations, and every expression parses', () => {
    const name = 'we"ird {{ $x }}\nname{';
    const spec = makeSpec({
      serviceName: { value: name, source: 'annotation' },
      team: '{{ .Team }}',
      slos: [availability, latency],
      selector: { value: 'service="x"', source: 'annotation' },
    });
    const { alerts, rules, records } = rulesOf(spec);
    expect(records[0].labels).toEqual({ service: name });
    for (const a of alerts) {
      expect(a.labels.service).toBe('we"ird {{ "{{" }} $x }}\nname{{ "{" }}');
      expect(a.labels.team).toBe('{{ "{{" }} .Team }}');
    }
    // Alerts over recorded series select them by the escaped service label.
    for (const a of alerts.filter(
      x => x.name !== 'TrafficDrop' && x.name !== 'SLOMetricAbsent',
    )) {
      expect(a.expr).toContain('service="we\\"ird {{ $x }}\\nname{"');
    }
    for (const rule of rules.groups.flatMap(g => g.rules)) {
      expect(findPromqlSyntaxError(rule.expr)).toBeUndefined();
    }
  });
});

describe('rule file YAML and PrometheusRule resource', () => {
  const spec = makeSpec({ slos: [availability, latency] });
  const artifacts = generateArtifacts(spec, config);
  const ruleFile = downloadedFile(artifacts, 'prometheus-rules');

  it('renders rule YAML that parses back to the same groups, keys in Prometheus order', () => {
    expect(parse(ruleFile)).toEqual(
      JSON.parse(JSON.stringify(artifacts.rules)),
    );
    expect(ruleFile).toMatch(
      /^groups:\n {2}- name: 'redline:checkout:red'\n {4}rules:\n {6}- record: 'service:http_requests:rate5m'\n {8}expr: /,
    );
    expect(ruleFile).toMatch(
      /- alert: HighErrorRate\n\s+expr: .*\n\s+for: 5m\n\s+labels:/,
    );
  });

  it('wraps the same groups in a monitoring.coreos.com/v1 PrometheusRule named redline-<service>', () => {
    const crd = parse(downloadedFile(artifacts, 'prometheus-rule-crd'));
    expect(crd.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(crd.kind).toBe('PrometheusRule');
    expect(crd.metadata.name).toBe('redline-checkout');
    expect(crd.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'redline',
      'app.kubernetes.io/name': 'checkout',
      'redline.dev/team': 'payments',
    });
    expect(crd.metadata.annotations['redline.dev/entity-ref']).toBe(
      'component:default/checkout',
    );
    expect(crd.spec.groups).toEqual(parse(ruleFile).groups);
  });

  it('makes a valid object name from an odd service name', () => {
    const odd = makeSpec({
      serviceName: { value: 'Über Service/v2', source: 'annotation' },
    });
    const crd = parse(
      downloadedFile(generateArtifacts(odd, config), 'prometheus-rule-crd'),
    );
    expect(crd.metadata.name).toMatch(
      /^redline-[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    );
    expect(crd.metadata.annotations['redline.dev/service-name']).toBe(
      'Über Service/v2',
    );
  });
});
