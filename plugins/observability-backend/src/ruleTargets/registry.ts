import { mimirRulerTarget } from './mimirRuler';
import { prometheusFileTarget } from './prometheusFile';
import type { RuleTarget, RuleTargetDeps, RuleTargetKind } from './RuleTarget';
import { vmalertFileTarget } from './vmalertFile';

/**
 * Redline's own kinds of rule target. A new engine is one file exporting a
 * {@link RuleTargetKind} and one line here, or a backend module adding it
 * through `observabilityRuleTargetsExtensionPoint`.
 * @internal
 */
export const builtInRuleTargetKinds: readonly RuleTargetKind[] = [
  prometheusFileTarget,
  vmalertFileTarget,
  mimirRulerTarget,
];

/**
 * Redline's kinds followed by those modules added. A `type` given twice
 * stops the start: config names a target's kind by its type alone, so the
 * second would silently win or lose.
 * @internal
 */
export function withRuleTargetKinds(
  added: readonly RuleTargetKind[],
): readonly RuleTargetKind[] {
  const kinds = [...builtInRuleTargetKinds];
  for (const kind of added) {
    if (kinds.some(k => k.type === kind.type)) {
      const by = builtInRuleTargetKinds.some(k => k.type === kind.type)
        ? 'Redline itself'
        : 'another module';
      throw new Error(
        `Rule target type '${kind.type}' is added twice: ${by} already provides it`,
      );
    }
    kinds.push(kind);
  }
  return kinds;
}

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
  kinds: readonly RuleTargetKind[] = builtInRuleTargetKinds,
): RuleTarget {
  const { kind, options } = parseRuleTarget(config, key, kinds);
  const target = kind.create(config.name, options, deps);
  return config.owners ? { ...target, owners: config.owners } : target;
}

/** The target's kind and its checked options; see {@link createRuleTarget}. @internal */
export function parseRuleTarget(
  config: RuleTargetConfig,
  key: string,
  kinds: readonly RuleTargetKind[] = builtInRuleTargetKinds,
): { kind: RuleTargetKind; options: unknown } {
  const kind = kinds.find(k => k.type === config.type);
  if (!kind) {
    const known = kinds.map(k => k.type).join(', ');
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
