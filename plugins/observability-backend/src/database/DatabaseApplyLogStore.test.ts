import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
import type { ApplyLogEntry } from './ApplyLogStore';
import { DatabaseApplyLogStore } from './DatabaseApplyLogStore';
import { DatabaseCoverageStore } from './DatabaseCoverageStore';

jest.setTimeout(60_000);

// SQLite and a throwaway PostgreSQL 15 (skipped loudly locally without initdb, required in CI).
const { ids, databases } = createTestDatabases();

function entry(overrides: Partial<ApplyLogEntry> = {}): ApplyLogEntry {
  return {
    entityRef: 'component:default/checkout',
    instance: 'main',
    path: '/etc/prometheus/rules/redline-checkout.yaml',
    changed: true,
    contentSha256: 'a'.repeat(64),
    validated: 'promtool',
    reloadStatus: 'ok',
    outcome: 'applied',
    message:
      "Rules written to Prometheus instance 'main'. Prometheus reloaded them.",
    appliedBy: 'user:default/alice',
    correlationId: 'corr-1',
    appliedAt: new Date('2026-11-25T05:00:00.000Z'),
    ...overrides,
  };
}

describe('DatabaseApplyLogStore', () => {
  it('runs on SQLite and, in CI, on a real PostgreSQL', () => {
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !process.env.CI).toBe(true);
  });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseApplyLogStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    it('records who applied what and when, newest first per entity', async () => {
      const { knex, store } = await createStore();
      expect(await knex.schema.hasTable('apply_log')).toBe(true);
      await store.record(entry());
      await store.record(
        entry({
          changed: false,
          reloadStatus: 'skipped',
          reloadMessage: 'file unchanged',
          appliedBy: 'user:default/bob',
          correlationId: undefined,
          validated: 'skipped',
          appliedAt: new Date('2026-11-25T06:00:00.000Z'),
        }),
      );
      await store.record(entry({ entityRef: 'component:default/search' }));

      const rows = await store.list('component:default/checkout');
      expect(rows).toEqual([
        entry({
          changed: false,
          reloadStatus: 'skipped',
          reloadMessage: 'file unchanged',
          appliedBy: 'user:default/bob',
          correlationId: undefined,
          validated: 'skipped',
          appliedAt: new Date('2026-11-25T06:00:00.000Z'),
        }),
        entry(),
      ]);
      expect(await store.list('component:default/search', 1)).toHaveLength(1);
      expect(await store.list('component:default/nothing')).toEqual([]);
    });

    it('keeps refused and failed attempts with their message, and names the last writer of a file', async () => {
      const { store } = await createStore();
      const file = '/rules/redline-checkout.yaml';
      await store.record(entry({ path: file }));
      await store.record(
        entry({
          entityRef: 'component:default/svc-collide',
          path: file,
          appliedAt: new Date('2026-11-25T06:00:00.000Z'),
        }),
      );
      // Neither a refusal nor an unchanged apply makes anyone the writer.
      await store.record(
        entry({
          path: file,
          changed: false,
          outcome: 'refused',
          message: 'Not applied: rule group taken',
          reloadStatus: 'skipped',
          appliedAt: new Date('2026-11-25T07:00:00.000Z'),
        }),
      );
      await store.record(
        entry({
          path: '',
          instance: '',
          contentSha256: '',
          changed: false,
          outcome: 'failed',
          message: 'The rules directory is not writable by the portal.',
          reloadStatus: 'skipped',
          appliedAt: new Date('2026-11-25T08:00:00.000Z'),
        }),
      );

      const [failed, refused] = await store.list('component:default/checkout');
      expect(failed).toMatchObject({
        outcome: 'failed',
        message: 'The rules directory is not writable by the portal.',
        instance: '',
        path: '',
      });
      expect(refused.outcome).toBe('refused');
      expect(await store.lastWriter('main', file)).toBe(
        'component:default/svc-collide',
      );
      expect(await store.lastWriter('other', file)).toBeUndefined();
      expect(
        await store.lastWriter('main', '/rules/none.yaml'),
      ).toBeUndefined();
    });

    it('reads rows from before outcomes were kept as applied, without a message', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@redline/backstage-plugin-observability-backend',
        'migrations',
      );
      await knex.migrate.up({
        directory,
        name: '20261125000100_coverage.js',
      });
      await knex.migrate.up({
        directory,
        name: '20261125000200_apply_log.js',
      });
      await knex('apply_log').insert({
        entity_ref: 'component:default/checkout',
        instance: 'main',
        path: '/rules/redline-checkout.yaml',
        changed: true,
        content_sha256: 'a'.repeat(64),
        validated: 'promtool',
        reload_status: 'ok',
        applied_by: 'user:default/alice',
        applied_at: new Date('2026-11-25T05:00:00.000Z'),
      });
      const store = await DatabaseApplyLogStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const [old] = await store.list('component:default/checkout');
      expect(old.outcome).toBe('applied');
      expect(old.message).toBeUndefined();
      expect(
        await store.lastWriter('main', '/rules/redline-checkout.yaml'),
      ).toBe('component:default/checkout');
    });

    it('runs the migrations once however many stores open the database', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      // knex hands out a new Migrator on every `knex.migrate`, so count on its prototype.
      const latest = jest.spyOn(Object.getPrototypeOf(knex.migrate), 'latest');
      try {
        const [store] = await Promise.all([
          DatabaseApplyLogStore.create({ database }),
          DatabaseCoverageStore.create({ database }),
        ]);
        await DatabaseApplyLogStore.create({ database });
        expect(latest).toHaveBeenCalledTimes(1);
        await store.record(entry());
        expect(await store.list('component:default/checkout')).toHaveLength(1);
        // Every migration ran, the coverage tables' included.
        const [, pending] = await knex.migrate.list({
          directory: resolvePackagePath(
            '@redline/backstage-plugin-observability-backend',
            'migrations',
          ),
        });
        expect(pending).toEqual([]);
      } finally {
        latest.mockRestore();
      }
    });
  });
});
