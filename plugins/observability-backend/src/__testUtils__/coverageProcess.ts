/**
 * A backend reduced to its coverage evaluation, as a process a test can
 * `kill -9`: the real DatabaseCoverageStore on a SQLite file or PostgreSQL,
 * the real CoverageEvaluator over a synthetic catalog whose pages are slow
 * enough to be killed between, and (in `scheduled` mode) Backstage's real
 * scheduler with the plugin's task and watchdog.
 *
 * Run with `node --require @backstage/cli/config/nodeTransform.cjs
 * coverageProcess.ts '<json options>'`. Reports one JSON line per event on
 * stdout: `begin`, `page`, `published`, `done`.
 */
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import type {
  DatabaseService,
  LoggerService,
  RootLifecycleService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_GENERATOR_CONFIG,
  FactCycle,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import knexFactory, { Knex } from 'knex';
import type { CoverageStore } from '../database/CoverageStore';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { CoverageEvaluator } from '../services/CoverageEvaluator';
import { EntityObservabilityService } from '../services/EntityObservabilityService';
import { scheduleCoverageEvaluation } from '../services/scheduleCoverageEvaluation';

/** What the test passes as the only argument, as JSON. */
export interface CoverageProcessOptions {
  database:
    | { client: 'better-sqlite3'; filename: string }
    | { client: 'pg'; connection: string };
  /** `once`: one run, then exit. `scheduled`: the plugin's tasks, until killed. */
  mode: 'once' | 'scheduled';
  entities: number;
  pageSize: number;
  /** Added to every catalog page, so a run lasts long enough to be killed. */
  pageDelayMs: number;
  heartbeatIntervalMs: number;
  deadAfterMs: number;
  /** The task's period in `scheduled` mode. */
  frequencySeconds: number;
}

function emit(event: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ ...event, at: Date.now() })}\n`);
}

function entity(i: number): Entity {
  const name = `svc-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations:
        i % 3 === 0 ? { 'redline.dev/slo-availability': '99.9' } : {},
    },
    spec: { type: 'service', owner: `team-${i % 20}`, lifecycle: 'production' },
  };
}

function slowCatalog(total: number, delayMs: number) {
  return {
    async queryEntities(request: { cursor?: string; limit: number }) {
      await new Promise(r => setTimeout(r, delayMs));
      const offset = request.cursor ? Number(request.cursor) : 0;
      const end = Math.min(total, offset + request.limit);
      const items: Entity[] = [];
      for (let i = offset; i < end; i++) items.push(entity(i));
      return {
        items,
        totalItems: total,
        pageInfo: end < total ? { nextCursor: String(end) } : {},
      };
    },
  };
}

/**
 * Warnings and errors to stderr. (Not backend-test-utils' mocks: importing
 * them costs the process seconds of start-up, on every restart.)
 */
const stderrLogger: LoggerService = {
  error: message => process.stderr.write(`error: ${message}\n`),
  warn: message => process.stderr.write(`warn: ${message}\n`),
  info: () => {},
  debug: () => {},
  child: () => stderrLogger,
};

/** The evaluator a coverage process runs (also the test's, for its seed run). */
export function processEvaluator(
  store: CoverageStore,
  options: Pick<
    CoverageProcessOptions,
    'entities' | 'pageSize' | 'pageDelayMs' | 'heartbeatIntervalMs'
  >,
): CoverageEvaluator {
  const catalog = slowCatalog(options.entities, options.pageDelayMs);
  return CoverageEvaluator.create({
    catalog: catalog as any,
    auth: {
      getOwnServiceCredentials: async () =>
        ({
          $$type: '@backstage/BackstageCredentials',
          principal: { type: 'service', subject: 'plugin:observability' },
        } as any),
    },
    store,
    logger: stderrLogger,
    describer: EntityObservabilityService.create({
      catalog: catalog as any,
      generator: DEFAULT_GENERATOR_CONFIG,
      generators: withGenerators([]),
      checks: withChecks([]),
    }),
    newFactCycle: () =>
      new FactCycle(
        { ownersExist: async refs => new Map(refs.map(r => [r, true])) },
        { batch: true },
      ),
    pageSize: options.pageSize,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  });
}

/** The store, reporting the run's steps. */
function reporting(store: DatabaseCoverageStore): CoverageStore {
  return {
    beginRun: async run => {
      const collected = await store.beginRun(run);
      emit({ event: 'begin', runId: run.runId, evaluatedAt: run.evaluatedAt });
      return collected;
    },
    heartbeat: store.heartbeat.bind(store),
    upsertRows: async (runId, rows) => {
      await store.upsertRows(runId, rows);
      emit({ event: 'page', runId, rows: rows.length });
    },
    publishRun: async (runId, result) => {
      const published = await store.publishRun(runId, result);
      emit({ event: 'published', runId, entities: result.entities });
      return published;
    },
    abandonRun: store.abandonRun.bind(store),
    publishedRun: store.publishedRun.bind(store),
    runningRun: store.runningRun.bind(store),
    listRows: store.listRows.bind(store),
    summarize: store.summarize.bind(store),
    addHistory: store.addHistory.bind(store),
    listHistory: store.listHistory.bind(store),
    listMonthlyAttainment: store.listMonthlyAttainment.bind(store),
    pruneHistory: store.pruneHistory.bind(store),
  };
}

async function main() {
  const options: CoverageProcessOptions = JSON.parse(process.argv[2]);
  const knex: Knex =
    options.database.client === 'pg'
      ? knexFactory({
          client: 'pg',
          connection: options.database.connection,
          pool: { min: 0, max: 5 },
        })
      : knexFactory({
          client: 'better-sqlite3',
          connection: { filename: options.database.filename },
          useNullAsDefault: true,
        });
  const database: DatabaseService = {
    getClient: async () => knex,
    migrations: { skip: false },
  };
  const logger = stderrLogger;
  const store = reporting(await DatabaseCoverageStore.create({ database }));
  const evaluator = processEvaluator(store, options);

  if (options.mode === 'once') {
    const result = await evaluator.run();
    emit({ event: 'done', ...result });
    await knex.destroy();
    return;
  }

  const noop = { add() {}, record() {} };
  const scheduler = DefaultSchedulerService.create({
    database,
    logger,
    metrics: {
      createCounter: () => noop,
      createHistogram: () => noop,
      createGauge: () => noop,
      createUpDownCounter: () => noop,
    } as any,
    rootLifecycle: {
      addStartupHook: () => {},
      addBeforeShutdownHook: () => {},
      addShutdownHook: () => {},
    } as unknown as RootLifecycleService,
    httpRouter: { use() {}, addAuthPolicy() {} },
    pluginMetadata: { getId: () => 'observability' },
  });
  await scheduleCoverageEvaluation({
    scheduler,
    config: new ConfigReader({
      observability: {
        coverage: {
          schedule: {
            frequency: { seconds: options.frequencySeconds },
            // Far longer than the test: only the watchdog can release a
            // killed run's lease in time.
            timeout: { minutes: 10 },
            initialDelay: { seconds: 0 },
          },
        },
      },
    }),
    logger,
    evaluator,
    store,
    deadAfterMs: options.deadAfterMs,
  });
  emit({ event: 'scheduled' });
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
