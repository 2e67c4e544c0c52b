import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { RuleSyncService } from './RuleSyncService';
import type { SyncConfig } from './syncConfig';

/** The scheduler task id of the catalog-wide rule sync. @internal */
export const SYNC_TASK_ID = 'observability-rule-sync';

/**
 * Schedules the catalog-wide sync as a `global` task (one replica runs
 * each occurrence) when `observability.sync` names a target (or several,
 * synced one after another) and a schedule; otherwise schedules nothing. Its
 * runs go through the same registry as `POST /sync`: a target already being
 * synced is joined, not synced twice at once. Its changes are recorded in
 * the apply history as made by `scheduler`.
 * @internal
 */
export async function scheduleCatalogSync(options: {
  scheduler: Pick<SchedulerService, 'scheduleTask'>;
  logger: LoggerService;
  sync: Pick<RuleSyncService, 'runs'>;
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
      const failed: string[] = [];
      for (const target of scheduled.targets) {
        // One tenant's ruler down must not hold back the others: a run
        // that fails settles as failed, it does not throw.
        const { run, joined, finished } = sync.runs.start({
          target,
          actor: 'scheduler',
          signal,
        });
        if (joined)
          logger.info(
            `Rule sync into ${target}: waiting for run ${run.id} started by ${run.actor}`,
          );
        const ended = await finished;
        if (ended.status === 'failed' || !ended.result) {
          logger.error(`Rule sync into ${target} failed: ${ended.error}`);
          failed.push(target);
          continue;
        }
        const { plan, applied, durationMs } = ended.result;
        logger.info(
          `Rule sync into ${target}: ${
            plan.writes.length
          } namespace(s) written, ${plan.deletes.length} deleted, ${
            applied?.failed ?? 0
          } failed, ${applied?.requests ?? 0} request(s), ${durationMs} ms`,
        );
      }
      // Thrown so the scheduler records the failed run.
      if (failed.length)
        throw new Error(`Rule sync failed for ${failed.join(', ')}`);
    },
  });
  return true;
}
