import { parsePrometheusDuration } from '../lint/duration';

/** One rule as any engine spells it: `for` may come back as seconds. @public */
export interface LooseRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string | number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * A rule group as generated or as an engine (Prometheus, vmalert, a Mimir
 * ruler) reads it back. A generated `RuleGroup` is one.
 * @public
 */
export interface LooseRuleGroup {
  name: string;
  /** A Prometheus duration (`1m`) or seconds. */
  interval?: string | number;
  rules: readonly LooseRule[];
}

/** What writing the declared groups would do to a target's namespace. @public */
export interface RuleGroupDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** Whether writing `diff` would change anything deployed. @public */
export function changesNothing(diff: RuleGroupDiff): boolean {
  return (
    diff.added.length === 0 &&
    diff.changed.length === 0 &&
    diff.removed.length === 0
  );
}

/** @public */
export interface DiffOptions {
  /**
   * The engine's evaluation interval for groups that set none: vmalert
   * reports it on every group read back, so a group without one would
   * otherwise always look changed.
   */
  defaultIntervalSeconds?: number;
}

/**
 * Group names declared but not deployed (added), deployed but no longer
 * declared (removed), and deployed with another content (changed). Groups
 * are compared in a canonical form because each engine reads rules back in
 * its own spelling: vmalert reports `for` in seconds where the file said
 * `5m`, and a Mimir ruler may drop empty label maps.
 * @public
 */
export function diffRuleGroups(
  declared: readonly LooseRuleGroup[],
  deployed: readonly LooseRuleGroup[],
  options: DiffOptions = {},
): RuleGroupDiff {
  const canonical = (group: LooseRuleGroup) =>
    canonicalRuleGroup({
      ...group,
      interval: group.interval ?? options.defaultIntervalSeconds,
    });
  const deployedByName = new Map(
    deployed.map(group => [group.name, canonical(group)]),
  );
  const declaredNames = new Set(declared.map(group => group.name));
  const diff: RuleGroupDiff = {
    added: [],
    changed: [],
    removed: [],
    unchanged: [],
  };
  for (const group of declared) {
    const current = deployedByName.get(group.name);
    if (current === undefined) diff.added.push(group.name);
    else if (current === canonical(group)) diff.unchanged.push(group.name);
    else diff.changed.push(group.name);
  }
  diff.removed = [...deployedByName.keys()].filter(
    name => !declaredNames.has(name),
  );
  return diff;
}

/**
 * A string equal for two groups exactly when an engine evaluates them the
 * same: durations in seconds, empty maps and zero `for` dropped, map keys
 * sorted. Rule order is kept: it is the evaluation order within a group.
 * @public
 */
export function canonicalRuleGroup(group: LooseRuleGroup): string {
  return JSON.stringify({
    name: group.name,
    interval: seconds(group.interval),
    rules: group.rules.map(rule => ({
      alert: rule.alert,
      record: rule.record,
      expr: rule.expr.trim(),
      for: seconds(rule.for) || undefined,
      labels: sortedOrUndefined(rule.labels),
      annotations: sortedOrUndefined(rule.annotations),
    })),
  });
}

/** Seconds; text that is no duration stays as written, so it still compares. */
function seconds(
  duration: string | number | undefined,
): number | string | undefined {
  if (duration === undefined || typeof duration === 'number') return duration;
  return parsePrometheusDuration(duration) ?? duration;
}

function sortedOrUndefined(
  map: Record<string, string> | undefined,
): Array<[string, string]> | undefined {
  // Code-point order, not locale order: the same on every machine.
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  });
  return entries.length > 0 ? entries : undefined;
}
