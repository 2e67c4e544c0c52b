/**
 * The annotation contract. Redline's own keys live under `redline.dev/`; where
 * another plugin already defines a key (Prometheus, Grafana, PagerDuty,
 * Opsgenie) Redline reads that one instead of inventing a second.
 * @public
 */
export const REDLINE_ANNOTATION_PREFIX = 'redline.dev/';

/** @public */
export const ANNOTATIONS = {
  serviceName: 'redline.dev/service-name',
  sloAvailability: 'redline.dev/slo-availability',
  sloLatency: 'redline.dev/slo-latency',
  sloWindow: 'redline.dev/slo-window',
  /** OpenSLO documents (inline, or a file beside catalog-info.yaml) in place of the slo-* keys. */
  openSlo: 'redline.dev/openslo',
  rateDropThreshold: 'redline.dev/rate-drop-threshold',
  trafficDropMinRate: 'redline.dev/traffic-drop-min-rate',
  errorRateThreshold: 'redline.dev/error-rate-threshold',
  latencyP99Threshold: 'redline.dev/latency-p99-threshold',
  metricsSelector: 'redline.dev/metrics-selector',
  tier: 'redline.dev/tier',
  runbookUrl: 'redline.dev/runbook-url',
  dashboardUrl: 'redline.dev/dashboard-url',
  logQueryUrl: 'redline.dev/log-query-url',
  traceUrl: 'redline.dev/trace-url',
  logSelector: 'redline.dev/log-selector',
  slackChannel: 'redline.dev/slack-channel',
  alertWebhook: 'redline.dev/alert-webhook',
  prometheusInstance: 'redline.dev/prometheus-instance',
  alertmanagerInstance: 'redline.dev/alertmanager-instance',
  /** Which configured rule target (`observability.ruleTargets`) holds the entity's rules. */
  ruleTarget: 'redline.dev/rule-target',
} as const;

/** Keys other plugins define, read as fallbacks or extra routing data. @public */
export const FOREIGN_ANNOTATIONS = {
  prometheusServiceName: 'prometheus.io/service-name',
  prometheusRule: 'prometheus.io/rule',
  prometheusAlert: 'prometheus.io/alert',
  grafanaDashboardSelector: 'grafana/dashboard-selector',
  grafanaOverviewDashboard: 'grafana/overview-dashboard',
  pagerdutyIntegrationKey: 'pagerduty.com/integration-key',
  pagerdutyServiceId: 'pagerduty.com/service-id',
  opsgenieTeam: 'opsgenie.com/team',
  techdocsRef: 'backstage.io/techdocs-ref',
} as const;

/**
 * Whether an annotation key is observability metadata Redline reads: any
 * `redline.dev/` key (known or not) and the Prometheus, Grafana, PagerDuty
 * and Opsgenie keys. Decides whether an entity is "not described yet" or
 * described wrongly, so TechDocs and other plugins' keys do not count.
 * @public
 */
export function isObservabilityAnnotation(key: string): boolean {
  return (
    key.startsWith(REDLINE_ANNOTATION_PREFIX) ||
    /^(prometheus\.io|grafana|pagerduty\.com|opsgenie\.com)\//.test(key)
  );
}
