/**
 * All checks for one entity, static and live, in a stable order (the order
 * the UI lists them and the coverage table picks its top failing check from).
 */
import type { GeneratedArtifacts } from '../generate/types';
import type { Finding, ObservabilitySpec } from '../spec/types';
import {
  firingCheck,
  lintCheck,
  metricsCheck,
  ownerCheck,
  rulesLoadedCheck,
  runbookCheck,
} from './liveChecks';
import { metadataChecks } from './metadataChecks';
import { routingCheck } from './routingCheck';
import type { CheckResult, EntityFacts } from './types';

function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = `${f.id}\u0000${f.annotation ?? ''}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Evaluates every check. Pure: all I/O happened before, its results are in
 * `facts`; a fact that is missing makes its check `unknown`, never a throw.
 * `findings` are the spec's (parse) findings; the generator's are read from
 * `artifacts.findings`.
 * @public
 */
export function evaluateChecks(
  spec: ObservabilitySpec,
  artifacts: GeneratedArtifacts,
  facts: EntityFacts,
  findings: Finding[],
): CheckResult[] {
  const all = uniqueFindings([...findings, ...artifacts.findings]);
  return [
    ownerCheck(spec, facts),
    routingCheck(spec, artifacts, all),
    runbookCheck(spec, facts),
    rulesLoadedCheck(artifacts, facts),
    metricsCheck(spec, facts),
    firingCheck(facts),
    lintCheck(facts),
    ...metadataChecks(spec, all),
  ];
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
export function summarizeChecks(checks: CheckResult[]): CheckSummary {
  const failing = checks.filter(c => c.status === 'fail');
  const rules = checks.find(c => c.id === 'deployment.rules-loaded');
  let rulesDeployed: CheckSummary['rulesDeployed'] = 'unknown';
  if (rules?.status === 'pass') rulesDeployed = 'yes';
  else if (rules?.status === 'fail' || rules?.status === 'warn')
    rulesDeployed = 'no';
  return {
    failing: failing.length,
    warnings: checks.filter(c => c.status === 'warn').length,
    topFailingCheck: failing[0]?.title,
    rulesDeployed,
  };
}
