import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isError } from '@backstage/errors';
import { bulkhead } from 'cockatiel';
import type {
  ApplyOutcome,
  LooseRuleGroup,
  RuleGroup,
  SyncPlan,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import { OutboundError } from '../services/retry';
import type { RuleTarget, WriteOutcome } from '../ruleTargets/RuleTarget';
import type { RequestContext } from '../telemetry/context';
import type { SyncLimits } from './syncLimits';

/** What applying a plan did. @internal */
export interface SyncCounts {
  namespacesWritten: number;
  namespacesDeleted: number;
  /** Namespaces whose change failed; each is in the apply history. */
  failed: number;
  /** HTTP requests the changes (and reloads) sent to the target. */
  requests: number;
  /** Bytes of rules written. */
  bytesWritten: number;
}

/** One namespace to change. */
interface Change {
  entityRef: string;
  /** Empty for a namespace deleted whole. */
  groups: readonly RuleGroup[];
  deployed: readonly LooseRuleGroup[];
  summary: string;
}

interface Done {
  change: Change;
  outcome?: WriteOutcome;
  error?: unknown;
}

/**
 * Makes the target match the plan, namespace by namespace: each write is
 * atomic in the target (a file renamed into place, one ruler group per
 * request), so stopping at any point leaves every group old or new, and the
 * next sync's plan holds just what is left. A namespace that fails is
 * recorded and the others go on; an abort stops before the next namespace.
 * Every change is recorded in the apply history with its actor and reason.
 * @internal
 */
export async function applySyncPlan(options: {
  target: RuleTarget;
  plan: SyncPlan;
  declared: ReadonlyMap<string, readonly RuleGroup[]>;
  deployed: ReadonlyMap<string, readonly LooseRuleGroup[]>;
  limits: SyncLimits;
  applyLog: Pick<ApplyLogStore, 'record'>;
  actor: string;
  ctx: RequestContext;
}): Promise<SyncCounts> {
  const { target, plan, limits, ctx } = options;
  const summaries = summariesOf(plan);
  const change = (entityRef: string, groups: readonly RuleGroup[]) => ({
    entityRef,
    groups,
    deployed: options.deployed.get(entityRef) ?? [],
    summary: summaries.get(entityRef) ?? '',
  });
  const changes: Change[] = [
    ...plan.writes.map(ref => change(ref, options.declared.get(ref) ?? [])),
    ...plan.deletes.map(ref => change(ref, [])),
  ];
  const counts: SyncCounts = {
    namespacesWritten: 0,
    namespacesDeleted: 0,
    failed: 0,
    requests: 0,
    bytesWritten: 0,
  };

  for (let start = 0; start < changes.length; start += limits.batchSize) {
    if (start > 0)
      await sleep(limits.pauseMs, undefined, { signal: ctx.signal });
    const batch = changes.slice(start, start + limits.batchSize);
    const done: Done[] = [];
    // The queue holds the rest of the batch; no signal is passed, so an
    // abort lets queued changes return unwritten instead of rejecting.
    const pool = bulkhead(limits.concurrency, batch.length);
    await Promise.all(
      batch.map(item =>
        pool.execute(async () => {
          if (ctx.signal?.aborted) return;
          try {
            const outcome = await target.write(
              item.entityRef,
              item.groups,
              ctx,
              { reload: false, deployed: item.deployed },
            );
            done.push({ change: item, outcome });
          } catch (error) {
            done.push({ change: item, error });
          }
        }),
      ),
    );
    const reload = await reloadAfter(target, done, ctx);
    for (const { change: item, outcome, error } of done) {
      if (outcome) {
        counts.requests += outcome.requests;
        counts.bytesWritten += outcome.bytes;
        if (item.groups.length === 0) counts.namespacesDeleted += 1;
        else counts.namespacesWritten += 1;
      } else counts.failed += 1;
      await record(options, item, { outcome, error, reload });
    }
    counts.requests += reload.requests;
    ctx.signal?.throwIfAborted();
  }
  return counts;
}

interface ReloadResult {
  status: 'ok' | 'failed' | 'skipped';
  message?: string;
  requests: number;
}

/** One reload for the batch, where the target needs one and a file changed. */
async function reloadAfter(
  target: RuleTarget,
  done: Done[],
  ctx: RequestContext,
): Promise<ReloadResult> {
  if (!target.reload || !done.some(d => d.outcome?.changed))
    return { status: 'skipped', requests: 0 };
  try {
    const { requests } = await target.reload(ctx);
    return { status: 'ok', requests };
  } catch (error) {
    // The files are in place: the engine loads them at its next reload.
    return { status: 'failed', message: messageOf(error), requests: 1 };
  }
}

async function record(
  options: Parameters<typeof applySyncPlan>[0],
  change: Change,
  result: { outcome?: WriteOutcome; error?: unknown; reload: ReloadResult },
): Promise<void> {
  const { outcome, error, reload } = result;
  const verb = change.groups.length === 0 ? 'deleted' : 'wrote';
  try {
    await options.applyLog.record({
      entityRef: change.entityRef,
      instance: options.target.name,
      path: options.target.locationOf?.(change.entityRef) ?? '',
      changed: outcome?.changed ?? false,
      contentSha256:
        change.groups.length === 0
          ? ''
          : createHash('sha256')
              .update(JSON.stringify(change.groups))
              .digest('hex'),
      validated: 'skipped',
      reloadStatus: outcome?.changed ? reload.status : 'skipped',
      ...(outcome?.changed && reload.message
        ? { reloadMessage: reload.message }
        : {}),
      outcome: outcomeOf(outcome),
      message: outcome
        ? `sync: ${verb} ${change.summary} on ${options.target.name}`
        : `sync: could not change ${change.summary} on ${
            options.target.name
          }: ${messageOf(error)}`,
      appliedBy: options.actor,
      correlationId: options.ctx.correlationId,
      appliedAt: new Date(),
    });
  } catch (recordError) {
    options.ctx.logger.warn(
      `Sync: could not record the change of ${change.entityRef} in the apply history: ${recordError}`,
    );
  }
}

function outcomeOf(outcome: WriteOutcome | undefined): ApplyOutcome {
  if (!outcome) return 'failed';
  return outcome.changed ? 'applied' : 'unchanged';
}

/** `+1 ~2 -0 group(s)` per entity, from the plan. */
function summariesOf(plan: SyncPlan): Map<string, string> {
  const counts = new Map<string, [number, number, number]>();
  for (const team of plan.teams) {
    (['added', 'changed', 'removed'] as const).forEach((key, index) => {
      for (const { entityRef } of team[key]) {
        const entry = counts.get(entityRef) ?? [0, 0, 0];
        entry[index] += 1;
        counts.set(entityRef, entry);
      }
    });
  }
  return new Map(
    [...counts].map(([ref, [added, changed, removed]]) => [
      ref,
      `+${added} ~${changed} -${removed} group(s)`,
    ]),
  );
}

/** A target's answer says what failed; anything else may carry server paths. */
function messageOf(error: unknown): string {
  if (error instanceof OutboundError) return error.message;
  if (isError(error) && error.name === 'AbortError') return 'aborted';
  return 'the target could not be written (see the portal log)';
}
