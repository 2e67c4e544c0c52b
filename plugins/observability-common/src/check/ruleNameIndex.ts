/**
 * What matching deployed rules reads of an entity's generated rules, worked
 * out once per distinct list of rule names. Every entity with the same SLOs
 * and alerts has the same names (the service is a label, not part of the
 * name), so a coverage run's 10 000 entities share a few dozen of these; the
 * deployed-rules fact, the rules-loaded check and the remembered row would
 * otherwise each walk every rule of every entity again.
 *
 * Not exported from the package (but for `isServiceAlert`, through
 * `./deployedRules`): `generatedRuleNames`, `prometheusAlertNames` and the
 * rules-loaded check are its public faces.
 */
import { WATCHDOG_ALERT } from '../generate/generators/watchdog';
// Types only: erased at run time, so no import cycle with ./deployedRules.
import type { GeneratedRuleNames } from './deployedRules';

/** Names of one kind of rule: how many rules, and each name once. */
export interface NamesOfKind {
  /** Rules of this kind, counting a name shared by several rules each time. */
  ruleCount: number;
  /** Each name once, in the order the rule file first lists it. */
  inFileOrder: readonly string[];
  set: ReadonlySet<string>;
}

/** One distinct list of rule names. */
export interface RuleNameIndex {
  /** The names alone, frozen, shared by every entity with this list. */
  readonly shared: GeneratedRuleNames;
  /** Alerting rules that belong in Prometheus (the Watchdog left out). */
  readonly serviceAlerts: NamesOfKind;
  /** `serviceAlerts`' names, sorted. */
  readonly serviceAlertsSorted: readonly string[];
  readonly records: NamesOfKind;
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

/**
 * Lists seen so far, as a trie of names (a string key per entity would
 * allocate the whole list's text only to look it up): walking a known list
 * allocates nothing.
 */
class Step {
  readonly alerts = new Map<string, Step>();
  readonly records = new Map<string, Step>();
  nextGroup?: Step;
  index?: RuleNameIndex;
}

const lists = new Step();
let listsKept = 0;
/** Bounds memory for a catalog whose entities share no list at all. */
const MAX_KEPT = 1_000;
/** Each rules object is walked once, then found by identity. */
const byRules = new WeakMap<object, RuleNameIndex>();

/** The index of `artifacts`' rule names, shared with equal lists. */
export function ruleNameIndex(artifacts: GeneratedRuleNames): RuleNameIndex {
  const known = byRules.get(artifacts.rules);
  if (known) return known;
  const step = walk(artifacts, listsKept < MAX_KEPT);
  let index = step?.index;
  if (!index) {
    index = build(artifacts);
    if (step) {
      step.index = index;
      listsKept++;
    }
  }
  byRules.set(artifacts.rules, index);
  // The shared object is its own key, so its lookups skip the walk too.
  byRules.set(index.shared.rules, index);
  return index;
}

/** The trie's node for this list; undefined when it is new and not to be kept. */
function walk(artifacts: GeneratedRuleNames, keep: boolean): Step | undefined {
  let step = lists;
  for (const group of artifacts.rules.groups) {
    let next = step.nextGroup;
    if (!next) {
      if (!keep) return undefined;
      next = step.nextGroup = new Step();
    }
    step = next;
    for (const rule of group.rules) {
      const isAlert = 'alert' in rule;
      const names = isAlert ? step.alerts : step.records;
      const name = isAlert ? rule.alert : rule.record;
      let found = names.get(name);
      if (!found) {
        if (!keep) return undefined;
        names.set(name, (found = new Step()));
      }
      step = found;
    }
  }
  return step;
}

class KindTally {
  #count = 0;
  readonly #set = new Set<string>();

  add(name: string) {
    this.#count++;
    this.#set.add(name);
  }

  done(): NamesOfKind {
    return {
      ruleCount: this.#count,
      inFileOrder: Object.freeze([...this.#set]),
      set: this.#set,
    };
  }
}

function build(artifacts: GeneratedRuleNames): RuleNameIndex {
  const alerts = new KindTally();
  const records = new KindTally();
  const groups = artifacts.rules.groups.map(group =>
    Object.freeze({
      rules: Object.freeze(
        group.rules.map(rule => {
          if ('alert' in rule) {
            if (isServiceAlert(rule.alert)) alerts.add(rule.alert);
            return Object.freeze({ alert: rule.alert });
          }
          records.add(rule.record);
          return Object.freeze({ record: rule.record });
        }),
      ),
    }),
  );
  const serviceAlerts = alerts.done();
  return {
    shared: Object.freeze({
      rules: Object.freeze({ groups: Object.freeze(groups) }),
    }),
    serviceAlerts,
    serviceAlertsSorted: Object.freeze([...serviceAlerts.inFileOrder].sort()),
    records: records.done(),
  };
}
