/**
 * Everything Redline generates for one entity, in one call: the CLI, the
 * backend's download routes and the scaffolder action all hand out exactly
 * these files.
 */
import type { GeneratorConfig } from '../spec/config';
import type { Finding, ObservabilitySpec } from '../spec/types';
import {
  generateAlertmanagerFragment,
  renderAlertmanagerYaml,
} from './alertmanager';
import { computeConfidence } from './confidence';
import {
  generateGrafanaDashboard,
  GrafanaDashboard,
  renderGrafanaDashboardJson,
} from './grafanaDashboard';
import { dashboardUrlFor } from './links';
import { buildObservabilityOutput, ConfigurationEntry } from './output';
import {
  generateLokiRules,
  generateOtelCollectorConfig,
  renderLokiRulesYaml,
} from './pillars';
import { prometheusRuleObject } from './prometheusRuleCrd';
import { generatePrometheusRules } from './prometheusRules';
import { ruleGroupsForYaml } from './ruleFileYaml';
import { portableValue } from './portableText';
import { generateRunbooks } from './runbooks';
import { toYaml } from './yamlWriter';
import type { ArtifactFile, GeneratedArtifacts } from './types';

/**
 * The PrometheusRule resource as YAML. Its `spec` is exactly the rule file,
 * so the already printed rule file is indented under `spec:` instead of
 * printing the (large) groups a second time.
 */
function crdYamlFromRuleFile(
  spec: ObservabilitySpec,
  rulesYaml: string,
): string {
  const { spec: _groups, ...head } = prometheusRuleObject(spec, { groups: [] });
  // Every line is indented two more; empty lines (inside literal blocks) stay empty.
  const indented = `  ${rulesYaml.slice(0, -1).replace(/\n(?!\n)/g, '\n  ')}\n`;
  return `${toYaml(head)}spec:\n${indented}`;
}

/** Findings repeat when the spec parser and a generator notice the same thing. */
function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = `${f.id}\u0000${f.annotation ?? ''}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dashboardSummary(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
  dashboard: GrafanaDashboard,
): Record<string, unknown> {
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    file: 'grafana-dashboard.json',
    url: dashboardUrlFor(spec, config),
    panels: (dashboard.panels ?? [])
      .filter(p => p.type !== 'row')
      .map(p => ('title' in p ? p.title : undefined))
      .filter((t): t is string => typeof t === 'string'),
  };
}

/**
 * Generates every artifact for one entity. Never throws on a spec built by
 * `parseSpec`; problems come back as findings (the spec parser's, passed in
 * as `specFindings`, first).
 * @public
 */
export function generateArtifacts(
  rawSpec: ObservabilitySpec,
  config: GeneratorConfig,
  specFindings: Finding[] = [],
): GeneratedArtifacts {
  // Go's YAML parser (Prometheus, Alertmanager) rejects some code points the
  // spec parser lets through; make every string portable once, here.
  const spec = portableValue(rawSpec);
  const prometheus = generatePrometheusRules(spec, config);
  const alertmanager = generateAlertmanagerFragment(spec, config);
  const loki = generateLokiRules(spec, config);
  const alerts = [...prometheus.alerts, ...(loki?.alerts ?? [])];
  const runbooks = generateRunbooks(spec, alerts, config);
  const dashboard = generateGrafanaDashboard(spec, config);

  // Same objects as renderRuleFileYaml / renderPrometheusRuleCrd, printed by
  // the fast writer (see yamlWriter.ts for why).
  const rulesYaml = toYaml({
    groups: ruleGroupsForYaml(prometheus.rules.groups),
  });
  const crdYaml = crdYamlFromRuleFile(spec, rulesYaml);
  const alertmanagerYaml = renderAlertmanagerYaml([alertmanager.fragment]);
  const dashboardJson = renderGrafanaDashboardJson(dashboard);
  const otelYaml = generateOtelCollectorConfig(spec, config);
  const lokiYaml =
    loki && loki.alerts.length > 0
      ? renderLokiRulesYaml(loki.rules)
      : undefined;

  const findings = dedupeFindings([
    ...specFindings,
    ...prometheus.findings,
    ...alertmanager.findings,
    ...(loki?.findings ?? []),
  ]);
  const confidence = computeConfidence(spec, findings);

  const configuration: ConfigurationEntry[] = [
    // The PrometheusRule resource is the same rules in another wrapper: it is
    // a file, but listing it again would double the output object's size.
    { component: 'prometheus', config: rulesYaml },
    { component: 'alertmanager', config: alertmanagerYaml },
    { component: 'grafana', config: dashboardJson },
    { component: 'opentelemetry-collector', config: otelYaml },
    ...(lokiYaml ? [{ component: 'loki', config: lokiYaml }] : []),
  ];
  const output = buildObservabilityOutput({
    spec,
    alerts,
    runbooks,
    configuration,
    dashboards: [dashboardSummary(spec, config, dashboard)],
    confidence,
  });

  const files: ArtifactFile[] = [
    {
      id: 'prometheus-rules',
      path: 'prometheus-rules.yaml',
      mediaType: 'application/yaml',
      label: 'Prometheus rules',
      content: rulesYaml,
    },
    {
      id: 'prometheus-rule-crd',
      path: 'prometheus-rule.crd.yaml',
      mediaType: 'application/yaml',
      label: 'PrometheusRule resource (prometheus-operator)',
      content: crdYaml,
    },
    {
      id: 'alertmanager',
      path: 'alertmanager.yaml',
      mediaType: 'application/yaml',
      label: 'Alertmanager routing',
      content: alertmanagerYaml,
    },
    {
      id: 'grafana-dashboard',
      path: 'grafana-dashboard.json',
      mediaType: 'application/json',
      label: 'Grafana dashboard',
      content: dashboardJson,
    },
    ...runbooks.map(
      (r): ArtifactFile => ({
        id: `runbook:${r.alert}`,
        path: r.path,
        mediaType: 'text/markdown',
        label: `Runbook: ${r.alert}`,
        content: r.markdown,
      }),
    ),
    {
      id: 'observability',
      path: 'observability.json',
      mediaType: 'application/json',
      label: 'Observability design (output object)',
      content: `${JSON.stringify(output, null, 2)}\n`,
    },
    {
      id: 'otel-collector',
      path: 'otel-collector.yaml',
      mediaType: 'application/yaml',
      label: 'OpenTelemetry Collector (traces)',
      content: otelYaml,
    },
    ...(lokiYaml
      ? [
          {
            id: 'loki-rules',
            path: 'loki-rules.yaml',
            mediaType: 'application/yaml',
            label: 'Loki rules (log-based fallback alert)',
            content: lokiYaml,
          } as ArtifactFile,
        ]
      : []),
  ];

  return {
    entityRef: spec.entityRef,
    serviceName: spec.serviceName.value,
    rules: prometheus.rules,
    alerts,
    runbooks,
    files,
    output,
    confidence,
    findings,
  };
}
