import {
  diffRuleGroups,
  type LooseRuleGroup,
  type RuleGroup,
  type RuleGroupDiff,
} from '@redline/backstage-plugin-observability-common';
import type { z } from 'zod';
import type { OutboundHttp } from '../services/OutboundHttp';
import type { RequestContext } from '../telemetry/context';

/**
 * Somewhere rule groups are evaluated. A namespace is an entity ref: each
 * entity's groups live apart, and a target touches only what Redline wrote
 * there (an owned file name and header, or a namespace prefix), never
 * another tool's rules.
 * @internal
 */
export interface RuleTarget {
  readonly name: string;
  readonly type: string;
  /** The interval the engine gives groups that set none, as it reports it. */
  readonly defaultIntervalSeconds?: number;
  /** Makes the namespace hold exactly `groups`; an empty list deletes it. */
  write(
    namespace: string,
    groups: readonly RuleGroup[],
    ctx: RequestContext,
  ): Promise<void>;
  /** The groups deployed in the namespace now, as the engine reports them. */
  read(namespace: string, ctx: RequestContext): Promise<LooseRuleGroup[]>;
  delete(namespace: string, ctx: RequestContext): Promise<void>;
}

/** What targets are built from. @internal */
export interface RuleTargetDeps {
  http: OutboundHttp;
}

/**
 * One kind of target: its `type` in config, the schema of the options an
 * instance of it takes, and how to build one.
 * @internal
 */
export interface RuleTargetKind<Options extends z.ZodType = z.ZodType> {
  type: string;
  options: Options;
  create(
    name: string,
    options: z.infer<Options>,
    deps: RuleTargetDeps,
  ): RuleTarget;
}

/** Declares a kind with its options typed from the schema. @internal */
export function ruleTargetKind<Options extends z.ZodType>(
  kind: RuleTargetKind<Options>,
): RuleTargetKind {
  return kind as unknown as RuleTargetKind;
}

/** What writing `declared` into the namespace would change. @internal */
export async function diffNamespace(
  target: RuleTarget,
  namespace: string,
  declared: readonly LooseRuleGroup[],
  ctx: RequestContext,
): Promise<RuleGroupDiff> {
  return diffRuleGroups(declared, await target.read(namespace, ctx), {
    defaultIntervalSeconds: target.defaultIntervalSeconds,
  });
}
