/**
 * All checks for one entity, static and live, in a stable order (the order
 * the UI lists them and the coverage table picks its top failing check from).
 */
import type { GeneratedArtifacts } from '../generate/types';
import type { ObservabilitySpec } from '../spec/types';
import { ownerCheck } from './liveChecks';
import { Check, DEFAULT_CHECKS } from './registry';
import type { CheckResult, CheckStatus, EntityFacts } from './types';

/**
 * Evaluates every check. Pure: all I/O happened before, its results are in
 * `facts`; a fact that is missing makes its check `unknown`, never a throw.
 * Findings are read from `artifacts.findings` (the spec's and the
 * generators', each once).
 * @public
 */
export function evaluateChecks(
  spec: ObservabilitySpec,
  artifacts: GeneratedArtifacts,
  facts: EntityFacts,
  checks: readonly Check[] = DEFAULT_CHECKS,
): CheckResult[] {
  // Checks of rules, routes, metrics and SLOs would only report that a
  // library has none; its owner is all there is to check.
  if (!spec.servesRequests) {
    return [ownerCheck(spec, facts), notServingCheck(spec)];
  }
  return checks.flatMap(check => check.evaluate({ spec, artifacts, facts }));
}

/** What an entity that serves no requests is, said as a check. */
function notServingCheck(spec: ObservabilitySpec): CheckResult {
  const type = spec.componentType ?? spec.kind;
  return {
    id: 'metadata.serves-requests',
    category: 'metadata',
    title: 'Serves requests',
    status: 'pass',
    message: `${type} — no RED targets: only Components whose spec.type is in observability.servingComponentTypes get RED targets, SLOs and alerts.`,
  };
}

const SEVERITY: Record<CheckStatus, number> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  pass: 3,
};

/**
 * The check to show first when there is room for one (the overview card, the
 * coverage table): the first failing check in evaluation order, else the
 * first warning.
 * @public
 */
export function topCheck(
  checks: readonly CheckResult[],
): CheckResult | undefined {
  let top: CheckResult | undefined;
  for (const check of checks) {
    if (check.status !== 'fail' && check.status !== 'warn') continue;
    if (!top || SEVERITY[check.status] < SEVERITY[top.status]) top = check;
  }
  return top;
}

/** What the coverage table keeps of an entity's checks. @public */
export interface CheckSummary {
  failing: number;
  warnings: number;
  /** Title of the first failing check in evaluation order. */
  topFailingCheck?: string;
  rulesDeployed: 'yes' | 'no' | 'unknown';
}

/** @public */
export function summarizeChecks(checks: readonly CheckResult[]): CheckSummary {
  const rules = checks.find(c => c.id === 'deployment.rules-loaded');
  let rulesDeployed: CheckSummary['rulesDeployed'] = 'unknown';
  if (rules?.status === 'pass') rulesDeployed = 'yes';
  else if (rules?.status === 'fail' || rules?.status === 'warn')
    rulesDeployed = 'no';
  const top = topCheck(checks);
  return {
    failing: checks.filter(c => c.status === 'fail').length,
    warnings: checks.filter(c => c.status === 'warn').length,
    topFailingCheck: top?.status === 'fail' ? top.title : undefined,
    rulesDeployed,
  };
}
