import { mockServices } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
import type { RememberedRow } from '../services/RememberedRows';
import { DatabaseRememberedRowStore } from './DatabaseRememberedRowStore';

jest.setTimeout(60_000);

// SQLite and a throwaway PostgreSQL 15 (skipped loudly locally without initdb, required in CI).
const { ids, databases } = createTestDatabases();

function entry(
  name: string,
  overrides: Partial<Pick<RememberedRow, 'version' | 'buckets' | 'facts'>> = {},
) {
  const row: RememberedRow = {
    version: `uid-${name} etag-1`,
    buckets: '0.1,0.3',
    facts: 'rules=abc;series=[]',
    gatherable: {
      artifacts: {
        rules: { groups: [{ rules: [{ alert: 'HighErrorRate' }] }] },
      },
    },
    row: {
      entityRef: `component:default/${name}`,
      name,
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      hasSlo: true,
      hasRunbook: false,
      rulesDeployed: 'no',
      confidence: 0.8,
      failingChecks: 2,
      topFailingCheck: 'alerts.deployed',
    },
    ...overrides,
  };
  return [`component:default/${name}`, row] as readonly [string, RememberedRow];
}

describe('DatabaseRememberedRowStore', () => {
  it('runs on SQLite and, in CI, on a real PostgreSQL', () => {
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !process.env.CI).toBe(true);
  });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseRememberedRowStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      return { knex, store };
    }

    it('reads back what it kept, exactly, and only under the same describer', async () => {
      const { store } = await createStore();
      const checkout = entry('checkout');
      const library: readonly [string, RememberedRow] = [
        'component:default/ui-kit',
        {
          version: 'uid-ui-kit etag-1',
          buckets: '',
          facts: '',
          gatherable: null,
          row: null,
        },
      ];
      await store.save('describer-a', {
        entries: [checkout, library],
        forgotten: [],
      });

      expect(new Map(await store.load('describer-a'))).toEqual(
        new Map([checkout, library]),
      );
      // Another configuration or version: nothing is reused, and the old
      // entries are gone for good.
      expect(await store.load('describer-b')).toEqual([]);
      expect(await store.load('describer-a')).toEqual([]);
    });

    it('replaces changed entries and deletes forgotten ones, in batches larger than one statement', async () => {
      const { store } = await createStore();
      const many = Array.from({ length: 1_203 }, (_, i) => entry(`svc-${i}`));
      await store.save('d', { entries: many, forgotten: [] });

      const changed = entry('svc-7', { facts: 'rules=changed' });
      await store.save('d', {
        entries: [changed],
        forgotten: many.slice(100, 700).map(([ref]) => ref),
      });

      const loaded = new Map(await store.load('d'));
      expect(loaded.size).toBe(1_203 - 600);
      expect(loaded.get(changed[0])?.facts).toBe('rules=changed');
      expect(loaded.has('component:default/svc-100')).toBe(false);
      expect(loaded.get('component:default/svc-1000')).toEqual(
        entry('svc-1000')[1],
      );
    });

    it('stores each distinct list of rule names once, whoever refers to it', async () => {
      const { knex, store } = await createStore();
      const many = Array.from({ length: 1_203 }, (_, i) => entry(`svc-${i}`));
      const [ref, other] = entry('search');
      const withOtherRules: readonly [string, RememberedRow] = [
        ref,
        {
          ...other,
          gatherable: {
            artifacts: {
              rules: {
                groups: [{ rules: [{ record: 'slo:objective:ratio' }] }],
              },
            },
          },
        } as RememberedRow,
      ];
      await store.save('d', {
        entries: [...many, withOtherRules],
        forgotten: [],
      });

      const shapes = await knex('observability_coverage_rule_shapes');
      expect(shapes).toHaveLength(2);
      expect(shapes.every(s => s.describer === 'd')).toBe(true);
      const [{ gatherable }] = await knex('observability_coverage_remembered')
        .where({ entity_ref: 'component:default/svc-9' })
        .select('gatherable');
      expect(gatherable).not.toContain('HighErrorRate');
      expect(gatherable).not.toContain('svc-9');

      const loaded = new Map(await store.load('d'));
      expect(loaded.get('component:default/svc-9')).toEqual(entry('svc-9')[1]);
      expect(loaded.get(ref)).toEqual(withOtherRules[1]);
      // One object for every entry with the same names, as generated.
      expect(loaded.get('component:default/svc-1')?.gatherable?.artifacts).toBe(
        loaded.get('component:default/svc-2')?.gatherable?.artifacts,
      );

      // Another describer's load drops these shapes with their entries.
      await store.load('other');
      expect(await knex('observability_coverage_rule_shapes')).toEqual([]);
    });

    it('describes anew an entry whose rule names are not stored', async () => {
      const { knex, store } = await createStore();
      const library: readonly [string, RememberedRow] = [
        'component:default/ui-kit',
        { version: 'v', buckets: '', facts: '', gatherable: null, row: null },
      ];
      await store.save('d', {
        entries: [entry('checkout'), library],
        forgotten: [],
      });
      await knex('observability_coverage_rule_shapes').delete();

      expect(await store.load('d')).toEqual([library]);
    });

    it('skips an entry that does not read back instead of failing the run', async () => {
      const { knex, store } = await createStore();
      await store.save('d', {
        entries: [entry('checkout'), entry('payments')],
        forgotten: [],
      });
      await knex('observability_coverage_remembered')
        .where({ entity_ref: 'component:default/payments' })
        .update({ gatherable: '{"ruleShape":' });

      const loaded = await store.load('d');
      expect(loaded.map(([ref]) => ref)).toEqual([
        'component:default/checkout',
      ]);
    });
  });
});
