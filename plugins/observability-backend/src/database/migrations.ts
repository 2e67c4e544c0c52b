import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@redline/backstage-plugin-observability-backend',
  'migrations',
);

const migrated = new WeakMap<DatabaseService, Promise<Knex>>();

/**
 * The plugin's only `migrate.latest` (the whole `migrations` directory:
 * coverage tables and `apply_log`), run at most once per database service.
 * Every store opens its client through here, so whichever store the plugin
 * creates first migrates and the others wait for the same run: no store
 * depends on being created after another, and two concurrent
 * `migrate.latest` calls never race on knex's migration lock.
 * @internal
 */
export function migrateObservabilityDatabase(
  database: DatabaseService,
): Promise<Knex> {
  let client = migrated.get(database);
  if (!client) {
    client = (async () => {
      const knex = await database.getClient();
      if (!database.migrations?.skip) {
        await knex.migrate.latest({ directory: migrationsDir });
      }
      return knex;
    })();
    // A failed run is not cached: the next caller gets to retry it.
    client.catch(() => migrated.delete(database));
    migrated.set(database, client);
  }
  return client;
}
