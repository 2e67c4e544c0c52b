import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { backgroundContext } from '../telemetry/context';
import type { RuleSyncService } from './RuleSyncService';
import type { SyncConfig } from './syncConfig';

/** The scheduler task id of the catalog-wide rule sync. @internal */
export const SYNC_TASK_ID = 'observability-rule-sync';

/**
 * Schedules the catalog-wide sync as a `global` task (one replica runs
 * each occurrence) when `observability.sync` names a target (or several,
 * synced one after another) and a schedule; otherwise schedules nothing. Its changes are recorded in the
 * apply history as made by `scheduler`.
 * @internal
 */
export async function scheduleCatalogSync(options: {
  scheduler: Pick<SchedulerService, 'scheduleTask'>;
  logger: LoggerService;
  sync: Pick<RuleSyncService, 'run'>;
  config: SyncConfig;
}): Promise<boolean> {
  const { scheduler, logger, sync } = options;
  const scheduled = options.config.scheduled;
  if (!scheduled) return false;
  await scheduler.scheduleTask({
    id: SYNC_TASK_ID,
    ...scheduled.schedule,
    // After the spread: a configured `local` must not make every replica
    // write the same rules.
    scope: 'global',
    fn: async signal => {
      const ctx = backgroundContext(logger, { task: 'rule-sync' }, signal);
      const failed: string[] = [];
      for (const target of scheduled.targets) {
        try {
          const { plan, applied, durationMs } = await sync.run({
            target,
            actor: 'scheduler',
            ctx,
          });
          logger.info(
            `Rule sync into ${target}: ${
              plan.writes.length
            } namespace(s) written, ${plan.deletes.length} deleted, ${
              applied?.failed ?? 0
            } failed, ${applied?.requests ?? 0} request(s), ${durationMs} ms`,
          );
        } catch (error) {
          // One tenant's ruler down must not hold back the others.
          logger.error(`Rule sync into ${target} failed: ${error}`);
          failed.push(target);
        }
      }
      // Thrown so the scheduler records the failed run.
      if (failed.length)
        throw new Error(`Rule sync failed for ${failed.join(', ')}`);
    },
  });
  return true;
}
