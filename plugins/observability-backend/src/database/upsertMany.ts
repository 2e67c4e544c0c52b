import type { Knex } from 'knex';

/**
 * Inserts `rows` into `table` in statements of `chunkSize` rows, each row
 * replacing the one with the same `key` columns.
 *
 * knex writes a multi-row insert for SQLite as a compound
 * `SELECT ? AS a, … UNION ALL SELECT …`, one term per row and one bound
 * parameter per cell, which SQLite parses and plans term by term and knex
 * formats parameter by parameter. For the 8 000 rows of 22 columns a
 * coverage run writes, that cost twice the CPU of storing them. So for
 * SQLite a chunk goes in as one JSON array bound to a single parameter and
 * unpacked by SQLite's own `json_each` (JSON1 is built into the SQLite that
 * better-sqlite3 and sqlite3 bundle). Other clients get knex's statement,
 * already a `VALUES` list (PostgreSQL) or `ON DUPLICATE KEY UPDATE` (MySQL).
 *
 * For narrow rows of many columns; rows carrying large text (JSON
 * documents) gain nothing, as JSON would escape the text once more. Values
 * are strings, finite numbers, booleans (stored as 1 and 0, as knex does)
 * or null; every row of a chunk has the same keys.
 */
export async function upsertMany(
  db: Knex | Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
  key: readonly string[],
  chunkSize: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    if (db.client.dialect !== 'sqlite3') {
      await db(table)
        .insert(chunk as Record<string, unknown>[])
        .onConflict([...key])
        .merge();
      continue;
    }
    const columns = Object.keys(chunk[0]);
    const cells = JSON.stringify(
      chunk.map(row => columns.map(column => row[column] ?? null)),
    );
    // `where true`: without it SQLite would read `on conflict` as part of
    // the select's join clause.
    const sql =
      `insert into ?? (${columns.map(() => '??').join(', ')}) select ` +
      `${columns.map((_, k) => `json_extract(value, '$[${k}]')`).join(', ')} ` +
      `from json_each(?) where true ` +
      `on conflict (${key.map(() => '??').join(', ')}) do update set ` +
      `${columns.map(() => '?? = excluded.??').join(', ')}`;
    await db.raw(sql, [
      table,
      ...columns,
      cells,
      ...key,
      ...columns.flatMap(column => [column, column]),
    ]);
  }
}
