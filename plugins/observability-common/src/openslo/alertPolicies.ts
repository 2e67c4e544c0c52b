/**
 * An SLO's alert policies against the burn-rate alerts Redline generates:
 * Redline always generates its own tiers, so a policy asking for anything
 * else is reported rather than followed.
 */
import { formatNumber } from '../generate/escape';
import { ALERTMANAGER_TARGET, burnConditions } from './exportOpenSlo';
import type { ImportContext } from './importContext';
import type {
  OpenSloAlertConditionSpec,
  OpenSloAlertPolicySpec,
  OpenSloOf,
} from './schema';

function conditionsOf(
  ctx: ImportContext,
  slo: OpenSloOf<'SLO'>,
): Array<{
  policy: string;
  spec: OpenSloAlertPolicySpec;
  condition?: OpenSloAlertConditionSpec;
}> {
  return (slo.spec.alertPolicies ?? []).flatMap(entry => {
    const policy =
      'alertPolicyRef' in entry
        ? ctx.resolve(
            'AlertPolicy',
            entry.alertPolicyRef,
            `SLO "${slo.metadata.name}"`,
          )
        : entry;
    if (!policy) return [];
    const condition = policy.spec.conditions[0];
    const resolved =
      'conditionRef' in condition
        ? ctx.resolve(
            'AlertCondition',
            condition.conditionRef,
            `AlertPolicy "${policy.metadata.name}"`,
          )?.spec
        : condition.spec;
    return [
      { policy: policy.metadata.name, spec: policy.spec, condition: resolved },
    ];
  });
}

/** Reports each alert policy of the SLO that differs from the burn-rate alerts Redline generates anyway. */
export function checkAlertPolicies(
  ctx: ImportContext,
  slo: OpenSloOf<'SLO'>,
  objectivePercent: number,
  windowDays: number,
): void {
  const generated = burnConditions(objectivePercent, windowDays);
  const tiers = generated
    .map(c => `${c.op} ${formatNumber(c.threshold)} over ${c.lookbackWindow}`)
    .join(', ');
  for (const { policy, spec, condition } of conditionsOf(ctx, slo)) {
    if (spec.alertWhenBreaching === false)
      ctx.note(
        'openslo.alert-policy-unsupported',
        'warning',
        `AlertPolicy "${policy}" turns alertWhenBreaching off; Redline's burn-rate alerts always fire while the budget burns.`,
      );
    if (spec.alertWhenResolved === false)
      ctx.note(
        'openslo.alert-policy-unsupported',
        'info',
        `AlertPolicy "${policy}" sets alertWhenResolved: false; Redline's Alertmanager receivers send resolved notifications.`,
      );
    for (const target of spec.notificationTargets) {
      const inline =
        'targetRef' in target
          ? ctx.find('AlertNotificationTarget', target.targetRef)
          : target;
      if (inline?.spec.target.toLowerCase() === ALERTMANAGER_TARGET) continue;
      ctx.note(
        'openslo.notification-target-unsupported',
        'info',
        `AlertPolicy "${policy}" notifies ${JSON.stringify(
          inline?.spec.target ?? (target as { targetRef: string }).targetRef,
        )}; Redline routes alerts through Alertmanager by the entity's owner and routing annotations instead.`,
      );
    }
    if (!condition) continue;
    const c = condition.condition;
    const same = generated.some(
      g =>
        g.op === c.op &&
        g.threshold === c.threshold &&
        g.lookbackWindow === c.lookbackWindow &&
        g.alertAfter === (c.alertAfter ?? '0m'),
    );
    if (!same)
      ctx.note(
        'openslo.alert-condition-unsupported',
        'warning',
        `AlertPolicy "${policy}" alerts on a burn rate ${c.op} ${formatNumber(
          c.threshold,
        )} over ${c.lookbackWindow}${
          c.alertAfter ? ` after ${c.alertAfter}` : ''
        }, which Redline does not generate; it generates, for this objective and window: ${tiers}.`,
        `${c.op} ${c.threshold} ${c.lookbackWindow}`,
      );
  }
}
