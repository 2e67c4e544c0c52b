/**
 * Serialisation of rule files. The `yaml` library quotes and escapes every
 * string that needs it (catalog text included); multi-line expressions become
 * literal blocks so a human can read them in a pull request.
 */
import { stringify } from 'yaml';
import type {
  AlertingRule,
  PrometheusRuleFile,
  RecordingRule,
  RuleGroup,
} from './types';

/** Options shared by every YAML Redline writes. */
export const YAML_OPTIONS = {
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
} as const;

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

/** Plain objects of the groups, ready for any serialiser. @public */
export function ruleGroupsForYaml(
  groups: RuleGroup[],
): Array<Record<string, unknown>> {
  return groups.map(group => ({
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map(orderedRule),
  }));
}

/** A rule file as YAML, as `promtool check rules` and Prometheus read it. @public */
export function renderRuleFileYaml(rules: PrometheusRuleFile): string {
  return stringify({ groups: ruleGroupsForYaml(rules.groups) }, YAML_OPTIONS);
}
