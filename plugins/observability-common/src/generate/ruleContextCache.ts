/**
 * One rule context per spec and config, built once rather than by each of
 * the Alertmanager, dashboard and pillar generators that need it within one
 * generateArtifacts call. Specs are treated as immutable values everywhere in
 * Redline, which is what makes keying on object identity safe.
 *
 * Only the last context is kept, not one per spec: generators run one spec
 * at a time, and specs outlive their descriptions (a coverage run remembers
 * 10 000 of them), so a context per spec would keep every entity's runbook
 * and dashboard links alive for as long.
 */
import type { GeneratorConfig } from '../spec/config';
import type { ObservabilitySpec } from '../spec/types';
import { createRuleContext, RuleContext } from './ruleContext';

let last:
  | { spec: ObservabilitySpec; config: GeneratorConfig; ctx: RuleContext }
  | undefined;

/** `createRuleContext`, memoised for the last spec object and config object. */
export function ruleContextFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): RuleContext {
  if (last?.spec === spec && last.config === config) return last.ctx;
  const ctx = createRuleContext(spec, config);
  last = { spec, config, ctx };
  return ctx;
}
