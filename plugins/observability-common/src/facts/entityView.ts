import { isInstanceOf, prometheusAlertNames } from '../check/deployedRules';
import type { CheckResult, EntityFacts, FiringAlert } from '../check/types';
import type { EntityDescription } from '../describe/describeEntity';
import { chooseDesignLevel } from '../generate/output';
import { artifactFileInfo, GeneratedArtifacts } from '../generate/types';
import type { AlertView, EntityViewResponse } from '../types';
import type { GatheredFacts } from './FactCycle';

/** Each generated alert with its deployed and firing state. @public */
export function alertViews(
  artifacts: GeneratedArtifacts,
  facts: EntityFacts,
): AlertView[] {
  const firing =
    facts.firingAlerts?.status === 'ok'
      ? facts.firingAlerts.alerts.filter(a => a.state === 'firing')
      : [];
  const loaded =
    facts.deployedRules?.status === 'ok'
      ? new Set(facts.deployedRules.loadedAlerts)
      : undefined;
  // Alerts that go elsewhere (the Loki log fallback) cannot be seen in Prometheus.
  const inPrometheus = new Set(prometheusAlertNames(artifacts));
  return artifacts.alerts.map(alert => {
    let deployed: AlertView['deployed'] = 'unknown';
    if (loaded && inPrometheus.has(alert.name))
      deployed = loaded.has(alert.name) ? 'yes' : 'no';
    const { annotations: _texts, runbookPath: _path, ...shown } = alert;
    return {
      ...shown,
      deployed,
      firing: firing.some(live => isInstanceOf(alert, live)),
    };
  });
}

/**
 * The tab's view of an entity, built from the describe step, the gathered
 * facts and the checks: the backend answers with it, and the frontend's test
 * fixtures are built with it from the demo catalog.
 * @public
 */
export function toEntityView(input: {
  entityRef: string;
  description: EntityDescription;
  gathered: GatheredFacts;
  checks: CheckResult[];
  live?: EntityViewResponse['live'];
  canApply: boolean;
}): EntityViewResponse {
  const { description, gathered } = input;
  const { spec, artifacts } = description;
  const { facts, alerts } = gathered;
  const { level, reason } = chooseDesignLevel(spec);
  const {
    describedAnnotations: _parsed,
    thresholds: _thresholds,
    routing: _routing,
    metrics: _metrics,
    ...shownSpec
  } = spec;
  return {
    entityRef: input.entityRef,
    spec: shownSpec,
    redTargets: description.redTargets.map(
      ({ alertExpr: _written, ...shown }) => shown,
    ),
    ...(input.live ? { live: input.live } : {}),
    alerts: alertViews(artifacts, facts),
    runbooks: artifacts.runbooks.map(({ alert, title, path }) => ({
      alert,
      title,
      path,
    })),
    artifacts: artifacts.files.map(artifactFileInfo),
    design: { level, reason },
    checks: input.checks,
    confidence: artifacts.confidence,
    findings: description.findings,
    firing: {
      ...(alerts.status === 'ok'
        ? { status: 'ok' as const }
        : { status: 'unknown' as const, reason: alerts.reason ?? 'unknown' }),
      ...(alerts.source ? { source: alerts.source } : {}),
      alerts: alerts.alerts.map(shownFiringAlert),
    },
    deployedRules: deployedRulesStatus(facts),
    ...(facts.lintFindings ? { lintFindings: facts.lintFindings } : {}),
    canApply: input.canApply,
  };
}

function deployedRulesStatus(
  facts: EntityFacts,
): EntityViewResponse['deployedRules'] {
  const fact = facts.deployedRules;
  if (!fact) return { status: 'unknown', reason: 'No Prometheus was asked.' };
  return fact.status === 'unknown'
    ? { status: 'unknown', reason: fact.reason }
    : { status: 'ok' };
}

/** Annotations of a live alert the tab shows; descriptions stay in Alertmanager. */
const SHOWN_ANNOTATIONS = ['summary', 'runbook_url', 'dashboard_url'];

function shownFiringAlert(alert: FiringAlert): FiringAlert {
  return {
    ...alert,
    annotations: Object.fromEntries(
      Object.entries(alert.annotations).filter(([key]) =>
        SHOWN_ANNOTATIONS.includes(key),
      ),
    ),
  };
}
