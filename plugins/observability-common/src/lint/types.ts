/**
 * Types of the rule linter. The linter holds existing Prometheus rules to the
 * seed's alerting practices; it is pure so the CLI, the backend checks and the
 * tab all report the same findings for the same rules.
 */

/** Severity of a lint finding; `error` and `warning` drive the CLI exit code. @public */
export type LintSeverity = 'error' | 'warning' | 'info';

/**
 * Where a finding points. Rule files give `file`, `line` and `column`
 * (1-based); live rules from Prometheus give `group` and `rule`. Both kinds
 * fill `group` and `rule` when they are known.
 * @public
 */
export interface LintLocation {
  file?: string;
  line?: number;
  column?: number;
  group?: string;
  rule?: string;
}

/** One problem found in a rule. @public */
export interface LintFinding {
  /** Stable id from {@link LINT_RULES}, e.g. `alert/missing-for`. */
  ruleId: string;
  severity: LintSeverity;
  message: string;
  /** What to change, concrete enough to paste where possible. */
  fix: string;
  location: LintLocation;
}

/** A catalogue entry describing one lint rule, for docs and the UI. @public */
export interface LintRuleInfo {
  id: string;
  severity: LintSeverity;
  title: string;
  description: string;
}

/**
 * A rule as the linter reads it: the Prometheus rule-file shape. `for` may be
 * a duration string (`5m`) or seconds; `duration` (seconds) is accepted too
 * because that is what Prometheus' `/api/v1/rules` returns.
 * @public
 */
export interface LintableRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string | number;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A rule group as the linter reads it. @public */
export interface LintableRuleGroup {
  name: string;
  rules: LintableRule[];
}

/** A rule file handed to {@link lintRuleFiles}. @public */
export interface LintRuleFileInput {
  text: string;
  fileName?: string;
}
