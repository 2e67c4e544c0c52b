import {
  diffRuleGroups,
  type DeployedNamespace,
  type LooseRuleGroup,
  type RuleGroup,
  type RuleGroupDiff,
} from '@redline/backstage-plugin-observability-common';
import type { z } from 'zod';
import type {
  OutboundRequest,
  OutboundResponse,
} from '../services/OutboundHttp';
import type { RequestContext } from '../telemetry/context';

/**
 * Somewhere rule groups are evaluated. A namespace is an entity ref: each
 * entity's groups live apart, and a target touches only what Redline wrote
 * there (an owned file name and header, or a namespace prefix), never
 * another tool's rules.
 * @public
 */
export interface RuleTarget {
  readonly name: string;
  readonly type: string;
  /** The interval the engine gives groups that set none, as it reports it. */
  readonly defaultIntervalSeconds?: number;
  /**
   * The owning teams (group refs) whose entities this target holds; absent:
   * every entity. One target per tenant with its teams is how each team's
   * rules go to its own tenant, and an entity that changes owner moves.
   */
  readonly owners?: readonly string[];
  /**
   * What names the entity's namespace in the engine (a file name, a ruler
   * namespace), for the apply history; absent: the entity ref itself.
   */
  locationOf?(namespace: string): string;
  /** Makes the namespace hold exactly `groups`; an empty list deletes it. */
  write(
    namespace: string,
    groups: readonly RuleGroup[],
    ctx: RequestContext,
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  /** The groups deployed in the namespace now, as the engine reports them. */
  read(namespace: string, ctx: RequestContext): Promise<LooseRuleGroup[]>;
  /** Removes the namespace; `UNCHANGED` when there was none. */
  delete(
    namespace: string,
    ctx: RequestContext,
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  /**
   * Every namespace Redline created here, by entity ref, with the groups it
   * holds as written — in as few requests as the target allows (one ruler
   * `GET`, one directory read). Namespaces another tool or a person made
   * are not listed, so a sync cannot delete them.
   */
  list(
    ctx: RequestContext,
    options?: ListOptions,
  ): Promise<DeployedNamespace[]>;
  /**
   * Makes the engine load what `write` and `delete` changed with
   * `reload: false`; absent where every write takes effect by itself.
   */
  reload?(ctx: RequestContext): Promise<WriteOutcome>;
}

/** What a listing may use to read less. @public */
export interface ListOptions {
  /**
   * The groups the caller will compare each namespace with. A target that
   * can tell without parsing that a namespace holds exactly these (a file
   * byte for byte as it would write it) lists them as they are: reading
   * back 10 000 unchanged files is most of a sync's work otherwise.
   */
  declared?: ReadonlyMap<string, readonly RuleGroup[]>;
}

/** How a write or delete goes about it. @public */
export interface WriteOptions {
  /**
   * False: leave loading the change to a later `reload`, so a batch of
   * writes costs one reload, not one each. Default true.
   */
  reload?: boolean;
  /** What the namespace holds now, when the caller has just listed it. */
  deployed?: readonly LooseRuleGroup[];
}

/** What a write, delete or reload cost. @public */
export interface WriteOutcome {
  /** Whether anything changed. */
  changed: boolean;
  /** HTTP requests sent to the engine. */
  requests: number;
  /** Bytes of rules written (request bodies or file contents). */
  bytes: number;
}

/** A write that changed nothing and sent nothing. @public */
export const UNCHANGED: WriteOutcome = {
  changed: false,
  requests: 0,
  bytes: 0,
};

/**
 * The plugin's outbound HTTP as a target sees it: every call has a timeout,
 * the configured retries and a circuit per server, carries the correlation
 * ID and stops when `ctx.signal` fires. A failed call throws an error that
 * Apply answers as 503 naming the target, and a sync reports per namespace;
 * its `status` is the engine's HTTP status when it answered with one (a 404
 * for an absent namespace, say).
 * @public
 */
export interface RuleTargetHttp {
  /** Sends `request`; throws once its attempts failed or `ctx.signal` fired. */
  send(
    request: OutboundRequest,
    ctx: RequestContext,
  ): Promise<OutboundResponse>;
  /** `send`, the body parsed as JSON and passed through `validate` when given. */
  json<T>(
    request: OutboundRequest,
    ctx: RequestContext,
    validate?: (value: unknown) => T,
  ): Promise<T>;
}

/** What targets are built from. @public */
export interface RuleTargetDeps {
  http: RuleTargetHttp;
}

/**
 * One kind of target: its `type` in config, the schema of the options an
 * instance of it takes, and how to build one.
 * @public
 */
export interface RuleTargetKind<Options extends z.ZodType = z.ZodType> {
  /** What `observability.ruleTargets` entries name it by; unique per backend. */
  type: string;
  /** The entry's keys besides `name`, `type` and `owners` (zod 4). */
  options: Options;
  /** One configured target, from its checked options. */
  create(
    name: string,
    options: z.infer<Options>,
    deps: RuleTargetDeps,
  ): RuleTarget;
}

/** Declares a kind with its options typed from the schema. @public */
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
