/**
 * Hand-built specs for generator tests, so they do not depend on parseSpec.
 * The defaults mirror a well-described checkout service.
 */
import { DEFAULT_METRIC_NAMES, ObservabilitySpec } from '../../spec';

export function makeSpec(
  overrides: Partial<ObservabilitySpec> = {},
): ObservabilitySpec {
  const name = overrides.name ?? 'checkout';
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    title: 'Checkout',
    owner: 'group:default/payments',
    team: 'payments',
    system: 'shop',
    lifecycle: 'production',
    tier: '1',
    serviceName: { value: name, source: 'default' },
    selector: { value: `service="${name}"`, source: 'default' },
    thresholds: {
      rateDropPercent: { value: 50, source: 'default' },
      errorRatePercent: { value: 1, source: 'default' },
      latencyP99Ms: { value: 500, source: 'default' },
    },
    slos: [
      {
        slo: 'availability',
        objectivePercent: 99.9,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: 'redline.dev/slo-availability',
      },
    ],
    links: {
      runbookUrl: 'https://wiki.example.com/runbooks/checkout',
      logQueryUrl:
        'https://grafana.example.com/explore?service={service}&q={correlation_id}',
      traceUrl: 'https://tempo.example.com/trace/{trace_id}?service={service}',
      logSelector: '{app="checkout"}',
    },
    routing: {
      pagerduty: { serviceId: 'PABC123', hasIntegrationKey: true },
      slackChannel: 'payments-alerts',
    },
    metrics: DEFAULT_METRIC_NAMES,
    describedAnnotations: [
      'redline.dev/slo-availability',
      'redline.dev/runbook-url',
      'redline.dev/log-query-url',
      'redline.dev/trace-url',
      'redline.dev/log-selector',
      'redline.dev/slack-channel',
    ],
    presentAnnotations: [
      'redline.dev/slo-availability',
      'redline.dev/runbook-url',
      'redline.dev/log-query-url',
      'redline.dev/trace-url',
      'redline.dev/log-selector',
      'redline.dev/slack-channel',
      'pagerduty.com/integration-key',
      'pagerduty.com/service-id',
    ],
    componentType: 'service',
    servesRequests: true,
    ...overrides,
  };
}

/** The thinnest spec: no owner, no links, no routing, no SLO. */
export function makeBareSpec(
  overrides: Partial<ObservabilitySpec> = {},
): ObservabilitySpec {
  return makeSpec({
    title: undefined,
    owner: '',
    team: 'unowned',
    system: undefined,
    lifecycle: undefined,
    tier: undefined,
    slos: [],
    links: {},
    routing: {},
    describedAnnotations: [],
    presentAnnotations: [],
    ...overrides,
  });
}
