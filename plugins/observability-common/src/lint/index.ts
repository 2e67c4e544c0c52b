export { LINT_RULES } from './catalogue';
export type { LintRuleId } from './catalogue';
export { lintRuleFileText, lintRuleFiles, lintRuleGroups } from './lint';
export type { LintReport } from './lint';
export { fromPrometheusApiGroups } from './prometheusApi';
export { formatLintLocation } from './format';
export type {
  LintFinding,
  LintLocation,
  LintRuleFileInput,
  LintRuleInfo,
  LintSeverity,
  LintableRule,
  LintableRuleGroup,
} from './types';
