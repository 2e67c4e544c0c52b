import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { ANNOTATIONS, FOREIGN_ANNOTATIONS } from './annotations';
import { resolveGeneratorConfig } from './config';
import { findPromqlSyntaxError } from './labelMatchers';
import {
  DEFAULT_RED_THRESHOLDS,
  DEFAULT_SLO_WINDOW,
  ownerRefOf,
  parseSpec,
} from './parseSpec';
import type { ObservabilitySpec, SloWindow } from './types';

function entity(
  annotations: Record<string, string> = {},
  spec: Record<string, unknown> = { owner: 'payments' },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', ...spec },
  };
}

function only(key: string, value: string) {
  return parseSpec(entity({ [key]: value }));
}

function invalidFindings(result: ReturnType<typeof parseSpec>) {
  return result.findings.filter(f => f.id === 'annotation.invalid');
}

/**
 * Per annotation: values that must be accepted (with what they produce) and
 * values that must be rejected, plus what the spec holds when the annotation
 * is missing or rejected.
 */
const cases: Array<{
  key: string;
  read: (s: ObservabilitySpec) => unknown;
  missing: unknown;
  valid: Array<[string, unknown]>;
  invalid: string[];
}> = [
  {
    key: ANNOTATIONS.serviceName,
    read: s => s.serviceName,
    missing: { value: 'checkout', source: 'default' },
    valid: [
      [
        'checkout-api',
        {
          value: 'checkout-api',
          source: 'annotation',
          annotation: ANNOTATIONS.serviceName,
        },
      ],
    ],
    invalid: [
      '',
      'has space',
      'quote"inside',
      '-leading-dash',
      'x'.repeat(129),
    ],
  },
  {
    key: FOREIGN_ANNOTATIONS.prometheusServiceName,
    read: s => s.serviceName,
    missing: { value: 'checkout', source: 'default' },
    valid: [
      [
        'checkout_svc',
        {
          value: 'checkout_svc',
          source: 'annotation',
          annotation: FOREIGN_ANNOTATIONS.prometheusServiceName,
        },
      ],
    ],
    invalid: ['a{b}', 'new\nline'],
  },
  {
    key: ANNOTATIONS.sloAvailability,
    read: s =>
      s.slos.filter(x => x.slo === 'availability').map(x => x.objectivePercent),
    missing: [],
    valid: [
      ['99.9', [99.9]],
      ['99.95%', [99.95]],
      [' 95 ', [95]],
    ],
    invalid: [
      '100',
      '100.0',
      '150',
      '0',
      '-1',
      'ninety-nine',
      '99.9 percent',
      '',
      '1e2',
    ],
  },
  {
    key: ANNOTATIONS.sloLatency,
    read: s =>
      s.slos
        .filter(x => x.slo === 'latency')
        .map(x => [x.objectivePercent, x.thresholdSeconds]),
    missing: [],
    valid: [
      ['99% < 300ms', [[99, 0.3]]],
      ['99.5% < 1s', [[99.5, 1]]],
      ['95%<250ms', [[95, 0.25]]],
    ],
    invalid: [
      '99%',
      '< 300ms',
      '100% < 300ms',
      '0% < 1s',
      '99% < 0ms',
      '99% > 300ms',
      '99% < 300',
      '99% < 1h',
    ],
  },
  {
    key: ANNOTATIONS.rateDropThreshold,
    read: s => s.thresholds.rateDropPercent,
    missing: { value: 50, source: 'default' },
    valid: [
      [
        '30',
        {
          value: 30,
          source: 'annotation',
          annotation: ANNOTATIONS.rateDropThreshold,
        },
      ],
      [
        '99%',
        {
          value: 99,
          source: 'annotation',
          annotation: ANNOTATIONS.rateDropThreshold,
        },
      ],
    ],
    invalid: ['0', '0.5', '100', 'half', '-20'],
  },
  {
    key: ANNOTATIONS.trafficDropMinRate,
    read: s => s.thresholds.trafficDropMinRate,
    // Absent, the spec holds nothing and TrafficDrop uses DEFAULT_TRAFFIC_DROP_MIN_RATE.
    missing: undefined,
    valid: [
      [
        '0.1',
        {
          value: 0.1,
          source: 'annotation',
          annotation: ANNOTATIONS.trafficDropMinRate,
        },
      ],
      [
        ' 2 ',
        {
          value: 2,
          source: 'annotation',
          annotation: ANNOTATIONS.trafficDropMinRate,
        },
      ],
    ],
    invalid: ['0', '0.0', '-1', '-0.5', 'none', '', '1e-3'],
  },
  {
    key: ANNOTATIONS.errorRateThreshold,
    read: s => s.thresholds.errorRatePercent,
    missing: { value: 1, source: 'default' },
    valid: [
      [
        '0.5',
        {
          value: 0.5,
          source: 'annotation',
          annotation: ANNOTATIONS.errorRateThreshold,
        },
      ],
    ],
    invalid: ['0', '100', '1.5x', ''],
  },
  {
    key: ANNOTATIONS.latencyP99Threshold,
    read: s => s.thresholds.latencyP99Ms,
    missing: { value: 500, source: 'default' },
    valid: [
      [
        '300ms',
        {
          value: 300,
          source: 'annotation',
          annotation: ANNOTATIONS.latencyP99Threshold,
        },
      ],
      [
        '1.5s',
        {
          value: 1500,
          source: 'annotation',
          annotation: ANNOTATIONS.latencyP99Threshold,
        },
      ],
      [
        '750',
        {
          value: 750,
          source: 'annotation',
          annotation: ANNOTATIONS.latencyP99Threshold,
        },
      ],
    ],
    invalid: ['0ms', 'fast', '500 msec', '1h', '700000'],
  },
  {
    key: ANNOTATIONS.metricsSelector,
    read: s => s.selector,
    missing: { value: 'service="checkout"', source: 'default' },
    valid: [
      [
        'service="checkout",env="prod"',
        {
          value: 'service="checkout",env="prod"',
          source: 'annotation',
          annotation: ANNOTATIONS.metricsSelector,
        },
      ],
      [
        `job='checkout', env=~"prod|staging"`,
        {
          value: 'job="checkout",env=~"prod|staging"',
          source: 'annotation',
          annotation: ANNOTATIONS.metricsSelector,
        },
      ],
    ],
    invalid: [
      'checkout',
      'service=checkout',
      'service="checkout"} or vector(1) or up{a="b"',
      'service="unterminated',
      'env=~"(?=x)"',
      'env=~"("',
      'service!="checkout"',
      'status="200",service="checkout"',
      'le="0.5",service="x"',
      '__name__="foo"',
      '"quoted"="name"',
      '',
    ],
  },
  {
    key: ANNOTATIONS.tier,
    read: s => s.tier,
    missing: undefined,
    valid: [
      ['1', 'tier-1'],
      ['tier-2', 'tier-2'],
      ['Tier 3', 'tier-3'],
    ],
    invalid: ['4', 'gold', 'tier-0'],
  },
  {
    key: ANNOTATIONS.runbookUrl,
    read: s => s.links.runbookUrl,
    missing: undefined,
    valid: [
      [
        'https://runbooks.example.com/checkout',
        'https://runbooks.example.com/checkout',
      ],
    ],
    invalid: [
      '/relative/runbook',
      'ftp://example.com/x',
      'data:text/html,hi',
      'https://',
      'not a url',
      'https://runbooks.example.com/check out',
      'https://user:secret@runbooks.example.com/checkout',
      'https://runbooks.example.com@evil.example/checkout',
    ],
  },
  {
    key: ANNOTATIONS.dashboardUrl,
    read: s => s.links.dashboardUrl,
    missing: undefined,
    valid: [
      [
        'http://localhost:7007/grafana/d/checkout',
        'http://localhost:7007/grafana/d/checkout',
      ],
    ],
    invalid: ['grafana.example.com/d/x', 'file:///etc/passwd'],
  },
  {
    key: ANNOTATIONS.logQueryUrl,
    read: s => s.links.logQueryUrl,
    missing: undefined,
    valid: [
      [
        'https://logs.example.com/?q={service}+{correlation_id}',
        'https://logs.example.com/?q={service}+{correlation_id}',
      ],
    ],
    invalid: [
      'https://logs.example.com/?q={trace_id}',
      '{service}/logs',
      'mailto:x@example.com',
    ],
  },
  {
    key: ANNOTATIONS.traceUrl,
    read: s => s.links.traceUrl,
    missing: undefined,
    valid: [
      [
        'https://traces.example.com/trace/{trace_id}',
        'https://traces.example.com/trace/{trace_id}',
      ],
    ],
    invalid: [
      'https://traces.example.com/trace/{traceId}',
      'traces.example.com',
      'https://admin:pw@traces.example.com/trace/{trace_id}',
    ],
  },
  {
    key: ANNOTATIONS.logSelector,
    read: s => s.links.logSelector,
    missing: undefined,
    valid: [[`{app="checkout", env='prod'}`, '{app="checkout",env="prod"}']],
    invalid: ['app="checkout"', '{}', '{app=checkout}', '{app=~".*"}'],
  },
  {
    key: ANNOTATIONS.slackChannel,
    read: s => s.routing.slackChannel,
    missing: undefined,
    valid: [
      ['#payments-alerts', 'payments-alerts'],
      ['payments_oncall', 'payments_oncall'],
    ],
    invalid: ['#Payments', 'has space', '#'],
  },
  {
    key: ANNOTATIONS.alertWebhook,
    read: s => s.routing.webhookUrl,
    missing: undefined,
    valid: [
      ['https://hooks.example.com/alerts', 'https://hooks.example.com/alerts'],
    ],
    invalid: [
      'hooks.example.com',
      'ws://hooks.example.com',
      'https://token:x@hooks.example.com/alerts',
      // WHATWG keeps these; Go (Alertmanager) rejects them.
      'https://hooks.example.com/%TAG',
      'https://hooks.example.com/%zz',
      'https://hooks.example.com/100%',
    ],
  },
  {
    key: ANNOTATIONS.prometheusInstance,
    read: s => s.prometheusInstance,
    missing: undefined,
    valid: [['eu-west', 'eu-west']],
    invalid: ['eu west', '../etc'],
  },
  {
    key: ANNOTATIONS.alertmanagerInstance,
    read: s => s.alertmanagerInstance,
    missing: undefined,
    valid: [['primary', 'primary']],
    invalid: ['http://am:9093'],
  },
  {
    key: ANNOTATIONS.ruleTarget,
    read: s => s.ruleTarget,
    missing: undefined,
    valid: [
      ['mimir-payments', 'mimir-payments'],
      [' vmalert.eu_1 ', 'vmalert.eu_1'],
    ],
    invalid: ['mimir payments', '../etc', 'http://mimir:8080', '-leading'],
  },
  {
    key: FOREIGN_ANNOTATIONS.pagerdutyIntegrationKey,
    read: s => s.routing.pagerduty,
    missing: undefined,
    valid: [['0123456789abcdef0123456789abcdef', { hasIntegrationKey: true }]],
    invalid: ['', 'key with spaces'],
  },
  {
    key: FOREIGN_ANNOTATIONS.pagerdutyServiceId,
    read: s => s.routing.pagerduty,
    missing: undefined,
    valid: [['PABC123', { hasIntegrationKey: false, serviceId: 'PABC123' }]],
    invalid: ['P', 'not-an-id'],
  },
  {
    key: FOREIGN_ANNOTATIONS.opsgenieTeam,
    read: s => s.routing.opsgenie,
    missing: undefined,
    valid: [['Payments Team', { team: 'Payments Team' }]],
    invalid: ['', '{team}'],
  },
];

