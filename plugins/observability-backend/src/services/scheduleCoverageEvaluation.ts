import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CoverageRefreshResponse } from '@redline/backstage-plugin-observability-common';
import type { CoverageStore } from '../database/CoverageStore';
import type { CoverageEvaluator } from './CoverageEvaluator';

/** The scheduler task id, also used by `POST /coverage/refresh`. @public */
export const COVERAGE_TASK_ID = 'observability-coverage-evaluation';

/** Each replica's check for a dead run (see `recoverDeadCoverageRun`). @public */
export const COVERAGE_WATCHDOG_TASK_ID = 'observability-coverage-watchdog';

/**
 * A run whose heartbeat is older than this is dead: six missed beats at the
 * evaluator's default 10 s, so a slow database write or a long garbage
 * collection is not mistaken for a crash.
 * @public
 */
export const COVERAGE_DEAD_AFTER_MS = 60_000;

/** What deciding whether a run is dead needs. @public */
export interface CoverageLivenessOptions {
  scheduler: Pick<SchedulerService, 'triggerTask' | 'cancelTask'>;
  store: Pick<CoverageStore, 'runningRun' | 'abandonRun'>;
  logger: LoggerService;
  /** Default `COVERAGE_DEAD_AFTER_MS`. */
  deadAfterMs?: number;
  now?: () => number;
}

function isConflict(error: unknown): boolean {
  return (error as Error)?.name === 'ConflictError';
}

/** True when the scheduler accepted the trigger, false when it holds the task's lease. */
async function tryTrigger(
  scheduler: Pick<SchedulerService, 'triggerTask'>,
): Promise<boolean> {
  try {
    await scheduler.triggerTask(COVERAGE_TASK_ID);
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

/**
 * Gives up a run whose process died, and releases the scheduler's lease on
 * it. The lease alone cannot tell a dead run from a live one: after a
 * `kill -9` it stays held until the task's timeout has passed and the
 * scheduler's janitor (once a minute) has cleared it, and meanwhile the
 * task can neither run nor be triggered. The run's heartbeat can: a run
 * whose heartbeat is older than `deadAfterMs` is abandoned (its rows
 * deleted, never published) and its lease cancelled. Returns whether it
 * did so; a held lease without any run recorded (a run that is starting)
 * is left to the scheduler.
 * @public
 */
export async function recoverDeadCoverageRun(
  options: CoverageLivenessOptions,
): Promise<boolean> {
  const { scheduler, store, logger } = options;
  const run = await store.runningRun();
  const now = options.now?.() ?? Date.now();
  const deadAfterMs = options.deadAfterMs ?? COVERAGE_DEAD_AFTER_MS;
  if (!run || now - Date.parse(run.heartbeatAt) <= deadAfterMs) return false;
  await store.abandonRun(run.runId);
  try {
    await scheduler.cancelTask(COVERAGE_TASK_ID);
  } catch (error) {
    // Not running: the lease had already expired.
    if (!isConflict(error)) throw error;
  }
  logger.warn(
    `Coverage: run ${run.runId} has had no heartbeat since ${run.heartbeatAt}; taken for dead and its lease released`,
  );
  return true;
}

/**
 * `POST /coverage/refresh`: starts a run now. `already-running` only when
 * a run holds the lease and is alive (or starting); a dead run's lease is
 * released first, so a crash does not block refreshes until it expires.
 * @public
 */
export async function triggerCoverageEvaluation(
  options: CoverageLivenessOptions,
): Promise<CoverageRefreshResponse['status']> {
  if (await tryTrigger(options.scheduler)) return 'triggered';
  if (!(await recoverDeadCoverageRun(options))) return 'already-running';
  // Another replica may have claimed the released task meanwhile: then a
  // run is under way, which is what was asked for.
  return (await tryTrigger(options.scheduler))
    ? 'triggered'
    : 'already-running';
}

/**
 * Every 30 minutes, first run shortly after start. The timeout bounds a run
 * that hangs (it is aborted) and is the fallback for a dead one's lease when
 * the watchdog cannot act; well under the period, so even then the next
 * run starts within one period of a crash.
 * @public
 */
export const DEFAULT_COVERAGE_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 30 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 15 },
  };

/** Reads `observability.coverage.schedule`, falling back to the default. @public */
export function readCoverageSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  const scheduleConfig = config.getOptionalConfig(
    'observability.coverage.schedule',
  );
  if (!scheduleConfig) return DEFAULT_COVERAGE_SCHEDULE;
  const schedule =
    readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
  return {
    ...schedule,
    initialDelay:
      schedule.initialDelay ?? DEFAULT_COVERAGE_SCHEDULE.initialDelay,
  };
}

/**
 * Schedules the coverage evaluation as a `global` task: with several backend
 * replicas on one database only one of them runs each occurrence (the
 * scheduler claims the task row in the database before running it). Also a
 * `local` watchdog on every replica, every half `deadAfterMs`, that
 * recovers a dead run and triggers the next one at once, so a crash delays
 * coverage by about `deadAfterMs`, not by the task's timeout.
 * @public
 */
export async function scheduleCoverageEvaluation(options: {
  scheduler: SchedulerService;
  config: Config;
  logger: LoggerService;
  evaluator: Pick<CoverageEvaluator, 'run'>;
  store: Pick<CoverageStore, 'runningRun' | 'abandonRun'>;
  /** Default `COVERAGE_DEAD_AFTER_MS`. */
  deadAfterMs?: number;
}): Promise<void> {
  const { scheduler, config, logger, evaluator, store } = options;
  const deadAfterMs = options.deadAfterMs ?? COVERAGE_DEAD_AFTER_MS;
  const schedule = readCoverageSchedule(config);
  await scheduler.scheduleTask({
    id: COVERAGE_TASK_ID,
    ...schedule,
    // After the spread: the config reader returns `scope: undefined`, and a
    // configured `local` must not make every replica run its own evaluation.
    scope: 'global',
    fn: async signal => {
      try {
        await evaluator.run(signal);
      } catch (error) {
        logger.error(`Coverage evaluation failed: ${error}`);
        // Rethrown so the scheduler records the failed run.
        throw error;
      }
    },
  });
  await scheduler.scheduleTask({
    id: COVERAGE_WATCHDOG_TASK_ID,
    frequency: { milliseconds: Math.max(500, deadAfterMs / 2) },
    timeout: { seconds: 30 },
    // Every replica looks: the one that restarted after a crash is often
    // the only one left.
    scope: 'local',
    fn: async () => {
      try {
        const liveness = { scheduler, store, logger, deadAfterMs };
        if (await recoverDeadCoverageRun(liveness)) await tryTrigger(scheduler);
      } catch (error) {
        logger.warn(`Coverage: could not check for a dead run: ${error}`);
      }
    },
  });
}
