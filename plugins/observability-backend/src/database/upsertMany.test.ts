// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { createTestDatabases } from '../../../../test/support/postgres';
import { upsertMany } from './upsertMany';

jest.setTimeout(60_000);

// SQLite (one prepared statement through the driver) and a throwaway
// PostgreSQL 15 (knex's own statement): skipped loudly locally without
// initdb, required in CI.
const { ids, databases } = createTestDatabases();

const TABLE = 'upsert_many_test';

describe('upsertMany', () => {
  it('runs on SQLite and, in CI, on a real PostgreSQL', () => {
    expect(ids).toContain('SQLITE_3');
    expect(ids.includes('POSTGRES_15') || !process.env.CI).toBe(true);
  });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    async function table() {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable(TABLE, t => {
        t.string('run').notNullable();
        t.string('ref').notNullable();
        t.string('tier').nullable();
        t.text('note').nullable();
        t.boolean('flag').notNullable();
        t.double('score').notNullable();
        t.integer('count').nullable();
        t.primary(['run', 'ref']);
      });
      return knex;
    }

    const row = (ref: string, overrides: Record<string, unknown> = {}) => ({
      run: 'r1',
      ref,
      tier: '2',
      note: null as string | null,
      flag: true,
      score: 0.5,
      count: 3 as number | null,
      ...overrides,
    });

    it('writes every row across chunks and keeps each value as it was given', async () => {
      const knex = await table();
      const rows = Array.from({ length: 7 }, (_, i) =>
        row(`svc-${i}`, {
          // Text that looks like a number, JSON, quotes and non-ASCII stays text.
          tier: i === 0 ? '007' : '2',
          note: i === 1 ? '{"a":[1,"b"]} \'quoted\' "double" é ✓ \u2028' : null,
          flag: i % 2 === 0,
          score: i === 2 ? 1 : i / 8,
          count: i === 3 ? null : i,
        }),
      );
      await upsertMany(knex, TABLE, rows, ['run', 'ref'], 3);

      const stored = await knex(TABLE).orderBy('ref');
      expect(stored).toHaveLength(7);
      expect(
        stored.map(r => ({
          ...r,
          flag: Boolean(r.flag),
          score: Number(r.score),
          count: r.count === null ? null : Number(r.count),
        })),
      ).toEqual(rows);
      expect(stored[0].tier).toBe('007');
    });

    it('replaces the row with the same key and leaves the others', async () => {
      const knex = await table();
      await upsertMany(
        knex,
        TABLE,
        [row('a'), row('b'), row('a', { run: 'r2' })],
        ['run', 'ref'],
        500,
      );
      await upsertMany(
        knex,
        TABLE,
        [row('b', { tier: null, flag: false, score: 0.25, count: 9 })],
        ['run', 'ref'],
        500,
      );

      const stored = await knex(TABLE)
        .select('run', 'ref', 'tier', 'flag', 'score', 'count')
        .orderBy(['run', 'ref']);
      expect(
        stored.map(r => [
          r.run,
          r.ref,
          r.tier,
          Boolean(r.flag),
          Number(r.score),
          Number(r.count),
        ]),
      ).toEqual([
        ['r1', 'a', '2', true, 0.5, 3],
        ['r1', 'b', null, false, 0.25, 9],
        ['r2', 'a', '2', true, 0.5, 3],
      ]);
    });

    it("writes inside the caller's transaction: its rows are rolled back with it", async () => {
      const knex = await table();
      await upsertMany(knex, TABLE, [row('kept')], ['run', 'ref'], 500);
      const seenInside = await knex
        .transaction(async tx => {
          await upsertMany(tx, TABLE, [row('a'), row('b')], ['run', 'ref'], 1);
          const inside = await tx(TABLE).orderBy('ref').pluck('ref');
          throw Object.assign(new Error('roll back'), { inside });
        })
        .catch(error => error.inside);

      expect(seenInside).toEqual(['a', 'b', 'kept']);
      expect(await knex(TABLE).pluck('ref')).toEqual(['kept']);
    });

    it('writes all rows of a call or none', async () => {
      const knex = await table();
      const rows = [row('a'), row('b'), row('c', { flag: null })];

      // The third row breaks NOT NULL, in the second chunk. The message is
      // matched rather than `toThrow()`: the native driver makes its errors
      // with the class of the first test file that loaded it in this Jest
      // worker, which is no Error of this file's realm.
      await expect(
        upsertMany(knex, TABLE, rows, ['run', 'ref'], 2),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/NOT NULL|not-null/),
      });
      expect(await knex(TABLE).count({ n: '*' })).toEqual([
        { n: databaseId === 'SQLITE_3' ? 0 : '0' },
      ]);
    });

    it('writes nothing for no rows', async () => {
      const knex = await table();
      await upsertMany(knex, TABLE, [], ['run', 'ref'], 500);
      expect(await knex(TABLE).count({ n: '*' })).toEqual([
        { n: databaseId === 'SQLITE_3' ? 0 : '0' },
      ]);
    });
  });
});