describe('parseSpec, per annotation', () => {
  describe.each(cases)('$key', ({ key, read, missing, valid, invalid }) => {
    it('uses the default when missing', () => {
      const { spec, findings } = parseSpec(entity());
      expect(read(spec)).toEqual(missing);
      expect(
        findings.filter(
          f => f.annotation === key && f.id === 'annotation.invalid',
        ),
      ).toEqual([]);
    });

    it.each(valid)('accepts %j', (value, expected) => {
      const result = only(key, value);
      expect(read(result.spec)).toEqual(expected);
      expect(invalidFindings(result)).toEqual([]);
      // Only redline.dev/* keys count as described; foreign keys are read but not scored.
      expect(result.spec.describedAnnotations).toEqual(
        key.startsWith('redline.dev/') ? [key] : [],
      );
    });

    it.each(invalid.map(v => [v]))(
      'rejects %j with a finding and falls back',
      value => {
        const result = only(key, value);
        expect(read(result.spec)).toEqual(missing);
        const found = invalidFindings(result);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({
          id: 'annotation.invalid',
          severity: 'error',
          annotation: key,
        });
        expect(found[0].expected).toBeTruthy();
        expect(found[0].message).toContain(key);
        // The fix is a YAML snippet with a valid example that itself parses cleanly.
        expect(found[0].fix).toMatch(
          new RegExp(
            `^metadata:\\n  annotations:\\n    ${key.replace(/\./g, '\\.')}: "`,
          ),
        );
        expect(result.spec.describedAnnotations).not.toContain(key);
      },
    );
  });

  it('rejects a traffic-drop minimum rate too large to be a finite number', () => {
    const result = only(ANNOTATIONS.trafficDropMinRate, '9'.repeat(400));
    expect(result.spec.thresholds.trafficDropMinRate).toBeUndefined();
    expect(invalidFindings(result).map(f => f.annotation)).toEqual([
      ANNOTATIONS.trafficDropMinRate,
    ]);
  });

  it('never repeats a PagerDuty integration key in a finding', () => {
    const secret = 'abc def secret';
    const { findings } = only(
      FOREIGN_ANNOTATIONS.pagerdutyIntegrationKey,
      secret,
    );
    expect(JSON.stringify(findings)).not.toContain('secret');
    expect(findings.find(f => f.id === 'annotation.invalid')?.value).toBe(
      '<redacted>',
    );
  });

  it('writes fix snippets for the entity they are shown on, never for another service', () => {
    const billing = (
      annotations: Record<string, string>,
      name = 'legacy-billing',
    ) =>
      parseSpec({
        ...entity(annotations),
        metadata: { name, namespace: 'default', annotations },
      });
    const fixOf = (result: ReturnType<typeof parseSpec>, annotation: string) =>
      result.findings.find(f => f.annotation === annotation)?.fix ?? '';

    const bare = billing({});
    expect(fixOf(bare, ANNOTATIONS.runbookUrl)).toContain(
      `${ANNOTATIONS.runbookUrl}: "https://runbooks.example.com/legacy-billing"`,
    );
    const broken = billing({
      [ANNOTATIONS.serviceName]: 'not a name',
      [ANNOTATIONS.metricsSelector]: 'service=',
      [ANNOTATIONS.logSelector]: 'app',
      [ANNOTATIONS.dashboardUrl]: 'grafana',
    });
    for (const [annotation, value] of [
      [ANNOTATIONS.serviceName, '"legacy-billing"'],
      [
        ANNOTATIONS.metricsSelector,
        '"service=\\"legacy-billing\\",env=\\"prod\\""',
      ],
      [ANNOTATIONS.logSelector, '"{app=\\"legacy-billing\\"}"'],
      [
        ANNOTATIONS.dashboardUrl,
        '"https://grafana.example.com/d/legacy-billing"',
      ],
    ])
      expect(fixOf(broken, annotation)).toContain(`${annotation}: ${value}`);
    expect(broken.findings.map(f => f.fix).join('\n')).not.toContain(
      'checkout',
    );
    // A name that cannot be a label value is not pasted into one.
    expect(
      fixOf(billing({}, 'Billing Service!'), ANNOTATIONS.runbookUrl),
    ).toContain('https://runbooks.example.com/your-service');
  });

  it('prefers redline.dev/service-name over prometheus.io/service-name and uses it in the default selector', () => {
    const { spec } = parseSpec(
      entity({
        [ANNOTATIONS.serviceName]: 'checkout-v2',
        [FOREIGN_ANNOTATIONS.prometheusServiceName]: 'checkout-prom',
      }),
    );
    expect(spec.serviceName).toEqual({
      value: 'checkout-v2',
      source: 'annotation',
      annotation: ANNOTATIONS.serviceName,
    });
    expect(spec.selector.value).toBe('service="checkout-v2"');
  });

  it('falls back to prometheus.io/service-name when redline.dev/service-name is invalid', () => {
    const result = parseSpec(
      entity({
        [ANNOTATIONS.serviceName]: 'bad name',
        [FOREIGN_ANNOTATIONS.prometheusServiceName]: 'checkout-prom',
      }),
    );
    expect(result.spec.serviceName.value).toBe('checkout-prom');
    expect(invalidFindings(result).map(f => f.annotation)).toEqual([
      ANNOTATIONS.serviceName,
    ]);
  });

  it('parses "99.9" as an availability SLO over 30 days', () => {
    const { spec } = only(ANNOTATIONS.sloAvailability, '99.9');
    expect(spec.slos).toEqual([
      {
        slo: 'availability',
        objectivePercent: 99.9,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: ANNOTATIONS.sloAvailability,
      },
    ]);
  });

  it('keeps a latency SLO whose threshold is not a bucket, with a warning suggesting the nearest bucket', () => {
    const result = only(ANNOTATIONS.sloLatency, '99% < 400ms');
    expect(result.spec.slos).toEqual([
      {
        slo: 'latency',
        objectivePercent: 99,
        thresholdSeconds: 0.4,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: ANNOTATIONS.sloLatency,
      },
    ]);
    const warning = result.findings.find(
      f => f.id === 'slo.latency-threshold-not-a-bucket',
    );
    expect(warning).toMatchObject({
      severity: 'warning',
      annotation: ANNOTATIONS.sloLatency,
      value: '99% < 400ms',
    });
    expect(warning?.fix).toContain('"99% < 300ms"');
    expect(invalidFindings(result)).toEqual([]);
  });

  it('checks latency SLO thresholds against the configured buckets', () => {
    const config = resolveGeneratorConfig({
      metrics: { histogramBuckets: [0.1, 0.4, 1] },
    });
    const result = parseSpec(
      entity({ [ANNOTATIONS.sloLatency]: '99% < 400ms' }),
      config,
    );
    expect(
      result.findings.find(f => f.id === 'slo.latency-threshold-not-a-bucket'),
    ).toBeUndefined();
    const other = parseSpec(
      entity({ [ANNOTATIONS.sloLatency]: '99% < 300ms' }),
      config,
    );
    expect(
      other.findings.find(f => f.id === 'slo.latency-threshold-not-a-bucket'),
    ).toBeDefined();
  });

  it('warns when the P99 threshold is beyond the largest bucket (it could never fire)', () => {
    const result = only(ANNOTATIONS.latencyP99Threshold, '5s');
    expect(result.spec.thresholds.latencyP99Ms.value).toBe(5000);
    expect(
      result.findings.find(f => f.id === 'threshold.latency-above-buckets'),
    ).toMatchObject({
      severity: 'warning',
      annotation: ANNOTATIONS.latencyP99Threshold,
    });
  });

  it('flags unknown redline.dev keys and suggests the nearest real one', () => {
    const { findings } = only('redline.dev/slo-availabilty', '99.9');
    expect(findings.find(f => f.id === 'annotation.unknown')).toMatchObject({
      severity: 'warning',
      annotation: 'redline.dev/slo-availabilty',
      expected: ANNOTATIONS.sloAvailability,
    });
  });

  it('reports annotation values that are not strings instead of crashing', () => {
    const e = entity();
    (e.metadata.annotations as Record<string, unknown>)[
      ANNOTATIONS.sloAvailability
    ] = 99.9;
    const result = parseSpec(e);
    expect(invalidFindings(result)[0]).toMatchObject({
      annotation: ANNOTATIONS.sloAvailability,
      value: '99.9',
    });
    expect(result.spec.slos).toEqual([]);
  });

  it('uses configured label names in the default selector and marks it as config-derived', () => {
    const config = resolveGeneratorConfig({ metrics: { serviceLabel: 'app' } });
    expect(parseSpec(entity(), config).spec.selector).toEqual({
      value: 'app="checkout"',
      source: 'config',
    });
  });

  it('says why a link with credentials is refused', () => {
    const [finding] = invalidFindings(
      only(ANNOTATIONS.runbookUrl, 'https://user:pw@runbooks.example.com/x'),
    );
    expect(finding.message).toContain('must not carry credentials');
    const [plain] = invalidFindings(only(ANNOTATIONS.runbookUrl, 'ftp://x'));
    expect(plain.message).toContain(
      'must be an absolute http:// or https:// URL.',
    );
  });

  it('reports invalid configured metric and label names once, where the config is resolved, and uses the defaults', () => {
    const result = parseSpec(entity(), {
      ...resolveGeneratorConfig(),
      metrics: {
        ...resolveGeneratorConfig().metrics,
        requestsTotal: 'http-requests',
        serviceLabel: 'app name',
      },
    });
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'generate.metric-name-invalid',
          severity: 'error',
          value: 'http-requests',
          expected: '[a-zA-Z_:][a-zA-Z0-9_:]*, not starting with __',
        }),
        expect.objectContaining({
          id: 'generate.label-name-invalid',
          value: 'app name',
          expected: '[a-zA-Z_][a-zA-Z0-9_]*, not starting with __',
        }),
      ]),
    );
    expect(result.spec.metrics.requestsTotal).toBe('http_requests_total');
    expect(result.spec.metrics.serviceLabel).toBe('service');
    expect(result.spec.selector.value).toBe('service="checkout"');
    // A resolved, valid config adds nothing.
    expect(
      parseSpec(entity(), resolveGeneratorConfig()).findings.filter(f =>
        f.id.startsWith('generate.'),
      ),
    ).toEqual([]);
  });

  it('hands out the selector in the canonical form generated rules use', () => {
    const { spec } = parseSpec(
      entity({
        [ANNOTATIONS.metricsSelector]: ` app = 'x\uFFFDy' , env!~"dev|test" `,
      }),
    );
    expect(spec.selector.value).toBe('app="x\\uFFFDy",env!~"dev|test"');
  });

  it('rejects a selector filtering on the configured status label', () => {
    const config = resolveGeneratorConfig({ metrics: { statusLabel: 'code' } });
    const result = parseSpec(
      entity({ [ANNOTATIONS.metricsSelector]: 'service="a",code="200"' }),
      config,
    );
    expect(invalidFindings(result)[0]?.annotation).toBe(
      ANNOTATIONS.metricsSelector,
    );
    expect(result.spec.selector.value).toBe('service="checkout"');
  });
});

