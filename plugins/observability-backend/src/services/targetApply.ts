import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  changesNothing,
  diffRuleGroups,
  diffStat,
  lineDiff,
  renderDeployedRuleFile,
  renderRuleFileYaml,
  type ApplyPreviewResponse,
  type ApplyResponse,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import { OutboundError } from './retry';
import type { RequestContext } from '../telemetry/context';

/** An entity's rule groups bound for a configured rule target. @internal */
export interface TargetApply {
  entityRef: string;
  target: RuleTarget;
  /** The groups the rules file holds (`artifacts.rules.groups`). */
  groups: readonly RuleGroup[];
  /** The entity's owner (a group ref), checked against the target's `owners`. */
  owner?: string;
}

/** What writing through a target did. @internal */
export interface TargetWritten {
  changed: boolean;
  reload: ApplyResponse['reload'];
}

/** What names the entity's namespace in the target, for the history. */
export function locationIn(plan: TargetApply): string {
  return plan.target.locationOf?.(plan.entityRef) ?? plan.entityRef;
}

/** The rule file of the groups, as promtool checks it and the history hashes it. */
export function ruleFileOf(plan: TargetApply): string {
  return renderRuleFileYaml({ groups: [...plan.groups] });
}

/**
 * Refuses an entity the target is not for: with `owners`, only those teams'
 * entities live there, and a sync would remove any other one again.
 */
export function checkTargetHolds(plan: TargetApply): void {
  const { target, entityRef, owner } = plan;
  if (!target.owners || (owner && target.owners.includes(owner))) return;
  throw new ConflictError(
    `Not applied: rule target '${
      target.name
    }' holds only the rules of entities owned by ${target.owners.join(
      ', ',
    )}, and ${entityRef} is ${
      owner ? `owned by ${owner}` : 'owned by no one'
    }. Choose another target with the annotation redline.dev/rule-target.`,
  );
}

/**
 * Makes the entity's namespace in the target hold exactly its groups. The
 * target writes nothing when it already holds them; a file target is then
 * reloaded once, and a failed reload is reported, not rolled back: the
 * rules are in place and load at the engine's next reload.
 */
export async function writeThroughTarget(
  plan: TargetApply,
  ctx: RequestContext,
): Promise<TargetWritten> {
  const { target, entityRef, groups } = plan;
  const outcome = await target.write(entityRef, groups, ctx, {
    reload: false,
  });
  if (!outcome.changed) {
    return {
      changed: false,
      reload: { status: 'skipped', message: 'rules unchanged' },
    };
  }
  ctx.logger.info(
    `Wrote the rules of ${entityRef} to rule target '${
      target.name
    }' (${locationIn(plan)})`,
  );
  if (!target.reload) {
    return {
      changed: true,
      reload: {
        status: 'skipped',
        message: `a ${target.type} target takes the rules without a reload`,
      },
    };
  }
  try {
    await target.reload(ctx);
    return { changed: true, reload: { status: 'ok' } };
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    ctx.logger.warn(
      `Reload of rule target '${target.name}' failed: ${message}`,
    );
    return { changed: true, reload: { status: 'failed', message } };
  }
}

/**
 * What writing through the target would change: the groups it holds now,
 * rendered like the declared file, line by line against that file.
 * `changed` compares the groups as the engine evaluates them, so a mere
 * difference in how the engine spells a duration is no change.
 */
export async function previewThroughTarget(
  plan: TargetApply,
  ctx: RequestContext,
): Promise<ApplyPreviewResponse> {
  const { target, entityRef, groups } = plan;
  const deployed = inDeclaredOrder(await target.read(entityRef, ctx), groups);
  const options = { defaultIntervalSeconds: target.defaultIntervalSeconds };
  const diff = lineDiff(
    deployed.length > 0 ? renderDeployedRuleFile(deployed, options) : '',
    ruleFileOf(plan),
  );
  return {
    entityRef,
    instance: target.name,
    target: target.name,
    fileName: locationIn(plan),
    deployed: deployed.length > 0,
    changed: !changesNothing(diffRuleGroups(groups, deployed, options)),
    diff,
    ...diffStat(diff),
  };
}

/**
 * Deployed groups in the order the declared ones have, others after: a
 * ruler answers its groups sorted by name, and the order of groups is no
 * difference an engine makes (each is evaluated on its own).
 */
function inDeclaredOrder<T extends { name: string }>(
  deployed: readonly T[],
  declared: readonly { name: string }[],
): T[] {
  const rank = new Map(declared.map((group, index) => [group.name, index]));
  const position = (group: T) => rank.get(group.name) ?? declared.length;
  return [...deployed].sort((a, b) => position(a) - position(b));
}

/**
 * A target's refusal or outage as an answer: its own message says which
 * target and what failed (status, not the body); anything else is left to
 * the caller's general handling.
 */
export function targetErrorForPeople(
  error: unknown,
  target: RuleTarget,
): unknown {
  if (!(error instanceof OutboundError)) return error;
  return new ServiceUnavailableError(
    `Rule target '${target.name}' (${target.type}) did not take the rules: ${error.message}`,
  );
}
