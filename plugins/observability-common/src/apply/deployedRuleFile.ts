import { renderRuleFileYaml } from '../generate/ruleFileYaml';
import { formatPrometheusDuration } from '../lint/duration';
import type { RuleGroup } from '../generate/types';
import type { DiffOptions, LooseRuleGroup } from './ruleGroupDiff';

/**
 * The rule file of groups as an engine reports them, in the renderer
 * generated rules go through, so a line diff against the declared file
 * shows what differs and not how the engine spells it: durations it gives
 * in seconds (vmalert) are written back as `5m`, and the engine's default
 * evaluation interval, which it reports on groups that set none, is left
 * out.
 * @public
 */
export function renderDeployedRuleFile(
  groups: readonly LooseRuleGroup[],
  options: DiffOptions = {},
): string {
  const spelled = (duration: string | number | undefined) =>
    typeof duration === 'number'
      ? formatPrometheusDuration(duration)
      : duration;
  const rendered = groups.map(group => ({
    name: group.name,
    interval:
      group.interval === options.defaultIntervalSeconds
        ? undefined
        : spelled(group.interval),
    rules: group.rules.map(rule => ({
      ...rule,
      for: rule.for ? spelled(rule.for) : undefined,
    })),
  }));
  // Loose rules render like generated ones: the renderer only reads their
  // keys, and those it omits when undefined.
  return renderRuleFileYaml({ groups: rendered as RuleGroup[] });
}
