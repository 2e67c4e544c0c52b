/**
 * Entity views as the backend answers them, built by the backend's own code:
 * demo-catalog entity → `describeEntity` → facts stated per scenario →
 * `evaluateChecks` → `toEntityView`. Only the facts (what Prometheus,
 * Alertmanager and the catalog would say) are written here; everything the
 * generator emits — artifact ids and paths, alerts, runbooks, confidence,
 * findings, checks — is whatever the real code makes of the demo catalog.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEFAULT_GENERATOR_CONFIG,
  deployedRulesFact,
  describeEntity,
  evaluateChecks,
  formatLintLocation,
  fromAlertmanager,
  groupAlerts,
  lintRuleGroups,
  metricsUnavailable,
  toEntityView,
  type AlertmanagerApiAlert,
  type EntityAlerts,
  type EntityDescription,
  type EntityFacts,
  type EntityViewResponse,
  type GeneratedAlert,
  type LintableRuleGroup,
  type LoadedRule,
  type RunbookResponse,
} from '@redline/backstage-plugin-observability-common';
import { catalogEntity } from './demoCatalog';

export { catalogEntity } from './demoCatalog';

/** What the fact gatherer and the live-values step found for one entity. */
export interface DemoFacts {
  facts: EntityFacts;
  alerts: EntityAlerts;
  live?: EntityViewResponse['live'];
  canApply: boolean;
}

const descriptions = new Map<string, EntityDescription>();

/** The describe step's output for a demo-catalog Component. */
export function demoDescription(name: string): EntityDescription {
  let description = descriptions.get(name);
  if (!description) {
    description = describeEntity(catalogEntity(name), DEFAULT_GENERATOR_CONFIG);
    descriptions.set(name, description);
  }
  return description;
}

/** The tab's view of a demo-catalog Component under the given facts. */
export function demoView(
  name: string,
  factsFor: (description: EntityDescription) => DemoFacts,
): EntityViewResponse {
  const description = demoDescription(name);
  const { facts, alerts, live, canApply } = factsFor(description);
  return toEntityView({
    entityRef: stringifyEntityRef(catalogEntity(name)),
    description,
    gathered: { facts, alerts },
    checks: evaluateChecks(description.spec, description.artifacts, facts),
    live,
    canApply,
  });
}

/** What the runbook route serves for one of the entity's generated runbooks. */
export function demoRunbook(name: string, alert: string): RunbookResponse {
  const runbook = demoDescription(name).artifacts.runbooks.find(
    r => r.alert === alert,
  );
  if (!runbook) throw new Error(`${name} has no generated runbook ${alert}`);
  return {
    entityRef: stringifyEntityRef(catalogEntity(name)),
    ...runbook,
  };
}

function generatedAlert(
  description: EntityDescription,
  key: string,
): GeneratedAlert {
  const alert = description.artifacts.alerts.find(a => a.key === key);
  if (!alert) throw new Error(`No generated alert ${key}`);
  return alert;
}

/** Every rule of the generated rule file, as Prometheus lists it once loaded. */
function generatedRules(description: EntityDescription): LoadedRule[] {
  return description.artifacts.rules.groups.flatMap(group =>
    group.rules.map(rule =>
      'alert' in rule
        ? {
            type: 'alerting' as const,
            name: rule.alert,
            labels: rule.labels,
            query: rule.expr,
            group: group.name,
          }
        : {
            type: 'recording' as const,
            name: rule.record,
            labels: rule.labels ?? {},
            query: rule.expr,
            group: group.name,
          },
    ),
  );
}

/** Alertmanager's view of a generated alert, sent by one Prometheus replica. */
function alertmanagerAlert(
  alert: GeneratedAlert,
  replica: string,
  state: AlertmanagerApiAlert['status']['state'],
  startsAt: string,
): AlertmanagerApiAlert {
  return {
    fingerprint: `${alert.key}@${replica}`,
    labels: {
      alertname: alert.name,
      ...alert.labels,
      prometheus_replica: replica,
    },
    annotations: alert.annotations,
    startsAt,
    status: { state },
  };
}

/** Rules the payments team wrote by hand before Redline; the linter sees them too. */
const checkoutHandWrittenRules: LintableRuleGroup[] = [
  {
    name: 'checkout-legacy',
    rules: [
      {
        alert: 'CheckoutHighCpu',
        expr: 'avg(rate(process_cpu_seconds_total{service="checkout"}[5m])) > 0.9',
        for: '10m',
        labels: { severity: 'critical', service: 'checkout' },
        annotations: { summary: 'checkout burns CPU' },
      },
    ],
  },
];

