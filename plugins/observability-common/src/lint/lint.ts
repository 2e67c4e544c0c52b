import { makeFinding } from './catalogue';
import { parsePrometheusDuration } from './duration';
import { RuleUnderLint, lintRules } from './lintRules';
import { readRuleFile } from './ruleFile';
import type {
  LintFinding,
  LintRuleFileInput,
  LintableRule,
  LintableRuleGroup,
} from './types';

/** Findings for a set of rule files plus how many rules they held. @public */
export interface LintReport {
  findings: LintFinding[];
  /** Rules read (alerting and recording), for summaries and benchmarks. */
  ruleCount: number;
}

/**
 * Lints one rule file's text. YAML and structure errors are findings; this
 * never throws. Locations carry `file` (when given), line and column.
 * @public
 */
export function lintRuleFileText(
  text: string,
  fileName?: string,
): LintFinding[] {
  return lintRuleFiles([{ text, fileName }]).findings;
}

/**
 * Lints several rule files together, so alerts duplicated across files (all
 * loaded into the same Prometheus) are found too. Findings are ordered by
 * file (in input order), line and column.
 * @public
 */
export function lintRuleFiles(files: LintRuleFileInput[]): LintReport {
  const findings: LintFinding[] = [];
  const rules: RuleUnderLint[] = [];
  for (const file of files) {
    const read = readRuleFile(file.text, file.fileName);
    findings.push(...read.findings);
    rules.push(...read.rules);
  }
  findings.push(...lintRules(rules));
  const order = new Map(files.map((file, index) => [file.fileName, index]));
  const sorted = findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        (order.get(a.finding.location.file) ?? 0) -
          (order.get(b.finding.location.file) ?? 0) ||
        (a.finding.location.line ?? 0) - (b.finding.location.line ?? 0) ||
        (a.finding.location.column ?? 0) - (b.finding.location.column ?? 0) ||
        a.index - b.index,
    )
    .map(entry => entry.finding);
  return { findings: sorted, ruleCount: rules.length };
}

/**
 * Lints rules that are not in a file, typically the live rules from
 * Prometheus' `/api/v1/rules` (map them with {@link fromPrometheusApiGroups}).
 * Locations carry the group and rule name; `source` (e.g. the Prometheus
 * instance) goes into `location.file` when given.
 * @public
 */
export function lintRuleGroups(
  groups: LintableRuleGroup[],
  source?: string,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const rules: RuleUnderLint[] = [];
  for (const group of groups ?? []) {
    (group?.rules ?? []).forEach((rule, index) => {
      const normalised = normalise(group.name, rule, index, source);
      if ('finding' in normalised) findings.push(normalised.finding);
      else rules.push(normalised.rule);
    });
  }
  return [...findings, ...lintRules(rules)];
}

function normalise(
  group: string,
  rule: LintableRule,
  index: number,
  source: string | undefined,
): { rule: RuleUnderLint } | { finding: LintFinding } {
  const name = rule?.alert ?? rule?.record ?? `rules[${index}]`;
  const location = {
    group,
    rule: name,
    ...(source !== undefined ? { file: source } : {}),
  };
  const invalid = (message: string) => ({
    finding: makeFinding(
      'rules/invalid-structure',
      message,
      'every rule needs "alert" or "record" and a PromQL "expr"',
      location,
    ),
  });
  if (!rule || typeof rule !== 'object')
    return invalid(`rules[${index}] of group "${group}" is not an object`);
  if (!rule.alert && !rule.record)
    return invalid(
      `rules[${index}] of group "${group}" has neither "alert" nor "record"`,
    );
  if (typeof rule.expr !== 'string')
    return invalid(`rule "${name}" has no "expr"`);
  const forSeconds = toSeconds(rule.for ?? rule.duration);
  if (forSeconds === 'invalid')
    return invalid(`"for" of rule "${name}" is not a duration like 5m`);
  return {
    rule: {
      group,
      kind: rule.alert ? 'alert' : 'record',
      name,
      expr: rule.expr,
      forSeconds,
      labels: { ...rule.labels },
      annotations: { ...rule.annotations },
      ...(source !== undefined ? { file: source } : {}),
    },
  };
}

/** `for` as a duration string, or seconds (the API's `duration`). */
function toSeconds(
  value: string | number | undefined,
): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? value : 'invalid';
  return parsePrometheusDuration(value) ?? 'invalid';
}
