import { mockServices } from '@backstage/backend-test-utils';
import type { CoverageEntityRow } from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- see above
import { findBinary } from '../../../../test/support/binaries';
import type { Knex } from 'knex';
import { DatabaseCoverageStore } from './DatabaseCoverageStore';

jest.setTimeout(60_000);

// Starts a real PostgreSQL 15 (Debian's binaries) before TestDatabases reads
// its environment; in CI a missing initdb fails, locally it skips loudly.
const { ids, databases } = createTestDatabases();

function row(
  name: string,
  overrides: Partial<CoverageEntityRow> = {},
): CoverageEntityRow {
  return {
    entityRef: `component:default/${name}`,
    name,
    kind: 'Component',
    owner: 'group:default/payments',
    team: 'payments',
    system: 'shop',
    lifecycle: 'production',
    tier: 'tier-1',
    hasSlo: true,
    hasRunbook: false,
    rulesDeployed: 'unknown',
    confidence: 0.5,
    failingChecks: 0,
    evaluatedAt: '2026-11-25T05:00:00.000Z',
    ...overrides,
  };
}

/** A complete run: begun, written, published. */
async function publish(
  store: DatabaseCoverageStore,
  runId: string,
  rows: CoverageEntityRow[],
  evaluatedAt = '2026-11-25T05:00:00.000Z',
) {
  await store.beginRun({ runId, evaluatedAt, startedAt: evaluatedAt });
  await store.upsertRows(runId, rows);
  return store.publishRun(runId, {
    entities: rows.length,
    finishedAt: evaluatedAt,
    history: [],
  });
}

const all = { offset: 0, limit: 1000 };
const visibleNames = async (store: DatabaseCoverageStore) =>
  (await store.listRows(all)).items.map(i => i.name);

