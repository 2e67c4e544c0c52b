/**
 * One rule context per spec and config, built once rather than by each of
 * the Alertmanager, dashboard and pillar generators that need it within one
 * generateArtifacts call. Specs are treated as immutable values everywhere in
 * Redline, which is what makes keying on object identity safe.
 */
import type { GeneratorConfig } from '../spec/config';
import type { ObservabilitySpec } from '../spec/types';
import { createRuleContext, RuleContext } from './ruleContext';

const cache = new WeakMap<
  ObservabilitySpec,
  { config: GeneratorConfig; ctx: RuleContext }
>();

/** `createRuleContext`, memoised per spec object and config object. */
export function ruleContextFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): RuleContext {
  const hit = cache.get(spec);
  if (hit && hit.config === config) return hit.ctx;
  const ctx = createRuleContext(spec, config);
  cache.set(spec, { config, ctx });
  return ctx;
}
