import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CoverageEvaluator } from './CoverageEvaluator';

/** The scheduler task id, also used by `POST /coverage/refresh`. @public */
export const COVERAGE_TASK_ID = 'observability-coverage-evaluation';

/** Every 30 minutes, 10 minutes at most, first run shortly after start. @public */
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
 * scheduler claims the task row in the database before running it).
 * @public
 */
export async function scheduleCoverageEvaluation(options: {
  scheduler: SchedulerService;
  config: Config;
  logger: LoggerService;
  evaluator: Pick<CoverageEvaluator, 'run'>;
}): Promise<void> {
  const { scheduler, config, logger, evaluator } = options;
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
}
