/**
 * Checks as a registry: each {@link Check} turns the entity's spec, its
 * generated artifacts and the gathered facts into one or more results.
 * Adding a check is one new file plus one line in `DEFAULT_CHECKS` (or, from
 * another Backstage plugin, one call on the backend's extension point).
 */
import type { GeneratedArtifacts } from '../generate/types';
import type { ObservabilitySpec } from '../spec/types';
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

/** What a check reads. Pure data: all I/O happened before. @public */
export interface CheckInput {
  spec: ObservabilitySpec;
  artifacts: GeneratedArtifacts;
  facts: EntityFacts;
}

/** One check (or a family of them, such as one per annotation). @public */
export interface Check {
  /** Stable id of the check, or of the family (`metadata`). */
  id: string;
  evaluate(input: CheckInput): CheckResult | CheckResult[];
}

/**
 * Redline's checks in the order the tab lists them and the coverage table
 * picks its top failing check from.
 * @public
 */
export const DEFAULT_CHECKS: readonly Check[] = [
  { id: 'ownership.owner-exists', evaluate: i => ownerCheck(i.spec, i.facts) },
  {
    id: 'routing.owner-route',
    evaluate: i =>
      routingCheck(
        i.spec,
        i.artifacts,
        i.artifacts.findings,
        i.facts.alertmanagerConfig,
      ),
  },
  { id: 'runbook.links-answer', evaluate: i => runbookCheck(i.spec, i.facts) },
  {
    id: 'deployment.rules-loaded',
    evaluate: i => rulesLoadedCheck(i.artifacts, i.facts),
  },
  { id: 'metrics.exist', evaluate: i => metricsCheck(i.spec, i.facts) },
  { id: 'alerts.firing', evaluate: i => firingCheck(i.facts) },
  { id: 'lint.rules', evaluate: i => lintCheck(i.facts) },
  {
    id: 'metadata',
    evaluate: i => metadataChecks(i.spec, i.artifacts.findings),
  },
];

/** The default checks followed by others (from the backend's extension point). @public */
export function withChecks(extra: readonly Check[]): readonly Check[] {
  return extra.length === 0 ? DEFAULT_CHECKS : [...DEFAULT_CHECKS, ...extra];
}