describe('parseSpec, redline.dev/slo-window', () => {
  const withSlos = (window?: string) =>
    parseSpec(
      entity({
        [ANNOTATIONS.sloAvailability]: '99.9',
        [ANNOTATIONS.sloLatency]: '99% < 300ms',
        ...(window === undefined ? {} : { [ANNOTATIONS.sloWindow]: window }),
      }),
    );
  const windows = (result: ReturnType<typeof parseSpec>) =>
    result.spec.slos.map(s => [s.slo, s.window, s.windowDays]);

  it('defaults to a rolling 30-day window for every SLO', () => {
    const result = withSlos();
    expect(windows(result)).toEqual([
      ['availability', DEFAULT_SLO_WINDOW, 30],
      ['latency', DEFAULT_SLO_WINDOW, 30],
    ]);
    expect(result.spec.slos[0].window).toBe(DEFAULT_SLO_WINDOW);
    expect(result.spec.describedAnnotations).not.toContain(
      ANNOTATIONS.sloWindow,
    );
  });

  it.each<[string, SloWindow, number]>([
    ['7d', { type: 'rolling', days: 7 }, 7],
    ['28d', { type: 'rolling', days: 28 }, 28],
    ['30d', { type: 'rolling', days: 30 }, 30],
    ['month', { type: 'calendar', period: 'month' }, 30],
    ['week', { type: 'calendar', period: 'week' }, 7],
    [' Month ', { type: 'calendar', period: 'month' }, 30],
    ['28D', { type: 'rolling', days: 28 }, 28],
  ])('reads %j for all SLOs of the entity', (value, window, days) => {
    const result = withSlos(value);
    expect(windows(result)).toEqual([
      ['availability', window, days],
      ['latency', window, days],
    ]);
    expect(invalidFindings(result)).toEqual([]);
    // Counted like any other valid annotation in the confidence score.
    expect(result.spec.describedAnnotations).toEqual([
      ANNOTATIONS.sloAvailability,
      ANNOTATIONS.sloLatency,
      ANNOTATIONS.sloWindow,
    ]);
  });

  it.each(['45d', '30', '1 month', 'quarter', '', 'rolling', 'constructor'])(
    'rejects %j like any invalid annotation and keeps the 30-day default',
    value => {
      const result = withSlos(value);
      expect(windows(result)).toEqual([
        ['availability', DEFAULT_SLO_WINDOW, 30],
        ['latency', DEFAULT_SLO_WINDOW, 30],
      ]);
      expect(invalidFindings(result)).toEqual([
        {
          id: 'annotation.invalid',
          severity: 'error',
          annotation: ANNOTATIONS.sloWindow,
          value,
          expected:
            '7d, 28d or 30d (rolling) or month or week (calendar, UTC); applies to every SLO of the entity',
          message: `redline.dev/slo-window ${JSON.stringify(
            value,
          )} must be 7d, 28d or 30d (rolling) or month or week (calendar, UTC). Using a rolling 30-day window instead.`,
          fix: 'metadata:\n  annotations:\n    redline.dev/slo-window: "28d"',
        },
      ]);
      expect(result.spec.describedAnnotations).not.toContain(
        ANNOTATIONS.sloWindow,
      );
    },
  );

  it('reports a non-string value instead of crashing', () => {
    const result = parseSpec(
      entity({
        [ANNOTATIONS.sloAvailability]: '99.9',
        [ANNOTATIONS.sloWindow]: 28 as unknown as string,
      }),
    );
    expect(result.spec.slos[0].windowDays).toBe(30);
    expect(invalidFindings(result).map(f => f.annotation)).toEqual([
      ANNOTATIONS.sloWindow,
    ]);
  });

  it('is a known key, so a near-miss spelling gets a suggestion', () => {
    const result = only('redline.dev/slo-windows', '28d');
    expect(result.findings.find(f => f.id === 'annotation.unknown')).toEqual(
      expect.objectContaining({
        annotation: 'redline.dev/slo-windows',
        expected: ANNOTATIONS.sloWindow,
      }),
    );
  });
});

