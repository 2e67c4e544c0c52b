/** Which generated rules an entity's Prometheus has loaded, and how live alerts map to them. */
import type { GeneratedAlert, GeneratedArtifacts } from '../generate/types';
import type { EntityFacts, LoadedRule } from './types';

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
 * recording rules are among the rules Prometheus has loaded for its service
 * (the entity's share of a rules snapshot, see `RuleIndex`).
 * @public
 */
export function deployedRulesFact(
  serviceRules: ReadonlyArray<Pick<LoadedRule, 'type' | 'name'>>,
  artifacts: GeneratedArtifacts,
): NonNullable<EntityFacts['deployedRules']> {
  const names = generatedNames(artifacts);
  const loadedAlerts = new Set<string>();
  const loadedRecords = new Set<string>();
  for (const rule of serviceRules) {
    if (rule.type === 'alerting') {
      if (names.alerts.has(rule.name)) loadedAlerts.add(rule.name);
    } else if (names.records.has(rule.name)) {
      loadedRecords.add(rule.name);
    }
  }
  return {
    status: 'ok',
    loadedAlerts: [...loadedAlerts].sort(),
    loadedRecords: [...loadedRecords].sort(),
  };
}
