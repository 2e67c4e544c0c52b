/**
 * One validated rule context per spec: the Alertmanager, dashboard and
 * pillar generators all need it for the same spec within one
 * generateArtifacts call, and building it parses the selector with Lezer.
 * Specs are treated as immutable values everywhere in Redline, which is what
 * makes keying on object identity safe.
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
