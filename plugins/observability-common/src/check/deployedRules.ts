/**
 * Matching one Prometheus rules snapshot to an entity. The backend asks each
 * Prometheus for `/api/v1/rules` once per cycle and calls this for every
 * entity, instead of one HTTP call per entity.
 */
import type { GeneratedAlert, GeneratedArtifacts } from '../generate/types';
import type { ObservabilitySpec } from '../spec/types';
import type { DeployedRulesSnapshot, EntityFacts, LoadedRule } from './types';

function belongsTo(rule: LoadedRule, spec: ObservabilitySpec): boolean {
  const label = spec.metrics.serviceLabel;
  if (rule.labels[label] !== undefined) {
    return rule.labels[label] === spec.serviceName.value;
  }
  // RED recording rules carry no static service label: they are recognised
  // by the entity's selector inside their query.
  return rule.query.includes(spec.selector.value);
}

/**
 * Names of the generated alerts that belong in Prometheus: those in the rule
 * file. The log-based fallback alert goes to the Loki ruler instead, so it can
 * never be "loaded" in Prometheus and must not be expected there.
 * @public
 */
export function prometheusAlertNames(artifacts: GeneratedArtifacts): string[] {
  const names = new Set<string>();
  for (const group of artifacts.rules.groups) {
    for (const rule of group.rules) {
      if ('alert' in rule) names.add(rule.alert);
    }
  }
  return [...names].sort();
}

/** Labels that tell apart generated alerts sharing a name (SLOs, burn windows). */
const DISTINGUISHING_LABELS = ['slo', 'burn_window'];

/**
 * Whether a live alert is an instance of a generated one: same name and the
 * same SLO and burn window where the generated alert has them, so a burning
 * availability SLO does not light up the latency SLO's alerts.
 * @public
 */
export function isInstanceOf(
  generated: GeneratedAlert,
  live: { name: string; labels: Record<string, string> },
): boolean {
  if (live.name !== generated.name) return false;
  return DISTINGUISHING_LABELS.every(
    label =>
      generated.labels[label] === undefined ||
      live.labels[label] === generated.labels[label],
  );
}

function generatedNames(artifacts: GeneratedArtifacts) {
  const alerts = new Set(prometheusAlertNames(artifacts));
  const records = new Set<string>();
  for (const group of artifacts.rules.groups) {
    for (const rule of group.rules) {
      if ('record' in rule) records.add(rule.record);
    }
  }
  return { alerts, records };
}

/**
 * The `deployedRules` fact for one entity: which of its generated alerts and
 * recording rules Prometheus has loaded (only rules with the generated names
 * that belong to this service count).
 * @public
 */
export function deployedRulesFact(
  snapshot: DeployedRulesSnapshot,
  spec: ObservabilitySpec,
  artifacts: GeneratedArtifacts,
): NonNullable<EntityFacts['deployedRules']> {
  if (snapshot.status !== 'ok') return snapshot;
  const names = generatedNames(artifacts);
  const loadedAlerts = new Set<string>();
  const loadedRecords = new Set<string>();
  for (const rule of snapshot.rules) {
    if (rule.type === 'alerting') {
      if (names.alerts.has(rule.name) && belongsTo(rule, spec))
        loadedAlerts.add(rule.name);
    } else if (names.records.has(rule.name) && belongsTo(rule, spec)) {
      loadedRecords.add(rule.name);
    }
  }
  return {
    status: 'ok',
    loadedAlerts: [...loadedAlerts].sort(),
    loadedRecords: [...loadedRecords].sort(),
  };
}
