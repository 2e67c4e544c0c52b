/** Which generated rules an entity's Prometheus has loaded, and how live alerts map to them. */
import type { GeneratedAlert } from '../generate/types';
import { isServiceAlert, ruleNameIndex } from './ruleNameIndex';
import type { EntityFacts, LoadedRule } from './types';

/**
 * What matching deployed rules reads of the generated ones: their names. A
 * whole `GeneratedArtifacts` is one; a coverage run keeps only this much of
 * an entity between runs.
 * @public
 */
export interface GeneratedRuleNames {
  rules: {
    groups: ReadonlyArray<{
      rules: ReadonlyArray<{ alert: string } | { record: string }>;
    }>;
  };
}

/**
 * Only the names of `artifacts`' rules, for keeping: one frozen object per
 * distinct list of names, so the 10 000 entities a coverage run keeps share
 * a few dozen of these, in memory and in the database (see
 * `DatabaseRememberedRowStore`).
 * @public
 */
export function generatedRuleNames(
  artifacts: GeneratedRuleNames,
): GeneratedRuleNames {
  return ruleNameIndex(artifacts).shared;
}

/**
 * Names of the generated alerts that belong in Prometheus: those in the rule
 * file. The log-based fallback alert goes to the Loki ruler instead, so it can
 * never be "loaded" in Prometheus and must not be expected there.
 * @public
 */
export function prometheusAlertNames(artifacts: GeneratedRuleNames): string[] {
  return [...ruleNameIndex(artifacts).serviceAlertsSorted];
}

export { isServiceAlert };

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

/**
 * The `deployedRules` fact for one entity: which of its generated alerts and
 * recording rules are among the rules Prometheus has loaded for its service
 * (the entity's share of a rules snapshot, see `RuleIndex`).
 * @public
 */
export function deployedRulesFact(
  serviceRules: ReadonlyArray<Pick<LoadedRule, 'type' | 'name'>>,
  artifacts: GeneratedRuleNames,
): NonNullable<EntityFacts['deployedRules']> {
  const index = ruleNameIndex(artifacts);
  const loadedAlerts = new Set<string>();
  const loadedRecords = new Set<string>();
  for (const rule of serviceRules) {
    if (rule.type === 'alerting') {
      if (index.serviceAlerts.set.has(rule.name)) loadedAlerts.add(rule.name);
    } else if (index.records.set.has(rule.name)) {
      loadedRecords.add(rule.name);
    }
  }
  return {
    status: 'ok',
    loadedAlerts: [...loadedAlerts].sort(),
    loadedRecords: [...loadedRecords].sort(),
  };
}
