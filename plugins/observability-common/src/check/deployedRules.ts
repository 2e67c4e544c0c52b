/** Which generated rules an entity's Prometheus has loaded, and how live alerts map to them. */
import { WATCHDOG_ALERT } from '../generate/generators/watchdog';
import type { GeneratedAlert } from '../generate/types';
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
 * One frozen `GeneratedRuleNames` per distinct list of names: every entity
 * with the same SLOs and alerts has the same names (the service is a label,
 * not part of the name), so the 10 000 entities a coverage run keeps share
 * a few dozen of these, in memory and in the database (see
 * `DatabaseRememberedRowStore`).
 */
const shapes = new Map<string, GeneratedRuleNames>();
const MAX_SHAPES = 1_000;

/** Only the names of `artifacts`' rules, for keeping; shared and frozen. @public */
export function generatedRuleNames(
  artifacts: GeneratedRuleNames,
): GeneratedRuleNames {
  // The key is built straight from the names, and the shared object only
  // for a list not seen before: every entity a coverage run remembers comes
  // through here, and nearly all of them find their list already kept.
  const key = JSON.stringify(
    artifacts.rules.groups.map(group =>
      group.rules.map(rule =>
        'alert' in rule ? `a${rule.alert}` : `r${rule.record}`,
      ),
    ),
  );
  let kept = shapes.get(key);
  if (!kept) {
    const groups = artifacts.rules.groups.map(group =>
      Object.freeze({
        rules: Object.freeze(
          group.rules.map(rule =>
            Object.freeze(
              'alert' in rule ? { alert: rule.alert } : { record: rule.record },
            ),
          ),
        ),
      }),
    );
    kept = Object.freeze({
      rules: Object.freeze({ groups: Object.freeze(groups) }),
    });
    if (shapes.size < MAX_SHAPES) shapes.set(key, kept);
  }
  return kept;
}

/**
 * Names of the generated alerts that belong in Prometheus: those in the rule
 * file. The log-based fallback alert goes to the Loki ruler instead, so it can
 * never be "loaded" in Prometheus and must not be expected there.
 * @public
 */
export function prometheusAlertNames(artifacts: GeneratedRuleNames): string[] {
  const names = new Set<string>();
  for (const group of artifacts.rules.groups) {
    for (const rule of group.rules) {
      if ('alert' in rule && isServiceAlert(rule.alert)) names.add(rule.alert);
    }
  }
  return [...names].sort();
}

/**
 * The Watchdog carries no service label (it is not one of the service's
 * alerts), so it is never among the rules loaded "for the service"; whether
 * it runs is the tab's evaluator status, not this check's question.
 * @public
 */
export function isServiceAlert(name: string): boolean {
  return name !== WATCHDOG_ALERT;
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

function generatedNames(artifacts: GeneratedRuleNames) {
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
  artifacts: GeneratedRuleNames,
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
