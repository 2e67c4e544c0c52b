/**
 * Realistic backend answers for tests, shaped like what the backend serves
 * for the demo catalog's `checkout`, `legacy-billing` and
 * `broken-annotations` entities.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  CheckResult,
  CoverageHistoryPoint,
  CoverageResponse,
  EntityViewResponse,
  GeneratedAlert,
  ObservabilitySpec,
  RedTarget,
  Runbook,
} from '@redline/backstage-plugin-observability-common';
import { DEFAULT_METRIC_NAMES } from '@redline/backstage-plugin-observability-common';

export function makeEntity(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
  };
}

export function makeSpec(
  name: string,
  overrides: Partial<ObservabilitySpec> = {},
): ObservabilitySpec {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    owner: 'group:default/payments',
    team: 'payments',
    system: 'commerce',
    lifecycle: 'production',
    serviceName: { value: name, source: 'default' },
    selector: { value: `service="${name}"`, source: 'default' },
    thresholds: {
      rateDropPercent: { value: 50, source: 'default' },
      errorRatePercent: { value: 1, source: 'default' },
      latencyP99Ms: { value: 500, source: 'default' },
    },
    slos: [],
    links: {},
    routing: {},
    metrics: DEFAULT_METRIC_NAMES,
    describedAnnotations: [],
    ...overrides,
  };
}

export function makeRedTargets(
  service: string,
  thresholds: {
    errorRate?: [number, string?];
    latency?: [number, string?];
    rateDrop?: [number, string?];
  } = {},
): RedTarget[] {
  const sel = `service="${service}"`;
  const source = (t?: [number, string?]) =>
    t?.[1]
      ? { source: 'annotation' as const, annotation: t[1] }
      : { source: 'default' as const };
  const rateDrop = thresholds.rateDrop?.[0] ?? 50;
  const errorRate = thresholds.errorRate?.[0] ?? 1;
  const latency = thresholds.latency?.[0] ?? 500;
  return [
    {
      signal: 'rate',
      name: 'Request rate',
      description: 'Traffic compared with the same time one week earlier',
      promql: `sum(rate(http_requests_total{${sel}}[5m]))`,
      threshold: rateDrop,
      unit: 'percent',
      thresholdDisplay: `drop > ${rateDrop} % vs 1w ago`,
      for: '10m',
      ...source(thresholds.rateDrop),
    },
    {
      signal: 'errors',
      name: 'Error ratio',
      description: 'Share of 5xx responses over 5 minutes',
      promql: `sum(rate(http_requests_total{${sel},status=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`,
      threshold: errorRate,
      unit: 'percent',
      thresholdDisplay: `> ${errorRate} %`,
      for: '5m',
      ...source(thresholds.errorRate),
    },
    {
      signal: 'duration',
      name: 'P99 latency',
      description: '99th percentile request duration over 5 minutes',
      promql: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
      threshold: latency,
      unit: 'ms',
      thresholdDisplay: `> ${latency} ms`,
      for: '5m',
      ...source(thresholds.latency),
    },
  ];
}

function alert(
  name: string,
  severity: GeneratedAlert['severity'],
  expr: string,
  forDuration?: string,
): GeneratedAlert {
  return {
    name,
    key: name,
    severity,
    for: forDuration,
    expr,
    labels: { severity, team: 'payments', service: 'checkout' },
    annotations: {
      summary: `${name} on checkout`,
      runbook_url: `http://localhost:3000/observability/runbooks/default/component/checkout/${name}`,
    },
    runbookUrl: `http://localhost:3000/observability/runbooks/default/component/checkout/${name}`,
    runbookPath: `runbooks/${name}.md`,
  };
}

const checkoutAlerts: GeneratedAlert[] = [
  alert(
    'HighErrorRate',
    'critical',
    'sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m])) > 0.005',
    '5m',
  ),
  alert(
    'HighLatency',
    'warning',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m]))) > 0.3',
    '5m',
  ),
  (() => {
    // As generated: the SLO and burn window are labels, the key combines them.
    const burn = alert(
      'SLOErrorBudgetBurn',
      'critical',
      'slo:sli_error:ratio_rate1h{service="checkout"} > (14.4 * 0.001)',
    );
    return {
      ...burn,
      key: 'SLOErrorBudgetBurn:availability:fast',
      labels: { ...burn.labels, slo: 'availability', burn_window: 'fast' },
    };
  })(),
];

const checkoutRunbooks: Runbook[] = [
  {
    alert: 'HighErrorRate',
    title: 'HighErrorRate — checkout',
    path: 'runbooks/HighErrorRate.md',
    markdown: [
      '# HighErrorRate — checkout',
      '',
      'More than 0.5 % of requests fail with a 5xx status.',
      '',
      '## Debug checklist',
      '',
      '1. Check recent deploys',
      '2. Open the [dashboard](https://grafana.example.com/d/checkout)',
      '3. Do not click [this](javascript:alert(1))',
    ].join('\n'),
  },
];

const checkoutChecks: CheckResult[] = [
  {
    id: 'metadata.slo',
    category: 'metadata',
    title: 'SLO declared',
    status: 'pass',
    message: 'Availability 99.9 % and latency SLO declared',
  },
  {
    id: 'ownership.owner',
    category: 'ownership',
    title: 'Owner exists',
    status: 'pass',
    message: 'group:default/payments exists in the catalog',
  },
  {
    id: 'routing.receiver',
    category: 'routing',
    title: 'Alert routing',
    status: 'warn',
    message: 'No Slack channel declared; pages go to PagerDuty only',
    fix: 'metadata:\n  annotations:\n    redline.dev/slack-channel: "payments-alerts"',
  },
  {
    id: 'deployment.rules-loaded',
    category: 'deployment',
    title: 'Rules deployed',
    status: 'fail',
    message: 'HighLatency is not loaded in Prometheus "default"',
    fix: 'Apply the generated rules from the Scaffold alerts dialog',
  },
  {
    id: 'metrics.present',
    category: 'metrics',
    title: 'RED metrics present',
    status: 'unknown',
    message: 'Prometheus did not answer: timeout after 3 attempts',
  },
];

/** `checkout`: fully described, availability 99.9 % and a latency SLO, live data. */
export const checkoutView: EntityViewResponse = {
  entityRef: 'component:default/checkout',
  spec: makeSpec('checkout', {
    tier: 'tier-1',
    thresholds: {
      rateDropPercent: { value: 50, source: 'default' },
      errorRatePercent: {
        value: 0.5,
        source: 'annotation',
        annotation: 'redline.dev/error-rate-threshold',
      },
      latencyP99Ms: {
        value: 300,
        source: 'annotation',
        annotation: 'redline.dev/latency-p99-threshold',
      },
    },
    slos: [
      {
        slo: 'availability',
        objectivePercent: 99.9,
        windowDays: 30,
        annotation: 'redline.dev/slo-availability',
      },
      {
        slo: 'latency',
        objectivePercent: 99,
        thresholdSeconds: 0.3,
        windowDays: 30,
        annotation: 'redline.dev/slo-latency',
      },
    ],
    describedAnnotations: [
      'redline.dev/slo-availability',
      'redline.dev/slo-latency',
      'redline.dev/runbook-url',
    ],
  }),
  redTargets: makeRedTargets('checkout', {
    errorRate: [0.5, 'redline.dev/error-rate-threshold'],
    latency: [300, 'redline.dev/latency-p99-threshold'],
  }),
  live: {
    status: 'ok',
    values: [
      {
        signal: 'rate',
        value: 12.5,
        trend: [
          [1, 11],
          [2, 12],
          [3, 12.5],
        ],
      },
      {
        signal: 'errors',
        value: 0.21,
        trend: [
          [1, 0.1],
          [2, 0.3],
          [3, 0.21],
        ],
      },
      {
        signal: 'duration',
        value: 245,
        trend: [
          [1, 230],
          [2, 260],
          [3, 245],
        ],
      },
    ],
  },
  alerts: checkoutAlerts,
  alertStates: [
    { key: 'HighErrorRate', deployed: 'yes', firing: true },
    { key: 'HighLatency', deployed: 'no', firing: false },
    {
      key: 'SLOErrorBudgetBurn:availability:fast',
      deployed: 'unknown',
      firing: false,
    },
  ],
  runbooks: checkoutRunbooks,
  artifacts: [
    {
      id: 'prometheus-rules',
      path: 'prometheus-rules.yaml',
      mediaType: 'application/yaml',
      label: 'Prometheus rules',
    },
    {
      id: 'prometheus-rule-crd',
      path: 'prometheus-rule.yaml',
      mediaType: 'application/yaml',
      label: 'PrometheusRule resource',
    },
    {
      id: 'alertmanager',
      path: 'alertmanager.yaml',
      mediaType: 'application/yaml',
      label: 'Alertmanager',
    },
    {
      id: 'grafana-dashboard',
      path: 'grafana-dashboard.json',
      mediaType: 'application/json',
      label: 'Grafana dashboard',
    },
    {
      id: 'runbook:HighErrorRate',
      path: 'runbooks/HighErrorRate.md',
      mediaType: 'text/markdown',
      label: 'Runbook: HighErrorRate',
    },
  ],
  output: {
    observability_design: {
      pillars: ['metrics', 'logs'],
      tools: ['prometheus'],
      dashboards: [],
      level: 'FULL_OBSERVABILITY_DESIGN',
    },
    configuration: [],
    alerts: [],
    runbooks: ['runbooks/HighErrorRate.md'],
    confidence_score: 0.82,
  },
  checks: checkoutChecks,
  confidence: {
    score: 0.82,
    factors: [
      {
        id: 'slo',
        label: 'SLO declared',
        weight: 0.3,
        met: true,
        detail: '2 SLOs',
      },
      {
        id: 'runbook',
        label: 'Runbook reachable',
        weight: 0.2,
        met: true,
        detail: 'HTTP 200',
      },
      {
        id: 'deployed',
        label: 'Rules deployed',
        weight: 0.3,
        met: false,
        detail: '1 of 3 alerts loaded',
      },
      {
        id: 'owner',
        label: 'Owner exists',
        weight: 0.2,
        met: true,
        detail: 'group:default/payments',
      },
    ],
  },
  findings: [],
  facts: {},
  firing: [
    {
      name: 'HighErrorRate',
      severity: 'critical',
      state: 'firing',
      labels: { service: 'checkout', severity: 'critical' },
      annotations: { summary: 'Error ratio above 0.5 %' },
      activeAt: '2026-11-25T04:00:00Z',
      count: 3,
    },
    {
      name: 'HighLatency',
      severity: 'warning',
      state: 'pending',
      labels: { service: 'checkout', severity: 'warning' },
      annotations: {},
      count: 1,
    },
  ],
  canApply: true,
};

