import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { RememberedRow } from '../services/RememberedRows';
import { migrateObservabilityDatabase } from './migrations';
import { upsertMany } from './upsertMany';
import type {
  RememberedEntries,
  RememberedRowStore,
} from './RememberedRowStore';

const TABLE = 'observability_coverage_remembered';

/** Rows per statement: 7 columns each stays under every driver's parameter limit. */
const CHUNK = 500;

interface DbEntry {
  entity_ref: string;
  describer: string;
  version: string;
  buckets: string;
  facts: string;
  gatherable: string;
  row: string | null;
}

/** {@link RememberedRowStore} in the plugin's database. @public */
export class DatabaseRememberedRowStore implements RememberedRowStore {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseRememberedRowStore> {
    return new DatabaseRememberedRowStore(
      await migrateObservabilityDatabase(options.database),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async load(describer: string): Promise<RememberedEntries> {
    await this.#db<DbEntry>(TABLE).whereNot({ describer }).delete();
    const rows = await this.#db<DbEntry>(TABLE).where({ describer });
    return rows.flatMap(row => {
      const entry = fromDb(row);
      return entry ? [[row.entity_ref, entry] as const] : [];
    });
  }

  async save(
    describer: string,
    changes: { entries: RememberedEntries; forgotten: readonly string[] },
  ): Promise<void> {
    await this.#db.transaction(async tx => {
      for (let i = 0; i < changes.forgotten.length; i += CHUNK) {
        await tx<DbEntry>(TABLE)
          .whereIn('entity_ref', changes.forgotten.slice(i, i + CHUNK))
          .delete();
      }
      await upsertMany(
        tx,
        TABLE,
        changes.entries.map(([ref, entry]) => toDb(describer, ref, entry)),
        ['entity_ref'],
        CHUNK,
      );
    });
  }
}

function toDb(describer: string, ref: string, entry: RememberedRow): DbEntry {
  return {
    entity_ref: ref,
    describer,
    version: entry.version,
    buckets: entry.buckets,
    facts: entry.facts,
    gatherable: JSON.stringify(entry.gatherable),
    row: entry.row === null ? null : JSON.stringify(entry.row),
  };
}

/** Undefined for an entry that does not read back (it is described anew). */
function fromDb(row: DbEntry): RememberedRow | undefined {
  try {
    return {
      version: row.version,
      buckets: row.buckets,
      facts: row.facts,
      gatherable: JSON.parse(row.gatherable),
      row: row.row === null ? null : JSON.parse(row.row),
    };
  } catch {
    return undefined;
  }
}