describe('DatabaseCoverageStore', () => {
  it('runs on SQLite and, wherever initdb exists (always in CI), on a real PostgreSQL', () => {
    expect(ids).toEqual(
      findBinary('initdb') ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'],
    );
  });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseCoverageStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    it('migrates up and down and up again', async () => {
      const { knex } = await createStore();
      for (const table of [
        'observability_coverage_rows',
        'observability_coverage_runs',
        'observability_coverage_history',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.migrate.rollback({ directory: migrationsDirectory() }, true);
      expect(await knex.schema.hasTable('observability_coverage_rows')).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDirectory() });
      expect(await knex.schema.hasTable('observability_coverage_rows')).toBe(
        true,
      );
    });

    it('keeps the rows of a database from before runs as one published run', async () => {
      const knex = await databases.init(databaseId);
      const directory = migrationsDirectory();
      await knex.migrate.up({ directory, name: '20261125000100_coverage.js' });
      const legacy = (name: string, evaluatedAt: string) => ({
        entity_ref: `component:default/${name}`,
        name,
        kind: 'Component',
        owner: 'group:default/payments',
        team: 'payments',
        has_slo: true,
        has_runbook: false,
        rules_deployed: 'no',
        confidence: 0.5,
        failing_checks: 1,
        evaluated_at: evaluatedAt,
        run_id: 'old',
      });
      await knex('observability_coverage').insert([
        legacy('a', '2026-11-25T05:00:00.000Z'),
        legacy('b', '2026-11-25T05:30:00.000Z'),
      ]);
      const store = await DatabaseCoverageStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      expect(await store.publishedRun()).toEqual({
        runId: 'migrated',
        evaluatedAt: '2026-11-25T05:30:00.000Z',
        entities: 2,
      });
      expect(await visibleNames(store)).toEqual(['a', 'b']);

      // And back: the published run's rows, one per entity.
      await knex.migrate.down({
        directory,
        name: '20261126000100_coverage_runs.js',
      });
      expect(
        (await knex('observability_coverage').select('name')).map(r => r.name),
      ).toEqual(expect.arrayContaining(['a', 'b']));
    });

    it('round-trips rows with their types and upserts by entity ref', async () => {
      const { store } = await createStore();
      const checkout = row('checkout', {
        confidence: 0.8333333333,
        topFailingCheck: 'Rules loaded in Prometheus',
        failingChecks: 2,
        rulesDeployed: 'no',
      });
      const bare = row('legacy-billing', {
        system: undefined,
        lifecycle: undefined,
        tier: undefined,
        hasSlo: false,
      });
      await store.beginRun({
        runId: 'run-1',
        evaluatedAt: '2026-11-25T05:00:00.000Z',
        startedAt: '2026-11-25T05:00:00.000Z',
      });
      await store.upsertRows('run-1', [checkout, bare]);
      await store.upsertRows('run-1', [{ ...checkout, failingChecks: 1 }]);
      await store.publishRun('run-1', {
        entities: 2,
        finishedAt: '2026-11-25T05:01:00.000Z',
        history: [],
      });

      const { items, totalItems } = await store.listRows({
        offset: 0,
        limit: 10,
      });
      expect(totalItems).toBe(2);
      expect(items).toEqual([{ ...checkout, failingChecks: 1 }, bare]);
      expect(await store.publishedRun()).toEqual({
        runId: 'run-1',
        evaluatedAt: '2026-11-25T05:00:00.000Z',
        entities: 2,
      });
    });

    describe('runs', () => {
      const at = (minute: number) =>
        `2026-11-25T05:${String(minute).padStart(2, '0')}:00.000Z`;
      const rowCount = async (knex: Knex, runId: string) =>
        Number(
          (
            await knex('observability_coverage_rows')
              .where('run_id', runId)
              .count({ n: '*' })
          )[0].n,
        );

      it('shows nothing of a run until it is published, then all of it at once', async () => {
        const { store } = await createStore();
        await publish(store, 'run-1', [row('a'), row('gone')], at(0));
        await store.beginRun({
          runId: 'run-2',
          evaluatedAt: at(30),
          startedAt: at(30),
        });
        await store.upsertRows('run-2', [row('a', { evaluatedAt: at(30) })]);
        await store.upsertRows('run-2', [row('new', { evaluatedAt: at(30) })]);

        // Mid-run: the previous run, whole; its evaluatedAt, its summary.
        expect(await visibleNames(store)).toEqual(['a', 'gone']);
        expect((await store.publishedRun())?.evaluatedAt).toBe(at(0));
        expect((await store.summarize({})).summary.services).toBe(2);
        expect(await store.runningRun()).toEqual({
          runId: 'run-2',
          startedAt: at(30),
          heartbeatAt: at(30),
        });

        const point = {
          evaluatedAt: at(30),
          services: 2,
          withSlo: 1,
          withRunbooks: 0,
          withRulesDeployed: 0,
          meanConfidence: 0.5,
        };
        expect(
          await store.publishRun('run-2', {
            entities: 2,
            finishedAt: at(31),
            history: [point],
          }),
        ).toEqual({ pruned: 1 }); // 'gone' left the catalog
        expect(await visibleNames(store)).toEqual(['a', 'new']);
        const { items } = await store.listRows(all);
        expect(items.every(i => i.evaluatedAt === at(30))).toBe(true);
        expect(await store.publishedRun()).toEqual({
          runId: 'run-2',
          evaluatedAt: at(30),
          entities: 2,
        });
        expect(await store.runningRun()).toBeUndefined();
        // The history point came with the switch, in the same transaction.
        expect(await store.listHistory({})).toEqual([point]);
        // The summary cache follows the switch.
        expect((await store.summarize({})).summary.services).toBe(2);
      });

      it('keeps the replaced run readable by id until the next run begins', async () => {
        const { knex, store } = await createStore();
        await publish(store, 'run-1', [row('a'), row('b')], at(0));
        await publish(store, 'run-2', [row('a')], at(30));
        // An export that began on run-1 still reads all of it.
        expect(
          (await store.listRows({ ...all, runId: 'run-1' })).totalItems,
        ).toBe(2);
        await store.beginRun({
          runId: 'run-3',
          evaluatedAt: at(59),
          startedAt: at(59),
        });
        expect(await rowCount(knex, 'run-1')).toBe(0);
        expect(await rowCount(knex, 'run-2')).toBe(1);
      });

      it('collects a crashed run when the next one begins, never showing it', async () => {
        const { knex, store } = await createStore();
        await publish(store, 'run-1', [row('a'), row('b')], at(0));
        // A run that wrote a page and died: never finished, never published.
        await store.beginRun({
          runId: 'crashed',
          evaluatedAt: at(30),
          startedAt: at(30),
        });
        await store.upsertRows('crashed', [row('a', { confidence: 0.99 })]);
        expect(await visibleNames(store)).toEqual(['a', 'b']);
        expect((await store.listRows(all)).items[0].confidence).toBe(0.5);

        expect(
          await store.beginRun({
            runId: 'run-2',
            evaluatedAt: at(45),
            startedAt: at(45),
          }),
        ).toBe(1);
        expect(await rowCount(knex, 'crashed')).toBe(0);
        // Only one run is ever running: the caller holds the lease.
        expect((await store.runningRun())?.runId).toBe('run-2');
        // A crashed run that wakes up can neither beat nor publish.
        expect(await store.heartbeat('crashed', at(46))).toBe(false);
        await expect(
          store.publishRun('crashed', {
            entities: 1,
            finishedAt: at(46),
            history: [],
          }),
        ).rejects.toThrow(/no longer running/);
        expect((await store.publishedRun())?.runId).toBe('run-1');
      });

      it('renews heartbeats and abandons a run without touching the published one', async () => {
        const { store } = await createStore();
        await publish(store, 'run-1', [row('a')], at(0));
        await store.beginRun({
          runId: 'run-2',
          evaluatedAt: at(30),
          startedAt: at(30),
        });
        await store.upsertRows('run-2', [row('a'), row('b')]);
        expect(await store.heartbeat('run-2', at(31))).toBe(true);
        expect((await store.runningRun())?.heartbeatAt).toBe(at(31));
        await store.abandonRun('run-2');
        expect(await store.runningRun()).toBeUndefined();
        expect(await visibleNames(store)).toEqual(['a']);
        expect(
          (await store.listRows({ ...all, runId: 'run-2' })).totalItems,
        ).toBe(0);
        // Abandoning the published run (a failure after publishing) keeps it.
        await store.abandonRun('run-1');
        expect(await visibleNames(store)).toEqual(['a']);
      });

      it('reads nothing before the first run is published', async () => {
        const { store } = await createStore();
        await store.beginRun({
          runId: 'run-1',
          evaluatedAt: at(0),
          startedAt: at(0),
        });
        await store.upsertRows('run-1', [row('a')]);
        expect(await store.listRows(all)).toEqual({ items: [], totalItems: 0 });
        expect((await store.summarize({})).summary.services).toBe(0);
        expect(await store.publishedRun()).toBeUndefined();
        // An explicit run is read (the evaluator's summary before publishing).
        expect((await store.summarize({}, 'run-1')).summary.services).toBe(1);
      });
    });

    it('upserts more rows than one INSERT chunk', async () => {
      const { store } = await createStore();
      const many = Array.from({ length: 450 }, (_, i) =>
        row(`svc-${String(i).padStart(3, '0')}`),
      );
      await publish(store, 'run-1', many);
      const { totalItems, items } = await store.listRows({
        offset: 440,
        limit: 100,
      });
      expect(totalItems).toBe(450);
      expect(items.map(i => i.name)).toEqual(many.slice(440).map(r => r.name));
    });

    describe('queries', () => {
      const rows = [
        row('checkout', {
          confidence: 0.9,
          hasRunbook: true,
          rulesDeployed: 'yes',
        }),
        row('cart', { confidence: 0.4, tier: 'tier-2', failingChecks: 3 }),
        row('search', {
          owner: 'group:default/discovery',
          team: 'discovery',
          system: 'catalog',
          confidence: 0.7,
          hasSlo: false,
        }),
        row('legacy-billing', {
          owner: 'group:default/finance',
          team: 'finance',
          system: undefined,
          lifecycle: 'deprecated',
          tier: undefined,
          confidence: 0.1,
          hasSlo: false,
        }),
        row('odd_name', {
          kind: 'Component',
          team: 'payments',
          confidence: 0.5,
        }),
      ];

      async function seeded() {
        const { store } = await createStore();
        await publish(store, 'run-1', rows);
        return store;
      }

      it('filters by owner ref or team name, system, lifecycle, kind and tier', async () => {
        const store = await seeded();
        const names = async (filter: object) =>
          (await store.listRows({ offset: 0, limit: 50, ...filter })).items.map(
            i => i.name,
          );
        expect(await names({ owner: ['discovery'] })).toEqual(['search']);
        expect(
          await names({ owner: ['group:default/finance', 'discovery'] }),
        ).toEqual(['legacy-billing', 'search']);
        expect(await names({ system: ['catalog'] })).toEqual(['search']);
        expect(await names({ lifecycle: ['deprecated'] })).toEqual([
          'legacy-billing',
        ]);
        expect(await names({ tier: ['tier-2'] })).toEqual(['cart']);
        expect(
          await names({
            kind: ['Component'],
            owner: ['payments'],
            tier: ['tier-1'],
          }),
        ).toEqual(['checkout', 'odd_name']);
        expect(await names({ kind: ['API'] })).toEqual([]);
      });

      it('searches case-insensitively and treats LIKE wildcards literally', async () => {
        const store = await seeded();
        const names = async (q: string) =>
          (await store.listRows({ offset: 0, limit: 50, q })).items.map(
            i => i.name,
          );
        expect(await names('CHECK')).toEqual(['checkout']);
        expect(await names('odd_')).toEqual(['odd_name']);
        expect(await names('d_n')).toEqual(['odd_name']);
        expect(await names('%')).toEqual([]);
      });

      it('sorts by any column both ways, nulls last ascending, with a unique tie-breaker', async () => {
        const store = await seeded();
        const names = async (sort: any, order: 'asc' | 'desc') =>
          (
            await store.listRows({ offset: 0, limit: 50, sort, order })
          ).items.map(i => i.name);
        expect(await names('confidence', 'desc')).toEqual([
          'checkout',
          'search',
          'odd_name',
          'cart',
          'legacy-billing',
        ]);
        expect(await names('confidence', 'asc')).toEqual([
          'legacy-billing',
          'cart',
          'odd_name',
          'search',
          'checkout',
        ]);
        expect(await names('tier', 'asc')).toEqual([
          'checkout',
          'odd_name',
          'search',
          'cart',
          'legacy-billing',
        ]);
        // The entity-ref tie-breaker follows the direction (index-friendly).
        expect(await names('tier', 'desc')).toEqual([
          'legacy-billing',
          'cart',
          'search',
          'odd_name',
          'checkout',
        ]);
        expect(await names('hasSlo', 'asc')).toEqual([
          'legacy-billing',
          'search',
          'cart',
          'checkout',
          'odd_name',
        ]);
        expect((await names('failingChecks', 'desc'))[0]).toBe('cart');
      });

      it('pages with offset and limit and reports the total', async () => {
        const store = await seeded();
        const page2 = await store.listRows({
          offset: 2,
          limit: 2,
          sort: 'name',
          order: 'asc',
        });
        expect(page2.totalItems).toBe(5);
        expect(page2.items.map(i => i.name)).toEqual([
          'legacy-billing',
          'odd_name',
        ]);
      });

      it('summarizes shares overall and per team, honouring the filter', async () => {
        const store = await seeded();
        const { summary, teams } = await store.summarize({});
        expect(summary.services).toBe(5);
        expect(summary.withSlo).toBeCloseTo(3 / 5);
        expect(summary.withRunbooks).toBeCloseTo(1 / 5);
        expect(summary.withRulesDeployed).toBeCloseTo(1 / 5);
        expect(summary.meanConfidence).toBeCloseTo(
          (0.9 + 0.4 + 0.7 + 0.1 + 0.5) / 5,
        );
        expect(teams.map(t => t.team)).toEqual([
          'discovery',
          'finance',
          'payments',
        ]);
        const payments = teams.find(t => t.team === 'payments')!;
        expect(payments.services).toBe(3);
        expect(payments.withSlo).toBe(1);
        expect(payments.meanConfidence).toBeCloseTo(0.6);

        const filtered = await store.summarize({ system: ['catalog'] });
        expect(filtered.summary.services).toBe(1);
        expect(filtered.teams).toEqual([
          {
            team: 'discovery',
            services: 1,
            withSlo: 0,
            withRunbooks: 0,
            withRulesDeployed: 0,
            meanConfidence: 0.7,
          },
        ]);
      });

      it('summarizes an empty table as zeros', async () => {
        const { store } = await createStore();
        expect(await store.summarize({})).toEqual({
          summary: {
            services: 0,
            withSlo: 0,
            withRunbooks: 0,
            withRulesDeployed: 0,
            meanConfidence: 0,
          },
          teams: [],
        });
        expect(await store.publishedRun()).toBeUndefined();
      });
    });

    it("caches summaries per run, so another replica's publish is seen at once", async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseCoverageStore.create({ database });
      // A second replica's store on the same database.
      const other = await DatabaseCoverageStore.create({ database });
      await publish(store, 'run-1', [row('a')]);
      expect((await store.summarize({})).summary.services).toBe(1);

      await publish(other, 'run-2', [row('a'), row('b')]);
      expect((await store.summarize({})).summary.services).toBe(2);
      // The replaced run's figures stay available by id.
      expect((await store.summarize({}, 'run-1')).summary.services).toBe(1);
    });

    it('keeps history overall and per team, filtered by time and limited to the newest', async () => {
      const { store } = await createStore();
      const point = (evaluatedAt: string, team?: string, withSlo = 0.5) => ({
        evaluatedAt,
        ...(team ? { team } : {}),
        services: 10,
        withSlo,
        withRunbooks: 0.2,
        withRulesDeployed: 0.1,
        meanConfidence: 0.45,
      });
      await store.addHistory([
        point('2026-11-25T01:00:00.000Z', undefined, 0.1),
        point('2026-11-25T01:00:00.000Z', 'payments', 0.2),
        point('2026-11-25T02:00:00.000Z', undefined, 0.3),
        point('2026-11-25T02:00:00.000Z', 'payments', 0.4),
        point('2026-11-25T03:00:00.000Z', undefined, 0.5),
      ]);
      expect((await store.listHistory({})).map(p => p.withSlo)).toEqual([
        0.1, 0.3, 0.5,
      ]);
      expect(await store.listHistory({ team: 'payments' })).toEqual([
        point('2026-11-25T01:00:00.000Z', 'payments', 0.2),
        point('2026-11-25T02:00:00.000Z', 'payments', 0.4),
      ]);
      expect(
        (
          await store.listHistory({
            from: '2026-11-25T02:00:00.000Z',
            to: '2026-11-25T02:30:00.000Z',
          })
        ).map(p => p.evaluatedAt),
      ).toEqual(['2026-11-25T02:00:00.000Z']);
      expect(
        (await store.listHistory({ limit: 2 })).map(p => p.withSlo),
      ).toEqual([0.3, 0.5]);
      expect(await store.listHistory({ team: 'nobody' })).toEqual([]);

      expect(await store.pruneHistory('2026-11-25T02:00:00.000Z')).toBe(2);
      expect((await store.listHistory({})).map(p => p.withSlo)).toEqual([
        0.3, 0.5,
      ]);
      expect(
        (await store.listHistory({ team: 'payments' })).map(p => p.withSlo),
      ).toEqual([0.4]);
    });
  });
});

function migrationsDirectory() {
  // Same directory the store resolves; spelled out so rollback uses it too.
  return require('node:path').resolve(__dirname, '../../migrations');
}