/** `legacy-billing`: no observability metadata at all — seed defaults only. */
export const legacyBillingView: EntityViewResponse = {
  ...checkoutView,
  entityRef: 'component:default/legacy-billing',
  spec: makeSpec('legacy-billing'),
  redTargets: makeRedTargets('legacy-billing'),
  live: undefined,
  alerts: [],
  alertStates: [],
  runbooks: [],
  artifacts: checkoutView.artifacts.filter(a => !a.id.startsWith('runbook:')),
  checks: [
    {
      id: 'metadata.slo',
      category: 'metadata',
      title: 'SLO declared',
      status: 'fail',
      message: 'No SLO declared',
      fix: 'metadata:\n  annotations:\n    redline.dev/slo-availability: "99.9"',
    },
  ],
  confidence: {
    score: 0.2,
    factors: [
      {
        id: 'slo',
        label: 'SLO declared',
        weight: 0.3,
        met: false,
        detail: 'none',
      },
    ],
  },
  findings: [],
  firing: [],
  canApply: false,
};

/** `broken-annotations`: an invalid value in every annotation → findings, not a crash. */
export const brokenAnnotationsView: EntityViewResponse = {
  ...legacyBillingView,
  entityRef: 'component:default/broken-annotations',
  spec: makeSpec('broken-annotations'),
  redTargets: makeRedTargets('broken-annotations'),
  findings: [
    {
      id: 'annotation.invalid',
      severity: 'error',
      message:
        'redline.dev/slo-availability must be a percentage between 0 and 100',
      annotation: 'redline.dev/slo-availability',
      value: 'lots',
      expected: 'a number in (0, 100), e.g. "99.9"',
      fix: 'metadata:\n  annotations:\n    redline.dev/slo-availability: "99.9"',
    },
    {
      id: 'annotation.invalid',
      severity: 'warning',
      message: 'redline.dev/latency-p99-threshold is not a duration',
      annotation: 'redline.dev/latency-p99-threshold',
      value: 'fast',
      expected: 'milliseconds, e.g. "500ms"',
    },
  ],
};