describe('parseSpec, owner', () => {
  it('turns a short owner into a full group ref and a team name', () => {
    const { spec } = parseSpec(entity({}, { owner: 'payments' }));
    expect(spec.owner).toBe('group:default/payments');
    expect(spec.team).toBe('payments');
  });

  it('keeps explicit kinds and namespaces', () => {
    const { spec } = parseSpec(entity({}, { owner: 'user:ops/jane' }));
    expect(spec.owner).toBe('user:ops/jane');
    expect(spec.team).toBe('jane');
  });

  it('reports a missing owner as info and labels the service unowned', () => {
    const e = entity();
    delete (e.spec as Record<string, unknown>).owner;
    const { spec, findings } = parseSpec(e);
    expect(spec.owner).toBe('');
    expect(spec.team).toBe('unowned');
    expect(findings.find(f => f.id === 'owner.missing')).toMatchObject({
      severity: 'info',
    });
  });

  it('reports an unparsable owner', () => {
    const { spec, findings } = parseSpec(
      entity({}, { owner: 'group:a:b/c/d' }),
    );
    expect(spec.team).toBe('unowned');
    expect(findings.find(f => f.id === 'owner.invalid')).toMatchObject({
      severity: 'error',
    });
  });
});

describe('parseSpec, whole entities', () => {
  it('reads a fully described checkout-like entity', () => {
    const { spec, findings } = parseSpec({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        title: 'Checkout',
        annotations: {
          [ANNOTATIONS.sloAvailability]: '99.9',
          [ANNOTATIONS.sloLatency]: '99% < 300ms',
          [ANNOTATIONS.errorRateThreshold]: '0.5',
          [ANNOTATIONS.latencyP99Threshold]: '300ms',
          [ANNOTATIONS.rateDropThreshold]: '40',
          [ANNOTATIONS.tier]: '1',
          [ANNOTATIONS.runbookUrl]: 'https://runbooks.example.com/checkout',
          [ANNOTATIONS.slackChannel]: '#payments-alerts',
          [FOREIGN_ANNOTATIONS.pagerdutyServiceId]: 'PCHK001',
          [FOREIGN_ANNOTATIONS.pagerdutyIntegrationKey]:
            '0123456789abcdef0123456789abcdef',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/payments',
        system: 'commerce',
      },
    });
    expect(findings).toEqual([]);
    expect(spec).toMatchObject({
      entityRef: 'component:default/checkout',
      title: 'Checkout',
      owner: 'group:default/payments',
      team: 'payments',
      system: 'commerce',
      lifecycle: 'production',
      tier: 'tier-1',
      thresholds: {
        rateDropPercent: { value: 40, source: 'annotation' },
        errorRatePercent: { value: 0.5, source: 'annotation' },
        latencyP99Ms: { value: 300, source: 'annotation' },
      },
      routing: {
        pagerduty: { serviceId: 'PCHK001', hasIntegrationKey: true },
        slackChannel: 'payments-alerts',
      },
    });
    expect(spec.slos.map(s => s.slo)).toEqual(['availability', 'latency']);
    expect(spec.describedAnnotations).toEqual([
      ANNOTATIONS.sloAvailability,
      ANNOTATIONS.sloLatency,
      ANNOTATIONS.rateDropThreshold,
      ANNOTATIONS.errorRateThreshold,
      ANNOTATIONS.latencyP99Threshold,
      ANNOTATIONS.tier,
      ANNOTATIONS.runbookUrl,
      ANNOTATIONS.slackChannel,
    ]);
  });

  it('gives a bare entity the seed defaults and guidance to describe it', () => {
    const { spec, findings } = parseSpec({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'legacy-billing' },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    });
    expect(spec.thresholds).toEqual({
      rateDropPercent: {
        value: DEFAULT_RED_THRESHOLDS.rateDropPercent,
        source: 'default',
      },
      errorRatePercent: {
        value: DEFAULT_RED_THRESHOLDS.errorRatePercent,
        source: 'default',
      },
      latencyP99Ms: {
        value: DEFAULT_RED_THRESHOLDS.latencyP99Ms,
        source: 'default',
      },
    });
    expect(spec.selector).toEqual({
      value: 'service="legacy-billing"',
      source: 'default',
    });
    expect(spec.slos).toEqual([]);
    expect(spec.describedAnnotations).toEqual([]);
    expect(findings.map(f => [f.id, f.severity, f.annotation])).toEqual([
      ['annotation.missing', 'info', ANNOTATIONS.sloAvailability],
      ['annotation.missing', 'info', ANNOTATIONS.runbookUrl],
    ]);
    for (const f of findings)
      expect(f.fix).toMatch(/^metadata:\n {2}annotations:\n/);
  });

  it('turns an entity where every annotation is invalid into one finding per annotation', () => {
    const broken = Object.fromEntries(cases.map(c => [c.key, c.invalid[0]]));
    const result = parseSpec(entity(broken));
    const invalid = invalidFindings(result);
    expect(invalid.map(f => f.annotation).sort()).toEqual(
      cases.map(c => c.key).sort(),
    );
    expect(result.spec.describedAnnotations).toEqual([]);
    expect(result.spec.selector.value).toBe('service="checkout"');
  });

  it('survives entities missing metadata pieces', () => {
    const result = parseSpec({
      apiVersion: 'x',
      kind: 'Component',
      metadata: { name: 'weird name!' },
    } as Entity);
    expect(result.spec.serviceName.value).toBe('weird_name_');
    expect(result.findings.map(f => f.id)).toContain('entity.name-unsafe');
    expect(
      findPromqlSyntaxError(`up{${result.spec.selector.value}}`),
    ).toBeUndefined();
  });
});