/**
 * `checkout`, with Prometheus and Alertmanager answering: every generated
 * rule is loaded except `HighLatencyP99`, `HighErrorRate` fires (seen from
 * both Prometheus replicas), a fast SLO burn is silenced, and a hand-written
 * CPU rule draws lint findings.
 */
export const checkoutView: EntityViewResponse = demoView(
  'checkout',
  description => {
    const { spec, artifacts } = description;
    const loaded = generatedRules(description).filter(
      rule => rule.name !== 'HighLatencyP99',
    );
    const highErrorRate = generatedAlert(description, 'HighErrorRate');
    const fastBurn = generatedAlert(
      description,
      'SLOErrorBudgetBurn:availability:fast',
    );
    const raw = fromAlertmanager([
      alertmanagerAlert(
        highErrorRate,
        'prometheus-0',
        'active',
        '2026-11-25T04:00:00Z',
      ),
      alertmanagerAlert(
        highErrorRate,
        'prometheus-1',
        'active',
        '2026-11-25T04:00:30Z',
      ),
      alertmanagerAlert(
        fastBurn,
        'prometheus-0',
        'suppressed',
        '2026-11-25T03:50:00Z',
      ),
    ]);
    const firing = groupAlerts(raw);
    return {
      facts: {
        ownerExists: true,
        runbooks: [{ url: spec.links.runbookUrl!, ok: true, status: 200 }],
        deployedRules: deployedRulesFact(
          [...loaded, { type: 'alerting', name: 'CheckoutHighCpu' }],
          artifacts,
        ),
        metrics: {
          status: 'ok',
          present: [
            spec.metrics.requestsTotal,
            `${spec.metrics.durationHistogram}_bucket`,
          ],
          missing: [],
        },
        firingAlerts: { status: 'ok', alerts: firing },
        lintFindings: lintRuleGroups(
          checkoutHandWrittenRules,
          'prometheus:default',
        ).map(f => ({
          ruleId: f.ruleId,
          severity: f.severity,
          message: f.message,
          location: formatLintLocation(f.location),
          fix: f.fix,
        })),
      },
      alerts: {
        status: 'ok',
        source: 'alertmanager',
        alerts: firing,
        rawCount: raw.length,
        storm: false,
      },
      live: {
        status: 'ok',
        values: [
          {
            signal: 'rate',
            value: 12.5,
            unit: 'req/s',
            trend: [
              [1764043200, 11],
              [1764043260, 12],
              [1764043320, 12.5],
            ],
          },
          {
            signal: 'errors',
            value: 0.21,
            trend: [
              [1764043200, 0.1],
              [1764043260, 0.3],
              [1764043320, 0.21],
            ],
          },
          {
            signal: 'duration',
            value: 245,
            trend: [
              [1764043200, 230],
              [1764043260, 260],
              [1764043320, 245],
            ],
          },
        ],
      },
      canApply: true,
    };
  },
);

/** Why Prometheus is unknown in {@link legacyBillingView}. */
export const PROMETHEUS_DOWN =
  'GET http://prometheus:9090/api/v1/rules failed: connect ECONNREFUSED after 3 attempts';

/**
 * `legacy-billing`: no observability metadata at all (seed defaults only),
 * and its Prometheus did not answer, so everything live is unknown.
 */
export const legacyBillingView: EntityViewResponse = demoView(
  'legacy-billing',
  ({ spec }) => {
    const metrics = metricsUnavailable(spec, PROMETHEUS_DOWN);
    return {
      facts: {
        ownerExists: true,
        runbooks: [],
        deployedRules: { status: 'unknown', reason: PROMETHEUS_DOWN },
        metrics: { status: 'unknown', reason: metrics.reason },
        firingAlerts: { status: 'unknown', reason: PROMETHEUS_DOWN },
      },
      alerts: {
        status: 'unknown',
        reason: PROMETHEUS_DOWN,
        alerts: [],
        rawCount: 0,
        storm: false,
      },
      live: { ...metrics, values: [] },
      canApply: false,
    };
  },
);

/** Why nothing live is known in {@link brokenAnnotationsView}: what the gatherer says with no sources. */
export const NO_LIVE_SOURCES = 'No Alertmanager or Prometheus is configured.';

/**
 * `broken-annotations`: an invalid value in every annotation, so findings
 * rather than a crash; no Prometheus or Alertmanager is configured.
 */
export const brokenAnnotationsView: EntityViewResponse = demoView(
  'broken-annotations',
  () => ({
    facts: { ownerExists: true },
    alerts: {
      status: 'unknown',
      reason: NO_LIVE_SOURCES,
      alerts: [],
      rawCount: 0,
      storm: false,
    },
    canApply: false,
  }),
);