export const coverageResponse: CoverageResponse = {
  items: [
    {
      entityRef: 'component:default/checkout',
      name: 'checkout',
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      system: 'commerce',
      lifecycle: 'production',
      tier: 'tier-1',
      hasSlo: true,
      hasRunbook: true,
      rulesDeployed: 'yes',
      confidence: 0.82,
      failingChecks: 1,
      topFailingCheck: 'Rules deployed',
      evaluatedAt: '2026-11-25T04:00:00Z',
    },
    {
      entityRef: 'component:default/legacy-billing',
      name: 'legacy-billing',
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      lifecycle: 'deprecated',
      hasSlo: false,
      hasRunbook: false,
      rulesDeployed: 'no',
      confidence: 0.2,
      failingChecks: 4,
      topFailingCheck: 'SLO declared',
      evaluatedAt: '2026-11-25T04:00:00Z',
    },
  ],
  totalItems: 32,
  page: 1,
  pageSize: 2,
  teams: [
    {
      team: 'payments',
      services: 6,
      withSlo: 0.5,
      withRunbooks: 0.33,
      withRulesDeployed: 0.17,
      meanConfidence: 0.55,
    },
    {
      team: 'search',
      services: 5,
      withSlo: 0.8,
      withRunbooks: 0.6,
      withRulesDeployed: 0.4,
      meanConfidence: 0.71,
    },
  ],
  summary: {
    services: 32,
    withSlo: 0.47,
    withRunbooks: 0.41,
    withRulesDeployed: 0.25,
    meanConfidence: 0.58,
  },
  evaluatedAt: '2026-11-25T04:00:00Z',
};

export const coverageHistory: CoverageHistoryPoint[] = [
  {
    evaluatedAt: '2026-11-22T00:00:00Z',
    services: 30,
    withSlo: 0.3,
    withRunbooks: 0.3,
    withRulesDeployed: 0.1,
    meanConfidence: 0.41,
  },
  {
    evaluatedAt: '2026-11-23T00:00:00Z',
    services: 31,
    withSlo: 0.4,
    withRunbooks: 0.35,
    withRulesDeployed: 0.2,
    meanConfidence: 0.5,
  },
  {
    evaluatedAt: '2026-11-24T00:00:00Z',
    services: 32,
    withSlo: 0.47,
    withRunbooks: 0.41,
    withRulesDeployed: 0.25,
    meanConfidence: 0.58,
  },
];
