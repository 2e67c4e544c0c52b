import { mockServices } from '@backstage/backend-test-utils';
import type { CoverageEntityRow } from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- see above
import { findBinary } from '../../../../test/support/binaries';
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
      expect(await knex.schema.hasTable('observability_coverage')).toBe(true);
      expect(await knex.schema.hasTable('observability_coverage_history')).toBe(
        true,
      );
      await knex.migrate.rollback({ directory: migrationsDirectory() }, true);
      expect(await knex.schema.hasTable('observability_coverage')).toBe(false);
      await knex.migrate.latest({ directory: migrationsDirectory() });
      expect(await knex.schema.hasTable('observability_coverage')).toBe(true);
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
      await store.upsertRows('run-1', [checkout, bare]);
      await store.upsertRows('run-1', [{ ...checkout, failingChecks: 1 }]);

      const { items, totalItems } = await store.listRows({
        offset: 0,
        limit: 10,
      });
      expect(totalItems).toBe(2);
      expect(items).toEqual([{ ...checkout, failingChecks: 1 }, bare]);
      expect(await store.lastEvaluatedAt()).toBe('2026-11-25T05:00:00.000Z');
    });

    it('prunes rows an evaluation run did not write', async () => {
      const { store } = await createStore();
      await store.upsertRows('run-1', [row('a'), row('gone')]);
      await store.upsertRows('run-2', [row('a')]);
      expect(await store.pruneRowsNotIn('run-2')).toBe(1);
      const { items } = await store.listRows({ offset: 0, limit: 10 });
      expect(items.map(i => i.name)).toEqual(['a']);
    });

    it('upserts more rows than one INSERT chunk', async () => {
      const { store } = await createStore();
      const many = Array.from({ length: 450 }, (_, i) =>
        row(`svc-${String(i).padStart(3, '0')}`),
      );
      await store.upsertRows('run-1', many);
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
        await store.upsertRows('run-1', rows);
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
        expect(await store.lastEvaluatedAt()).toBeUndefined();
      });
    });

    it('serves summaries from memory until its own write or the TTL', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const store = await DatabaseCoverageStore.create({
        database,
        summaryCacheTtlMs: 300,
      });
      // A second replica's store on the same database.
      const other = await DatabaseCoverageStore.create({
        database,
        summaryCacheTtlMs: 300,
      });
      await store.upsertRows('run-1', [row('a')]);
      expect((await store.summarize({})).summary.services).toBe(1);

      await other.upsertRows('run-1', [row('b')]);
      // Within the TTL the other replica's write is not seen yet...
      expect((await store.summarize({})).summary.services).toBe(1);
      // ...but a filter not asked before is computed fresh.
      expect(
        (await store.summarize({ owner: ['payments'] })).summary.services,
      ).toBe(2);
      await new Promise(r => setTimeout(r, 350));
      expect((await store.summarize({})).summary.services).toBe(2);

      // A write through this store is visible at once.
      await store.upsertRows('run-1', [row('c')]);
      expect((await store.summarize({})).summary.services).toBe(3);
      await store.pruneRowsNotIn('run-2');
      expect((await store.summarize({})).summary.services).toBe(0);
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
