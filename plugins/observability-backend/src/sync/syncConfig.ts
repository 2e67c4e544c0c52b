import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { SyncLimits } from './syncLimits';

/** `observability.sync`, read. @internal */
export interface SyncConfig {
  /** The scheduled sync; absent unless both a target and a schedule are set. */
  scheduled?: {
    /** Synced one after another: a target per tenant makes several. */
    targets: string[];
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  limits: Partial<SyncLimits>;
}

/**
 * Reads `observability.sync`. The scheduled sync is off unless a target
 * and a schedule are both configured: writing every entity's rules into an
 * engine is something an operator turns on.
 * @internal
 */
export function readSyncConfig(
  config: Config,
  ruleTargetNames: readonly string[],
): SyncConfig {
  const sync = config.getOptionalConfig('observability.sync');
  const limits: Partial<SyncLimits> = {};
  for (const key of ['batchSize', 'concurrency', 'pauseMs'] as const) {
    const value = sync?.getOptionalNumber(key);
    if (value === undefined) continue;
    const least = key === 'pauseMs' ? 0 : 1;
    if (!Number.isInteger(value) || value < least)
      throw new Error(
        `observability.sync.${key} must be an integer of at least ${least}`,
      );
    limits[key] = value;
  }
  const configured = sync?.getOptional<string | string[]>('target');
  const scheduleConfig = sync?.getOptionalConfig('schedule');
  if (configured === undefined || !scheduleConfig) return { limits };
  const targets = typeof configured === 'string' ? [configured] : configured;
  for (const target of targets)
    if (typeof target !== 'string' || !ruleTargetNames.includes(target))
      throw new Error(
        `observability.sync.target '${target}' is not the name of any observability.ruleTargets entry`,
      );
  return {
    scheduled: {
      targets,
      schedule:
        readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig),
    },
    limits,
  };
}
