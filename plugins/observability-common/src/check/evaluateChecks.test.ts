import { makeBareSpec, makeSpec } from '../generate/__testUtils__/makeSpec';
import { generateAlertmanagerFragment } from '../generate/alertmanager';
import type { GeneratedAlert, GeneratedArtifacts } from '../generate/types';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { metricsUnavailable } from '../facts/FactCycle';
import { alertmanagerConfigFact } from './alertmanagerStatus';
import { deployedRulesFact } from './deployedRules';
import { evaluateChecks, summarizeChecks } from './evaluateChecks';
import type { CheckResult, EntityFacts } from './types';

function alert(
  spec: ObservabilitySpec,
  name: string,
  key = name,
): GeneratedAlert {
  return {
    name,
    key,
    severity: 'critical',
    expr: 'vector(1)',
    labels: {
      severity: 'critical',
      service: spec.serviceName.value,
      team: spec.team,
    },
    annotations: {},
    runbookUrl: 'https://runbooks.example.com/x',
    runbookPath: `runbooks/${name}.md`,
  };
}

/** Artifacts with a real Alertmanager fragment from the real generator. */
function artifactsFor(
  spec: ObservabilitySpec,
  overrides: Partial<GeneratedArtifacts> = {},
): GeneratedArtifacts {
  const { fragment, findings } = generateAlertmanagerFragment(
    spec,
    DEFAULT_GENERATOR_CONFIG,
  );
  const prometheusAlerts = [
    alert(spec, 'HighErrorRate'),
    alert(spec, 'HighLatencyP99'),
    alert(spec, 'SLOErrorBudgetBurn', 'SLOErrorBudgetBurn:availability:fast'),
    alert(spec, 'SLOErrorBudgetBurn', 'SLOErrorBudgetBurn:availability:slow'),
  ];
  // The log-based fallback goes to the Loki ruler, not into the Prometheus rule file.
  const alerts = [...prometheusAlerts, alert(spec, 'LogErrorRateFallback')];
  return {
    entityRef: spec.entityRef,
    serviceName: spec.serviceName.value,
    rules: {
      groups: [
        {
          name: 'red',
          rules: [
            {
              record: 'service:http_requests:rate5m',
              expr: `sum by (service) (rate(http_requests_total{${spec.selector.value}}[5m]))`,
            },
            ...prometheusAlerts.map(a => ({
              alert: a.name,
              expr: a.expr,
              labels: a.labels,
              annotations: a.annotations,
            })),
          ],
        },
      ],
    },
    alerts,
    runbooks: [],
    alertmanager: fragment,
    files: [],
    output: {
      observability_design: { pillars: [], tools: [], dashboards: [] },
      configuration: [],
      alerts: [],
      runbooks: [],
      confidence_score: 0.5,
    },
    confidence: { score: 0.5, factors: [] },
    findings,
    ...overrides,
  };
}

function byId(checks: CheckResult[], id: string): CheckResult {
  const found = checks.find(c => c.id === id);
  if (!found)
    throw new Error(`no check ${id} in ${checks.map(c => c.id).join(', ')}`);
  return found;
}

function run(
  spec: ObservabilitySpec,
  facts: EntityFacts = {},
  findings: Finding[] = [],
  artifacts = artifactsFor(spec),
) {
  // Spec findings reach the checks the way describeEntity passes them: in
  // the artifacts' one deduplicated list.
  return evaluateChecks(
    spec,
    {
      ...artifacts,
      findings: [...findings, ...artifacts.findings],
    },
    facts,
  );
}

