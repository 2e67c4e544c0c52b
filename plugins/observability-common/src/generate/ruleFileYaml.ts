/**
 * The rule file (`prometheus-rules.yaml`): groups and rules with their keys
 * in the order Prometheus documents them, so the file reads like a
 * hand-written one.
 */
import type {
  AlertingRule,
  PrometheusRuleFile,
  RecordingRule,
  RuleGroup,
} from './types';
import { toYaml } from './yamlWriter';

/** Rules in Prometheus' key order (`record`/`alert`, `expr`, `for`, `labels`, `annotations`). */
function orderedRule(
  rule: RecordingRule | AlertingRule,
): Record<string, unknown> {
  if ('record' in rule) {
    return {
      record: rule.record,
      expr: rule.expr,
      ...(rule.labels ? { labels: rule.labels } : {}),
    };
  }
  return {
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    labels: rule.labels,
    annotations: rule.annotations,
  };
}

/** Plain objects of the groups, as the rule file and the PrometheusRule's `spec` print them. @public */
export function ruleGroupsForYaml(
  groups: RuleGroup[],
): Array<Record<string, unknown>> {
  return groups.map(group => ({
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map(orderedRule),
  }));
}

/**
 * The rule file as users download it and as `promtool check rules` and
 * Prometheus read it.
 * @public
 */
export function renderRuleFileYaml(rules: PrometheusRuleFile): string {
  return toYaml({ groups: ruleGroupsForYaml(rules.groups) });
}
