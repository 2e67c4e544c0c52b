import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import type {
  RootLifecycleService,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_GENERATOR_CONFIG,
  FactCycle,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import knexFactory, { Knex } from 'knex';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { CoverageEvaluator } from './CoverageEvaluator';
import { EntityObservabilityService } from './EntityObservabilityService';
import {
  COVERAGE_TASK_ID,
  COVERAGE_WATCHDOG_TASK_ID,
  readCoverageSchedule,
  recoverDeadCoverageRun,
  scheduleCoverageEvaluation,
} from './scheduleCoverageEvaluation';

jest.setTimeout(90_000);

const { ids, databases } = createTestDatabases();

/** A store with no run in progress. */
const idleStore = {
  runningRun: async () => undefined,
  abandonRun: async () => {},
};

describe('scheduleCoverageEvaluation', () => {
  function capture() {
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const scheduler = {
      scheduleTask: jest.fn(async (task: any) => {
        tasks.push(task);
      }),
    } as unknown as SchedulerService;
    return { tasks, scheduler };
  }

  it('schedules one global task, every 30 minutes by default', async () => {
    const { tasks, scheduler } = capture();
    const run = jest.fn(async () => ({} as any));
    await scheduleCoverageEvaluation({
      scheduler,
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      evaluator: { run },
      store: idleStore,
    });
    expect(tasks.map(t => t.id)).toEqual([
      COVERAGE_TASK_ID,
      COVERAGE_WATCHDOG_TASK_ID,
    ]);
    expect(tasks[0]).toMatchObject({
      id: COVERAGE_TASK_ID,
      scope: 'global',
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 15 },
    });
    const signal = new AbortController().signal;
    await tasks[0].fn(signal);
    expect(run).toHaveBeenCalledWith(signal);
  });

  it('watches for a dead run on every replica, every half dead-after', async () => {
    const { tasks, scheduler } = capture();
    const triggerTask = jest.fn(async () => {});
    const cancelTask = jest.fn(async () => {});
    Object.assign(scheduler, { triggerTask, cancelTask });
    let heartbeatAt = new Date(Date.now() - 1_000).toISOString();
    const abandonRun = jest.fn(async () => {});
    await scheduleCoverageEvaluation({
      scheduler,
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      evaluator: { run: jest.fn() },
      store: {
        runningRun: async () => ({
          runId: 'r',
          startedAt: heartbeatAt,
          heartbeatAt,
        }),
        abandonRun,
      },
      deadAfterMs: 10_000,
    });
    const watchdog = tasks[1];
    expect(watchdog).toMatchObject({
      id: COVERAGE_WATCHDOG_TASK_ID,
      scope: 'local',
      frequency: { milliseconds: 5_000 },
    });
    // Alive: left alone.
    await watchdog.fn(new AbortController().signal);
    expect(cancelTask).not.toHaveBeenCalled();
    // Dead: abandoned, lease released, next run triggered.
    heartbeatAt = new Date(Date.now() - 11_000).toISOString();
    await watchdog.fn(new AbortController().signal);
    expect(abandonRun).toHaveBeenCalledWith('r');
    expect(cancelTask).toHaveBeenCalledWith(COVERAGE_TASK_ID);
    expect(triggerTask).toHaveBeenCalledWith(COVERAGE_TASK_ID);
  });

  it('recovers nothing without a recorded run, and passes unexpected scheduler errors on', async () => {
    const cancelTask = jest.fn(async () => {});
    const scheduler = { triggerTask: jest.fn(), cancelTask };
    const logger = mockServices.logger.mock();
    expect(
      await recoverDeadCoverageRun({ scheduler, store: idleStore, logger }),
    ).toBe(false);
    expect(cancelTask).not.toHaveBeenCalled();
    const stale = new Date(Date.now() - 120_000).toISOString();
    cancelTask.mockRejectedValueOnce(new Error('database down'));
    await expect(
      recoverDeadCoverageRun({
        scheduler,
        store: {
          runningRun: async () => ({
            runId: 'r',
            startedAt: stale,
            heartbeatAt: stale,
          }),
          abandonRun: async () => {},
        },
        logger,
      }),
    ).rejects.toThrow('database down');
  });

  it('reads the schedule from observability.coverage.schedule', () => {
    const schedule = readCoverageSchedule(
      new ConfigReader({
        observability: {
          coverage: {
            schedule: { frequency: { cron: '*/5 * * * *' }, timeout: 'PT2M' },
          },
        },
      }),
    );
    expect(schedule.frequency).toEqual({ cron: '*/5 * * * *' });
    expect(schedule.timeout).toEqual({ minutes: 2 });
    // Kept small when the config does not say, so a fresh portal fills its table soon.
    expect(schedule.initialDelay).toEqual({ seconds: 15 });
  });

  it('stays global even when the configured schedule says local', async () => {
    const { tasks, scheduler } = capture();
    await scheduleCoverageEvaluation({
      scheduler,
      config: new ConfigReader({
        observability: {
          coverage: {
            schedule: {
              frequency: { minutes: 5 },
              timeout: { minutes: 1 },
              scope: 'local',
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      evaluator: { run: jest.fn() },
      store: idleStore,
    });
    expect(tasks[0]).toMatchObject({
      scope: 'global',
      frequency: { minutes: 5 },
    });
  });

  it('rejects an invalid schedule at startup with the key in the message', () => {
    expect(() =>
      readCoverageSchedule(
        new ConfigReader({
          observability: { coverage: { schedule: { frequency: 'often' } } },
        }),
      ),
    ).toThrow(/frequency|timeout/);
  });

  it('logs and rethrows a failed evaluation so the scheduler records it', async () => {
    const { tasks, scheduler } = capture();
    const logger = mockServices.logger.mock();
    await scheduleCoverageEvaluation({
      scheduler,
      config: new ConfigReader({}),
      logger,
      evaluator: { run: async () => Promise.reject(new Error('catalog down')) },
      store: idleStore,
    });
    await expect(tasks[0].fn(new AbortController().signal)).rejects.toThrow(
      'catalog down',
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('catalog down'),
    );
  });
});

/**
 * Two backend replicas, each with its own scheduler and knex pool, on one
 * PostgreSQL database: the global task must run once per occurrence, not
 * once per replica.
 */
const describeReplicas = ids.includes('POSTGRES_15') ? describe : describe.skip;

describeReplicas('two replicas on one PostgreSQL', () => {
  const entities: Entity[] = Array.from({ length: 12 }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `svc-${i}`, namespace: 'default' },
    spec: { type: 'service', owner: `team-${i % 3}`, lifecycle: 'production' },
  }));
  const catalog = {
    async queryEntities(request: any) {
      const offset = request.cursor ? Number(request.cursor) : 0;
      const items = entities.slice(offset, offset + request.limit);
      const next = offset + request.limit;
      return {
        items,
        totalItems: entities.length,
        pageInfo: next < entities.length ? { nextCursor: String(next) } : {},
      };
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      return { items: request.entityRefs.map(() => ({} as Entity)) };
    },
  };

  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  interface Run {
    replica: string;
    start: number;
    end: number;
  }

  /** A replica: own knex pool, own scheduler, own evaluator, shared database. */
  async function startReplica(
    name: string,
    connection: Knex.Config['connection'],
    scheduleConfig: object,
    runs: Run[],
  ) {
    const knex = knexFactory({
      client: 'pg',
      connection,
      pool: { min: 0, max: 5 },
    });
    const database = mockServices.database({ knex });
    const shutdownHooks: Array<() => void | Promise<void>> = [];
    const rootLifecycle = {
      addStartupHook: () => {},
      addBeforeShutdownHook: () => {},
      addShutdownHook: (hook: () => void) => shutdownHooks.push(hook),
    } as unknown as RootLifecycleService;
    const noop = { add() {}, record() {} };
    const scheduler = DefaultSchedulerService.create({
      database,
      logger: mockServices.logger.mock(),
      metrics: {
        createCounter: () => noop,
        createHistogram: () => noop,
        createGauge: () => noop,
        createUpDownCounter: () => noop,
      } as any,
      rootLifecycle,
      httpRouter: { use() {}, addAuthPolicy() {} },
      pluginMetadata: { getId: () => 'observability' },
    });
    const store = await DatabaseCoverageStore.create({ database });
    const evaluator = CoverageEvaluator.create({
      catalog: catalog as any,
      auth: mockServices.auth(),
      store,
      logger: mockServices.logger.mock(),
      describer: EntityObservabilityService.create({
        catalog: catalog as any,
        generator: DEFAULT_GENERATOR_CONFIG,
        generators: withGenerators([]),
        checks: withChecks([]),
      }),
      newFactCycle: () =>
        new FactCycle(
          {
            async ownersExist(refs) {
              const { items } = await catalog.getEntitiesByRefs({
                entityRefs: refs,
              });
              return new Map(refs.map((ref, i) => [ref, Boolean(items[i])]));
            },
          },
          { batch: true },
        ),
      pageSize: 5,
    });
    await scheduleCoverageEvaluation({
      scheduler,
      config: new ConfigReader({
        observability: { coverage: { schedule: scheduleConfig } },
      }),
      logger: mockServices.logger.mock(),
      evaluator: {
        async run(signal) {
          const start = Date.now();
          // Long enough that a second replica polling meanwhile would overlap.
          const result = await evaluator.run(signal);
          await new Promise(r => setTimeout(r, 300));
          runs.push({ replica: name, start, end: Date.now() });
          return result;
        },
      },
      store,
    });
    cleanups.push(async () => {
      for (const hook of shutdownHooks) await hook();
      // Let the workers notice the abort before their pool goes away.
      await new Promise(r => setTimeout(r, 200));
      await knex.destroy();
    });
    return { scheduler, store };
  }

  async function sharedDatabase() {
    const knex = await databases.init('POSTGRES_15');
    return knex.client.config.connection as Knex.Config['connection'];
  }

  const waitFor = async (predicate: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!predicate() && Date.now() < until)
      await new Promise(r => setTimeout(r, 100));
  };

  it('runs the evaluation exactly once per interval across both replicas', async () => {
    const connection = await sharedDatabase();
    const runs: Run[] = [];
    const schedule = {
      frequency: { seconds: 2 },
      timeout: { seconds: 30 },
      initialDelay: { seconds: 0 },
    };
    const started = Date.now();
    const a = await startReplica('a', connection, schedule, runs);
    await startReplica('b', connection, schedule, runs);

    await new Promise(r => setTimeout(r, 7_000));
    const elapsed = Date.now() - started;
    const snapshot = [...runs].sort((x, y) => x.start - y.start);

    expect(snapshot.length).toBeGreaterThanOrEqual(2);
    // Not more runs than intervals (a double-run would give about twice as many).
    expect(snapshot.length).toBeLessThanOrEqual(Math.floor(elapsed / 2000) + 1);
    for (let i = 1; i < snapshot.length; i++) {
      // Never overlapping: with both replicas running each occurrence, runs
      // would start together and overlap by the 300 ms each one takes.
      // (Starts are not asserted to be 2 s apart: a run delayed by polling
      // may be followed closely by the next one on the 2 s grid.)
      expect(snapshot[i].start).toBeGreaterThanOrEqual(snapshot[i - 1].end);
    }
    // Each run wrote exactly one overall history point.
    const history = await a.store.listHistory({});
    expect(history.length).toBeGreaterThanOrEqual(snapshot.length);
    expect(history.length).toBeLessThanOrEqual(snapshot.length + 1); // one may be finishing
  });

  it('a trigger from either replica runs it once more, on one replica only', async () => {
    const connection = await sharedDatabase();
    const runs: Run[] = [];
    const schedule = {
      frequency: { hours: 1 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 0 },
    };
    const a = await startReplica('a', connection, schedule, runs);
    const b = await startReplica('b', connection, schedule, runs);

    // Both replicas race for the first occurrence; one wins.
    await waitFor(() => runs.length >= 1, 15_000);
    await new Promise(r => setTimeout(r, 6_000)); // a full poll cycle for the loser
    expect(runs).toHaveLength(1);

    await b.scheduler.triggerTask(COVERAGE_TASK_ID);
    await waitFor(() => runs.length >= 2, 15_000);
    await new Promise(r => setTimeout(r, 6_000));
    expect(runs).toHaveLength(2);

    const history = await a.store.listHistory({});
    expect(history).toHaveLength(2);
    expect(history.every(p => p.services === entities.length)).toBe(true);
    const teams = await a.store.listHistory({ team: 'team-0' });
    expect(teams).toHaveLength(2);
  });
});