describe('evaluateChecks', () => {
  const spec = makeSpec();

  it('gives every check a status and never throws on empty facts', () => {
    const checks = run(spec);
    expect(checks.length).toBeGreaterThan(8);
    for (const c of checks) {
      expect(['pass', 'warn', 'fail', 'unknown']).toContain(c.status);
      expect(c.message.length).toBeGreaterThan(0);
    }
    expect(new Set(checks.map(c => c.id)).size).toBe(checks.length);
  });

  describe('ownership.owner-exists', () => {
    it.each([
      [{ ownerExists: true }, 'pass'],
      [{ ownerExists: false }, 'fail'],
      [{}, 'unknown'],
    ] as const)('%j -> %s', (facts, status) => {
      expect(byId(run(spec, facts), 'ownership.owner-exists').status).toBe(
        status,
      );
    });

    it('fails with a spec.owner snippet when there is no owner', () => {
      const c = byId(
        run(makeBareSpec(), { ownerExists: true }),
        'ownership.owner-exists',
      );
      expect(c.status).toBe('fail');
      expect(c.fix).toContain('spec:\n  owner:');
    });
  });

  describe('runbook.links-answer', () => {
    it('passes when every link answers', () => {
      const c = byId(
        run(spec, { runbooks: [{ url: 'https://a', ok: true, status: 200 }] }),
        'runbook.links-answer',
      );
      expect(c.status).toBe('pass');
    });
    it('fails naming the broken link and its status', () => {
      const c = byId(
        run(spec, {
          runbooks: [
            { url: 'https://a', ok: true, status: 200 },
            { url: 'https://wiki.example.com/gone', ok: false, status: 404 },
            {
              url: 'https://slow.example.com',
              ok: false,
              error: 'timeout after 3000ms',
            },
          ],
        }),
        'runbook.links-answer',
      );
      expect(c.status).toBe('fail');
      expect(c.message).toContain('https://wiki.example.com/gone (404)');
      expect(c.message).toContain('timeout after 3000ms');
    });
    it('is unknown, not failed, when the host was not allowed to be contacted', () => {
      const skipped = {
        url: 'https://wiki.example.com/rb',
        ok: false,
        skipped: 'host not allowed',
        error: 'host not allowed',
      };
      const c = byId(
        run(spec, { runbooks: [skipped] }),
        'runbook.links-answer',
      );
      expect(c.status).toBe('unknown');
      expect(c.message).toContain('host not allowed');
      expect(c.fix).toContain('allowedHosts');
      const mixed = byId(
        run(spec, {
          runbooks: [
            skipped,
            { url: 'https://ok.example.com', ok: true, status: 200 },
          ],
        }),
        'runbook.links-answer',
      );
      expect(mixed.status).toBe('pass');
      expect(mixed.message).toContain(
        'Not probed: https://wiki.example.com/rb',
      );
    });
    it('is unknown when a runbook URL exists but was not probed', () => {
      expect(byId(run(spec), 'runbook.links-answer').status).toBe('unknown');
    });
    it('passes without a runbook URL (generated runbooks are served)', () => {
      const bare = makeSpec({ links: {} });
      expect(byId(run(bare), 'runbook.links-answer').status).toBe('pass');
    });
  });

  describe('routing.owner-route', () => {
    it('passes when the generated route for the team has a receiver with integrations', () => {
      const c = byId(run(spec), 'routing.owner-route');
      expect(c.status).toBe('pass');
      expect(c.message).toContain('team="payments"');
      expect(c.message).toMatch(/pagerduty|slack/);
    });

    it('warns when critical alerts page nobody (only a Slack channel)', () => {
      const slackOnly = makeSpec({
        routing: { slackChannel: 'payments-alerts' },
      });
      const c = byId(run(slackOnly), 'routing.owner-route');
      expect(c.status).toBe('warn');
      expect(c.fix).toContain('pagerduty.com/integration-key');
    });

    it('fails when the receiver notifies nobody', () => {
      const silent = makeSpec({ routing: {} });
      const c = byId(run(silent), 'routing.owner-route');
      expect(c.status).toBe('fail');
      expect(c.message).toContain('notifies nobody');
    });

    it('fails when no route matches the team', () => {
      const other = artifactsFor(makeSpec({ team: 'someone-else' }));
      const c = byId(
        run(spec, {}, [], { ...other, alerts: artifactsFor(spec).alerts }),
        'routing.owner-route',
      );
      expect(c.status).toBe('fail');
      expect(c.message).toContain(
        'No Alertmanager route matches team="payments"',
      );
    });

    it('fails when the route points at an undefined receiver', () => {
      const artifacts = artifactsFor(spec);
      artifacts.alertmanager = {
        ...artifacts.alertmanager!,
        route: { ...artifacts.alertmanager!.route, receiver: 'ghost' },
      };
      const c = byId(run(spec, {}, [], artifacts), 'routing.owner-route');
      expect(c.status).toBe('fail');
      expect(c.message).toContain('"ghost"');
    });

    it('fails when an alert lacks the team label', () => {
      const artifacts = artifactsFor(spec);
      artifacts.alerts[0] = {
        ...artifacts.alerts[0],
        labels: { severity: 'critical' },
      };
      const c = byId(run(spec, {}, [], artifacts), 'routing.owner-route');
      expect(c.status).toBe('fail');
      expect(c.message).toContain('HighErrorRate');
    });

    it('says it checked the generated configuration when no Alertmanager is configured', () => {
      expect(byId(run(spec), 'routing.owner-route').message).toContain(
        'Checked in the generated configuration (no Alertmanager is configured',
      );
    });

    describe('against the running Alertmanager', () => {
      const running = (yaml: string) =>
        alertmanagerConfigFact('prod', { config: { original: yaml } });

      it('passes on the running route and names the instance checked', () => {
        const c = byId(
          run(spec, {
            alertmanagerConfig: running(
              'route:\n  receiver: default\n  routes:\n    - matchers: [\'team="payments"\']\n      receiver: payments-pager\nreceivers:\n  - name: default\n  - name: payments-pager\n    pagerduty_configs:\n      - routing_key: x\n',
            ),
          }),
          'routing.owner-route',
        );
        expect(c.status).toBe('pass');
        expect(c.message).toBe(
          'Alerts for team="payments" go to receiver "payments-pager" (pagerduty). Checked in the running Alertmanager "prod" (its loaded configuration).',
        );
      });

      it('fails when the running configuration lacks the route the generated one has', () => {
        const generated = byId(run(spec), 'routing.owner-route');
        expect(generated.status).toBe('pass');
        const c = byId(
          run(spec, {
            alertmanagerConfig: running(
              'route:\n  receiver: devnull\nreceivers:\n  - name: devnull\n',
            ),
          }),
          'routing.owner-route',
        );
        expect(c.status).toBe('fail');
        expect(c.message).toContain(
          'No Alertmanager route matches team="payments"',
        );
        expect(c.message).toContain('running Alertmanager "prod"');
        expect(c.fix).toContain(
          'Apply the generated Alertmanager configuration',
        );
      });

      it('is unknown, naming the instance and why, when it could not be read', () => {
        const c = byId(
          run(spec, {
            alertmanagerConfig: {
              status: 'unknown',
              source: 'prod',
              reason: 'connect ECONNREFUSED',
            },
          }),
          'routing.owner-route',
        );
        expect(c.status).toBe('unknown');
        expect(c.message).toContain(
          'Checked in the generated configuration only: the running Alertmanager "prod" could not be read (connect ECONNREFUSED).',
        );
      });
    });

    it('fails for an unowned entity and is unknown without an Alertmanager fragment', () => {
      expect(byId(run(makeBareSpec()), 'routing.owner-route').status).toBe(
        'fail',
      );
      const none = artifactsFor(spec, { alertmanager: undefined });
      expect(byId(run(spec, {}, [], none), 'routing.owner-route').status).toBe(
        'unknown',
      );
    });
  });

  describe('deployment.rules-loaded', () => {
    const ok = (loadedAlerts: string[]): EntityFacts => ({
      deployedRules: {
        status: 'ok',
        loadedAlerts,
        loadedRecords: ['service:http_requests:rate5m'],
      },
    });
    it('passes when every generated alert name is loaded', () => {
      const c = byId(
        run(
          spec,
          ok(['HighErrorRate', 'HighLatencyP99', 'SLOErrorBudgetBurn']),
        ),
        'deployment.rules-loaded',
      );
      expect(c.status).toBe('pass');
      expect(
        summarizeChecks(
          run(
            spec,
            ok(['HighErrorRate', 'HighLatencyP99', 'SLOErrorBudgetBurn']),
          ),
        ).rulesDeployed,
      ).toBe('yes');
    });
    it('warns naming the missing ones when some are loaded', () => {
      const c = byId(
        run(spec, ok(['HighErrorRate'])),
        'deployment.rules-loaded',
      );
      expect(c.status).toBe('warn');
      expect(c.message).toContain('HighLatencyP99');
      expect(c.message).toContain('SLOErrorBudgetBurn');
    });
    it('does not expect the Loki-only fallback alert in Prometheus', () => {
      const c = byId(
        run(
          spec,
          ok(['HighErrorRate', 'HighLatencyP99', 'SLOErrorBudgetBurn']),
        ),
        'deployment.rules-loaded',
      );
      expect(c.message).not.toContain('LogErrorRateFallback');
      // Counted as the alert table lists them: one per rule, not per name.
      expect(c.message).toBe(
        'All 4 alerting rules and 1 recording rule are loaded in Prometheus. 1 log-based alert runs in the Loki ruler and is not checked here.',
      );
    });
    it('warns naming the recording rules that are not loaded', () => {
      const c = byId(
        run(spec, {
          deployedRules: {
            status: 'ok',
            loadedAlerts: [
              'HighErrorRate',
              'HighLatencyP99',
              'SLOErrorBudgetBurn',
            ],
            loadedRecords: [],
          },
        }),
        'deployment.rules-loaded',
      );
      expect(c.status).toBe('warn');
      expect(c.message).toContain(
        'Recording rules not loaded: service:http_requests:rate5m',
      );
    });
    it('fails when none is loaded', () => {
      const checks = run(spec, ok([]));
      expect(byId(checks, 'deployment.rules-loaded').status).toBe('fail');
      expect(summarizeChecks(checks).rulesDeployed).toBe('no');
    });
    it('is unknown with the reason when Prometheus did not answer', () => {
      const checks = run(spec, {
        deployedRules: {
          status: 'unknown',
          reason: 'prometheus "main": connection refused',
        },
      });
      const c = byId(checks, 'deployment.rules-loaded');
      expect(c.status).toBe('unknown');
      expect(c.message).toContain('connection refused');
      expect(summarizeChecks(checks).rulesDeployed).toBe('unknown');
    });
  });

  describe('metrics.exist', () => {
    it('passes when all RED metrics exist', () => {
      const c = byId(
        run(spec, {
          metrics: {
            status: 'ok',
            present: ['http_requests_total'],
            missing: [],
          },
        }),
        'metrics.exist',
      );
      expect(c.status).toBe('pass');
    });
    it('warns when some are missing', () => {
      const c = byId(
        run(spec, {
          metrics: {
            status: 'ok',
            present: ['http_requests_total'],
            missing: ['http_request_duration_seconds_bucket'],
          },
        }),
        'metrics.exist',
      );
      expect(c.status).toBe('warn');
      expect(c.message).toContain('http_request_duration_seconds_bucket');
    });
    it('fails when none exist, with a fix naming the selector', () => {
      const c = byId(
        run(spec, {
          metrics: {
            status: 'ok',
            present: [],
            missing: ['http_requests_total'],
          },
        }),
        'metrics.exist',
      );
      expect(c.status).toBe('fail');
      expect(c.fix).toContain('service="checkout"');
    });
    it("warns with the gatherer's reason, said once and never nested in itself", () => {
      const withLogs = makeSpec();
      const { reason } = metricsUnavailable(
        withLogs,
        'timeout after 3 attempts',
      );
      const c = byId(
        run(withLogs, {
          metrics: { status: 'unknown', reason, fallback: 'logs' },
        }),
        'metrics.exist',
      );
      expect(c.status).toBe('warn');
      expect(c.message).toBe(reason);
      expect(c.message).toContain('Using log-based metrics as fallback');
      expect(c.message.match(/Metric collection failed/g)).toHaveLength(1);
    });
    it('is unknown with the reason without a fallback', () => {
      const c = byId(
        run(spec, {
          metrics: { status: 'unknown', reason: 'no Prometheus configured' },
        }),
        'metrics.exist',
      );
      expect(c.status).toBe('unknown');
      expect(c.message).toBe('no Prometheus configured');
    });
  });

  describe('alerts.firing', () => {
    const firing = (
      severity: string,
      state: 'firing' | 'pending' = 'firing',
    ): EntityFacts => ({
      firingAlerts: {
        status: 'ok',
        alerts: [
          {
            name: 'HighErrorRate',
            severity,
            state,
            labels: {},
            annotations: {},
            count: 3,
          },
        ],
      },
    });
    it('passes when nothing fires (pending noted)', () => {
      const c = byId(run(spec, firing('critical', 'pending')), 'alerts.firing');
      expect(c.status).toBe('pass');
      expect(c.message).toContain('1 pending');
    });
    it('warns on a firing warning and fails on a firing critical', () => {
      expect(byId(run(spec, firing('warning')), 'alerts.firing').status).toBe(
        'warn',
      );
      const c = byId(run(spec, firing('critical')), 'alerts.firing');
      expect(c.status).toBe('fail');
      expect(c.message).toContain('HighErrorRate ×3');
    });
    it('is unknown without facts or with a reason', () => {
      expect(byId(run(spec), 'alerts.firing').status).toBe('unknown');
      expect(
        byId(
          run(spec, { firingAlerts: { status: 'unknown', reason: 'down' } }),
          'alerts.firing',
        ).message,
      ).toBe('down');
    });
  });

  describe('lint.rules', () => {
    const lint = (severity: 'error' | 'warning' | 'info'): EntityFacts => ({
      lintFindings: [
        {
          ruleId: 'cause-not-symptom',
          severity,
          message: 'CPU usage alert',
          location: 'rules.yaml:3',
        },
      ],
    });
    it.each([
      ['error', 'fail'],
      ['warning', 'warn'],
      ['info', 'pass'],
    ] as const)('%s finding -> %s', (severity, status) => {
      expect(byId(run(spec, lint(severity)), 'lint.rules').status).toBe(status);
    });
    it('is unknown when not linted', () => {
      expect(byId(run(spec), 'lint.rules').status).toBe('unknown');
    });
  });

  describe('metadata checks', () => {
    it('passes annotations that are set and valid', () => {
      const checks = run(spec);
      expect(byId(checks, 'metadata.slo').status).toBe('pass');
      expect(byId(checks, 'metadata.runbook-url').status).toBe('pass');
      expect(byId(checks, 'metadata.slack-channel').status).toBe('pass');
    });

    it('warns about missing recommended annotations with a YAML fix', () => {
      const checks = run(makeBareSpec());
      const slo = byId(checks, 'metadata.slo');
      expect(slo.status).toBe('warn');
      expect(slo.fix).toBe(
        'metadata:\n  annotations:\n    redline.dev/slo-availability: "99.9"\n    redline.dev/slo-latency: "99% < 300ms"',
      );
      expect(byId(checks, 'metadata.tier').status).toBe('warn');
      expect(byId(checks, 'metadata.log-selector').fix).toContain(
        'redline.dev/log-selector',
      );
    });

    it('passes missing annotations that have seed defaults, naming the default', () => {
      const checks = run(makeBareSpec());
      const errorRate = byId(checks, 'metadata.error-rate-threshold');
      expect(errorRate.status).toBe('pass');
      expect(errorRate.message).toContain('1 %');
      expect(byId(checks, 'metadata.latency-p99-threshold').message).toContain(
        '500 ms',
      );
      // Optional routing annotations produce no check when absent.
      expect(
        checks.find(c => c.id === 'metadata.slack-channel'),
      ).toBeUndefined();
    });

    it('fails an invalid annotation with the finding message and its fix', () => {
      const finding: Finding = {
        id: 'annotation.invalid',
        severity: 'error',
        message:
          'redline.dev/slo-availability must be a number of percent such as "99.9"',
        annotation: 'redline.dev/slo-availability',
        value: 'very high',
        expected: 'a percentage in (0, 100)',
        fix: 'metadata:\n  annotations:\n    redline.dev/slo-availability: "99.9"',
      };
      const c = byId(run(makeBareSpec(), {}, [finding]), 'metadata.slo');
      expect(c.status).toBe('fail');
      expect(c.message).toContain('"very high"');
      expect(c.message).toContain('a percentage in (0, 100)');
      expect(c.fix).toBe(finding.fix);
    });

    it('warns on a warning finding and builds a snippet when the finding has none', () => {
      const c = byId(
        run(spec, {}, [
          {
            id: 'annotation.invalid',
            severity: 'warning',
            message: 'odd tier',
            annotation: 'redline.dev/tier',
          },
        ]),
        'metadata.tier',
      );
      expect(c.status).toBe('warn');
      expect(c.fix).toBe(
        'metadata:\n  annotations:\n    redline.dev/tier: "tier-1"',
      );
    });

    it('gives foreign annotations and generation findings their own checks', () => {
      const checks = run(spec, {}, [
        {
          id: 'annotation.invalid',
          severity: 'error',
          message: 'bad id',
          annotation: 'pagerduty.com/service-id',
          expected: 'P followed by letters',
        },
        {
          id: 'slo.tier-skipped',
          severity: 'warning',
          message: 'long tier skipped at 99.999 %',
        },
      ]);
      expect(byId(checks, 'metadata.pagerduty.com/service-id').status).toBe(
        'fail',
      );
      const gen = byId(checks, 'metadata.generation');
      expect(gen.status).toBe('warn');
      expect(gen.message).toContain('long tier skipped');
    });
  });

  describe('summarizeChecks', () => {
    it('counts failures and names the first one in evaluation order', () => {
      const summary = summarizeChecks(
        run(makeBareSpec(), { ownerExists: false }),
      );
      expect(summary.failing).toBeGreaterThanOrEqual(2);
      expect(summary.topFailingCheck).toBe('Owner exists');
    });
  });
});

describe('deployedRulesFact', () => {
  const spec = makeSpec();
  const artifacts = artifactsFor(spec);

  it("keeps only the generated names among the service's loaded rules", () => {
    const fact = deployedRulesFact(
      [
        { type: 'alerting', name: 'HighErrorRate' },
        { type: 'alerting', name: 'SomethingElse' },
        { type: 'recording', name: 'service:http_requests:rate5m' },
        { type: 'recording', name: 'other:record' },
      ],
      artifacts,
    );
    expect(fact).toEqual({
      status: 'ok',
      loadedAlerts: ['HighErrorRate'],
      loadedRecords: ['service:http_requests:rate5m'],
    });
  });
});
