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

type RuleName = GeneratedRuleNames['rules']['groups'][number]['rules'][number];

/**
 * One frozen `{ alert }` or `{ record }` per distinct name: every entity's
 * rules carry the same few dozen names (the service is a label, not part of
 * the name), and a coverage run keeps the names of 10 000 entities.
 */
const alertNames = new Map<string, RuleName>();
const recordNames = new Map<string, RuleName>();
const MAX_RULE_NAMES = 5_000;

function ruleNameOf(rule: RuleName): RuleName {
  const [names, name] =
    'alert' in rule ? [alertNames, rule.alert] : [recordNames, rule.record];
  let kept = names.get(name);
  if (!kept) {
    kept = Object.freeze(
      'alert' in rule ? { alert: rule.alert } : { record: rule.record },
    );
    if (names.size < MAX_RULE_NAMES) names.set(name, kept);
  }
  return kept;
}

/** Only the names of `artifacts`' rules, for keeping. @public */
export function generatedRuleNames(
  artifacts: GeneratedRuleNames,
): GeneratedRuleNames {
  return {
    rules: {
      groups: artifacts.rules.groups.map(group => ({
        rules: group.rules.map(ruleNameOf),
      })),
    },
  };
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
