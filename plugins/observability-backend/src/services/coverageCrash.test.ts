/**
 * Issue 13: `kill -9` of a backend during a coverage run, then a restart.
 * Real processes (`__testUtils__/coverageProcess.ts`) on a SQLite file and
 * on a real PostgreSQL; this test reads what the portal's readers would
 * through its own store on the same database at every step.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import knexFactory, { Knex } from 'knex';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../../test/support/binaries';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- see above
import {
  startTestPostgres,
  TestPostgres,
} from '../../../../test/support/postgres';
import {
  CoverageProcessOptions,
  processEvaluator,
} from '../__testUtils__/coverageProcess';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';

jest.setTimeout(60_000);

const ENTRY = resolve(__dirname, '../__testUtils__/coverageProcess.ts');
const TRANSFORM = require.resolve('@backstage/cli/config/nodeTransform.cjs');

const SEED_ENTITIES = 300;
const ENTITIES = 1000;
const FREQUENCY_SECONDS = 20;

type Event = { event: string; at: number; [key: string]: any };

/** A coverage process and the events it has reported so far. */
function start(options: CoverageProcessOptions) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', TRANSFORM, ENTRY, JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: Event[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', line => {
    if (!line.startsWith('{')) return;
    events.push(JSON.parse(line));
    waiters.forEach(w => w());
  });
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>(r =>
    child.on('exit', (code, signal) => r(signal ? null : code)),
  );
  return {
    child,
    events,
    exited,
    /** Resolves with the events once `predicate` holds; fails after `ms`. */
    until(predicate: (events: Event[]) => boolean, ms: number) {
      return new Promise<Event[]>((ok, fail) => {
        const deadline: { timer?: ReturnType<typeof setTimeout> } = {};
        const done = (error?: string) => {
          waiters.delete(check);
          clearTimeout(deadline.timer);
          if (!error) ok(events);
          else
            fail(
              new Error(
                `${error}; events ${JSON.stringify(events)}; stderr ${stderr}`,
              ),
            );
        };
        function check() {
          if (predicate(events)) done();
        }
        deadline.timer = setTimeout(() => done(`timed out after ${ms} ms`), ms);
        waiters.add(check);
        check();
        exited.then(code => {
          if (!predicate(events)) done(`exited (${code}) first`);
        });
      });
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const count = (events: Event[], name: string) =>
  events.filter(e => e.event === name).length;

const postgresBinary = requireBinary('initdb');
const targets: Array<[string, () => Promise<Target>]> = [
  ['SQLite file', sqliteTarget],
];
if (postgresBinary) targets.push(['PostgreSQL', postgresTarget]);

interface Target {
  database: CoverageProcessOptions['database'];
  knex: () => Knex;
  cleanup: () => Promise<void> | void;
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-crash-'));
  const filename = join(dir, 'backstage.sqlite');
  return {
    database: { client: 'better-sqlite3', filename },
    knex: () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let postgres: TestPostgres | undefined;
afterAll(() => postgres?.stop());

async function postgresTarget(): Promise<Target> {
  postgres ??= startTestPostgres();
  const connection = postgres.connectionString;
  return {
    database: { client: 'pg', connection },
    knex: () => knexFactory({ client: 'pg', connection, pool: { max: 2 } }),
    cleanup: () => {},
  };
}

describe.each(targets)('kill -9 during a coverage run on %s', (_, target) => {
  const running: Array<ReturnType<typeof start>> = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.kill9();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('shows only complete runs throughout, and the next run starts within one period of the restart', async () => {
    const { database, knex: newKnex, cleanup } = await target();
    cleanups.push(cleanup);
    const options = (
      overrides: Partial<CoverageProcessOptions>,
    ): CoverageProcessOptions => ({
      database,
      mode: 'scheduled',
      entities: ENTITIES,
      pageSize: 100,
      pageDelayMs: 100,
      heartbeatIntervalMs: 200,
      deadAfterMs: 1_500,
      frequencySeconds: FREQUENCY_SECONDS,
      ...overrides,
    });

    // 1. One complete run to start from (in this process: a spawn costs
    // seconds of start-up).
    const knex = newKnex();
    cleanups.push(() => knex.destroy());
    const store = await DatabaseCoverageStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const seeded = await processEvaluator(store, {
      entities: SEED_ENTITIES,
      pageSize: 100,
      pageDelayMs: 0,
      heartbeatIntervalMs: 200,
    }).run();

    const rowsOf = async (runId: string) =>
      Number(
        (
          await knex('observability_coverage_rows')
            .where('run_id', runId)
            .count({ n: '*' })
        )[0].n,
      );
    /** What a reader sees; throws if it is anything but one whole run. */
    const visible = async () => {
      // Pinned to one run, as the route reads a page, its count and summary.
      const run = await store.publishedRun();
      expect(run).toBeDefined();
      const { items, totalItems } = await store.listRows({
        offset: 0,
        limit: 5_000,
        runId: run!.runId,
      });
      const { summary } = await store.summarize({}, run!.runId);
      const stamps = new Set(items.map(i => i.evaluatedAt));
      expect(stamps.size).toBe(1);
      expect([...stamps]).toEqual([run?.evaluatedAt]);
      expect(items).toHaveLength(totalItems);
      expect(summary.services).toBe(totalItems);
      expect(run?.entities).toBe(totalItems);
      return { runId: run!.runId, evaluatedAt: run!.evaluatedAt, totalItems };
    };
    const seedView = {
      runId: seeded.runId,
      evaluatedAt: seeded.evaluatedAt,
      totalItems: SEED_ENTITIES,
    };
    expect(await visible()).toEqual(seedView);

    // 2. A backend that starts the next run and is killed two pages in.
    const doomed = start(options({}));
    running.push(doomed);
    const [begun] = (
      await doomed.until(e => count(e, 'page') >= 2, 30_000)
    ).filter(e => e.event === 'begin');
    expect(await rowsOf(begun.runId)).toBeGreaterThanOrEqual(200);
    expect(await visible()).toEqual(seedView);
    await doomed.kill9();
    running.splice(running.indexOf(doomed), 1);
    expect(await visible()).toEqual(seedView);
    expect((await store.runningRun())?.runId).toBe(begun.runId);

    // 3. The restart: the dead run's lease is released and the next run
    // starts within one period; readers see the seed, then the new run.
    const restartedAt = Date.now();
    const restarted = start(options({}));
    running.push(restarted);
    const samples: Array<{ runId: string; totalItems: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await visible());
        await new Promise(r => setTimeout(r, 50));
      }
    })();
    try {
      await restarted.until(
        e => count(e, 'published') > 0,
        FREQUENCY_SECONDS * 1000 + 20_000,
      );
    } finally {
      sampling = false;
      await sampler;
    }
    const [next] = restarted.events.filter(e => e.event === 'begin');
    expect(next.runId).not.toBe(begun.runId);
    expect(next.at - restartedAt).toBeLessThan(FREQUENCY_SECONDS * 1000);

    const after = await visible();
    expect(after).toEqual({
      runId: next.runId,
      evaluatedAt: next.evaluatedAt,
      totalItems: ENTITIES,
    });
    // Never a mix: every sample was one of the two complete runs.
    for (const sample of samples) {
      expect([
        `${seeded.runId}:${SEED_ENTITIES}`,
        `${next.runId}:${ENTITIES}`,
      ]).toContain(`${sample.runId}:${sample.totalItems}`);
    }
    // The killed run was collected, and is no longer taken for running.
    expect(await rowsOf(begun.runId)).toBe(0);
    expect(await store.runningRun()).toBeUndefined();
    // One history point per complete run, none for the killed one, none empty.
    expect(
      (await store.listHistory({})).map(p => [p.evaluatedAt, p.services]),
    ).toEqual([
      [seeded.evaluatedAt, SEED_ENTITIES],
      [next.evaluatedAt, ENTITIES],
    ]);
  });
});
