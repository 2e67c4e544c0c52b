import type { Knex } from 'knex';

/** A cell as every driver stores it. */
type Cell = string | number | boolean | null | undefined;

/**
 * Inserts `rows` into `table`, each row replacing the one with the same
 * `key` columns; every row of a call has the same keys. Atomic: inside a
 * transaction it is part of that transaction, outside it all rows or none
 * are written.
 *
 * On better-sqlite3 the rows go through one prepared statement, run once per
 * row. knex prepares every statement anew: its multi-row insert for SQLite
 * is a compound `SELECT ? AS a, … UNION ALL SELECT …` that SQLite parses
 * and plans term by term and knex formats parameter by parameter, and a
 * chunk bound as one JSON array and unpacked by `json_each` is parsed again
 * for every column it is read from. Measured side by side on 8 000 rows: a
 * coverage run's rows took 35 ms of CPU this way against 120 ms through
 * `json_each`, the entries it remembers (2.5 KB of JSON each) 90 ms against
 * 140–385 ms through knex's insert. Other clients get knex's statement in
 * chunks of `chunkSize` rows, already a `VALUES` list (PostgreSQL) or
 * `ON DUPLICATE KEY UPDATE` (MySQL).
 */
export async function upsertMany<Row extends { [K in keyof Row]: Cell }>(
  db: Knex | Knex.Transaction,
  table: string,
  rows: readonly Row[],
  key: readonly (keyof Row & string)[],
  chunkSize: number,
): Promise<void> {
  if (rows.length === 0) return;
  if (db.client.driverName === 'better-sqlite3') {
    await upsertPrepared(db, table, rows, key);
    return;
  }
  const write = async (tx: Knex | Knex.Transaction) => {
    for (let i = 0; i < rows.length; i += chunkSize) {
      await tx(table)
        .insert(rows.slice(i, i + chunkSize))
        .onConflict([...key])
        .merge();
    }
  };
  if (rows.length <= chunkSize || db.isTransaction) await write(db);
  else await db.transaction(write);
}

/** SQLite's identifier quoting; the names are the plugin's own. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The driver's own `Database`, as much of it as is used here. */
interface SqliteConnection {
  prepare(sql: string): { run(values: unknown[]): unknown };
  transaction(fn: () => void): () => void;
}

async function upsertPrepared<Row extends { [K in keyof Row]: Cell }>(
  db: Knex | Knex.Transaction,
  table: string,
  rows: readonly Row[],
  key: readonly string[],
): Promise<void> {
  const columns = Object.keys(rows[0]) as (keyof Row & string)[];
  const sql =
    `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) ` +
    `values (${columns.map(() => '?').join(', ')}) ` +
    `on conflict (${key.map(quoted).join(', ')}) do update set ` +
    `${columns.map(c => `${quoted(c)} = excluded.${quoted(c)}`).join(', ')}`;
  // Inside a knex transaction this is the transaction's own connection, and
  // the driver's transaction below becomes a savepoint within it.
  const connection: SqliteConnection = await db.client.acquireConnection();
  try {
    const statement = connection.prepare(sql);
    connection.transaction(() => {
      for (const row of rows) {
        // The driver takes no booleans; knex stores them as 1 and 0 too.
        statement.run(
          columns.map(column => {
            const value: Cell = row[column];
            if (typeof value === 'boolean') return value ? 1 : 0;
            return value ?? null;
          }),
        );
      }
    })();
  } finally {
    await db.client.releaseConnection(connection);
  }
}
