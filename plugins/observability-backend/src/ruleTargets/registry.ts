import { mimirRulerTarget } from './mimirRuler';
import { prometheusFileTarget } from './prometheusFile';
import type { RuleTarget, RuleTargetDeps, RuleTargetKind } from './RuleTarget';
import { vmalertFileTarget } from './vmalertFile';

/**
 * Every kind of rule target, by `type`. A new engine is one file exporting
 * a {@link RuleTargetKind} and one line here.
 * @internal
 */
export const ruleTargetKinds: readonly RuleTargetKind[] = [
  prometheusFileTarget,
  vmalertFileTarget,
  mimirRulerTarget,
];

/** An entry of `observability.ruleTargets`. @public */
export interface RuleTargetConfig {
  name: string;
  type: string;
  options: Record<string, unknown>;
  /** Group refs: the target holds only these teams' entities (see `RuleTarget.owners`). */
  owners?: string[];
}

/**
 * Builds a configured target, checking its options against its kind's
 * schema. A bad value is reported under `key` (where the target sits in
 * config) plus the option's name, never with the value, which may be a
 * secret.
 * @internal
 */
export function createRuleTarget(
  config: RuleTargetConfig,
  deps: RuleTargetDeps,
  key: string,
): RuleTarget {
  const { kind, options } = parseRuleTarget(config, key);
  const target = kind.create(config.name, options, deps);
  return config.owners ? { ...target, owners: config.owners } : target;
}

/** The target's kind and its checked options; see {@link createRuleTarget}. @internal */
export function parseRuleTarget(
  config: RuleTargetConfig,
  key: string,
): { kind: RuleTargetKind; options: unknown } {
  const kind = ruleTargetKinds.find(k => k.type === config.type);
  if (!kind) {
    const known = ruleTargetKinds.map(k => k.type).join(', ');
    throw new Error(`${key}.type must be one of ${known}`);
  }
  const parsed = kind.options.safeParse(config.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue.path.join('.');
    throw new Error(
      `${key}${option ? `.${option}` : ''} is invalid for a ${
        kind.type
      } target: ${issue.message}`,
    );
  }
  return { kind, options: parsed.data };
}
