/**
 * Serialisation of rule files. The `yaml` library quotes and escapes every
 * string that needs it (catalog text included); multi-line expressions become
 * literal blocks so a human can read them in a pull request.
 */
import { Scalar, stringify } from 'yaml';
import type {
  AlertingRule,
  PrometheusRuleFile,
  RecordingRule,
  RuleGroup,
} from './types';

/**
 * Options shared by every YAML Redline writes. Quoting follows YAML 1.1, so
 * strings such as `yes`, `on` or `0x1F` (a team or service called that) are
 * quoted: Go's YAML libraries, and with them kubectl, still resolve 1.1
 * booleans and numbers, which would turn a label value into a non-string.
 * No `%YAML` directive is written.
 */
export const YAML_OPTIONS = {
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
  version: '1.1',
} as const;

/** Looks like a YAML 1.2 octal (`0o17`): a number to 1.2 readers, a string to 1.1 ones. */
const YAML12_ONLY_NUMBER = /^[-+]?0o[0-7]+$/;

/**
 * Quotes the few strings YAML 1.1 quoting leaves plain but a YAML 1.2 reader
 * (JavaScript tools, go-yaml v3) would read as numbers.
 */
export function quoteForBothYamlVersions(
  _key: unknown,
  value: unknown,
): unknown {
  if (typeof value === 'string' && YAML12_ONLY_NUMBER.test(value)) {
    const scalar = new Scalar(value);
    scalar.type = 'QUOTE_DOUBLE';
    return scalar;
  }
  return value;
}

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
  return stringify(
    { groups: ruleGroupsForYaml(rules.groups) },
    quoteForBothYamlVersions,
    YAML_OPTIONS,
  );
}