describe('parseSpec, properties', () => {
  const keys = [
    ...Object.values(ANNOTATIONS),
    ...Object.values(FOREIGN_ANNOTATIONS),
    'redline.dev/typo',
  ];
  // Values are biased towards near-valid inputs so the parsers' edge cases get exercised, not only garbage.
  const value = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '99.9',
      '100',
      '99% < 300ms',
      'service="a"',
      '{app="b"}',
      'https://x.example.com/{service}',
      '1',
    ),
    fc
      .tuple(
        fc.constantFrom('service', 'env', 'le', '__x', 'a b'),
        fc.constantFrom('=', '!=', '=~', '!~', '=='),
        fc.string(),
      )
      .map(([k, op, v]) => `${k}${op}${JSON.stringify(v)}`),
    fc
      .array(
        fc.constantFrom(
          'service="a"',
          'x=~"(',
          '}',
          '{',
          ',',
          '"',
          "'",
          '`',
          '\\',
          ' or ',
          'vector(1)',
        ),
        { maxLength: 6 },
      )
      .map(a => a.join('')),
  );
  const annotations = fc.dictionary(
    fc.oneof(fc.constantFrom(...keys), fc.string()),
    value,
    { maxKeys: 12 },
  );
  const name = fc.oneof(fc.constant('checkout'), fc.string({ minLength: 1 }));

  it('never throws and always yields a selector that parses as PromQL', () => {
    fc.assert(
      fc.property(
        annotations,
        name,
        fc.option(fc.string(), { nil: undefined }),
        (ann, entityName, owner) => {
          const { spec, findings } = parseSpec({
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: entityName, annotations: ann },
            spec: { owner },
          });
          expect(
            findPromqlSyntaxError(`up{${spec.selector.value}}`),
          ).toBeUndefined();
          expect(spec.selector.value.length).toBeGreaterThan(0);
          for (const f of findings) expect(typeof f.message).toBe('string');
          for (const slo of spec.slos) {
            expect(slo.objectivePercent).toBeGreaterThan(0);
            expect(slo.objectivePercent).toBeLessThan(100);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('webhook URLs Alertmanager cannot read', () => {
  it('says which escape Go rejects', () => {
    const [finding] = invalidFindings(
      only(ANNOTATIONS.alertWebhook, 'https://hooks.example.com/%TAG'),
    );
    expect(finding.message).toContain(
      'must be an absolute http:// or https:// URL; it has an invalid percent-escape "%TA" (write a literal % as %25)',
    );
  });
});

describe('ownerRefOf', () => {
  const withOwner = (owner: unknown, namespace?: string) =>
    ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
      spec: { owner },
    } as any);

  it('is the owner parseSpec reads, as a full ref', () => {
    expect(ownerRefOf(withOwner('payments'))).toBe('group:default/payments');
    expect(ownerRefOf(withOwner('payments', 'ops'))).toBe('group:ops/payments');
    expect(ownerRefOf(withOwner('user:default/alice'))).toBe(
      'user:default/alice',
    );
    for (const owner of ['payments', 'user:default/alice'])
      expect(parseSpec(withOwner(owner)).spec.owner).toBe(
        ownerRefOf(withOwner(owner)),
      );
  });

  it('is undefined when missing or not a valid ref', () => {
    for (const owner of [undefined, '', 42, 'group:default/bad name'])
      expect(ownerRefOf(withOwner(owner))).toBeUndefined();
  });
});
