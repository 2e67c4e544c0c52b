import type { PrometheusApiRule, PrometheusApiRuleGroup } from './apiTypes';

/** Where each rule of a snapshot sits: its group's and its own position. */
const rulePositions = new WeakMap<
  PrometheusApiRuleGroup[],
  Map<PrometheusApiRule, [group: number, rule: number]>
>();

/**
 * The snapshot's groups that hold any of `rules`, each with only those, in
 * the snapshot's order. Looked up per rule rather than by filtering every
 * group for every entity: a Prometheus holding the rules of 10 000
 * services would otherwise cost entities × rules per run.
 * @internal
 */
export function groupsHolding(
  all: PrometheusApiRuleGroup[],
  rules: PrometheusApiRule[],
): PrometheusApiRuleGroup[] {
  if (rules.length === 0) return [];
  let positions = rulePositions.get(all);
  if (!positions) {
    const built = new Map<PrometheusApiRule, [number, number]>();
    all.forEach((group, g) =>
      (group.rules ?? []).forEach((rule, r) => built.set(rule, [g, r])),
    );
    rulePositions.set(all, built);
    positions = built;
  }
  const known = positions;
  const placed = rules
    .flatMap(rule => {
      const at = known.get(rule);
      return at ? [{ rule, at }] : [];
    })
    .sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1]);
  const groups: PrometheusApiRuleGroup[] = [];
  let current = -1;
  for (const { rule, at } of placed) {
    if (at[0] !== current) {
      current = at[0];
      groups.push({ ...all[current], rules: [] });
    }
    groups[groups.length - 1].rules.push(rule);
  }
  return groups;
}
