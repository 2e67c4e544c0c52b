import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { ApplyLogEntry, ApplyLogStore } from './ApplyLogStore';
import { migrateObservabilityDatabase } from './migrations';

interface ApplyLogRow {
  id: number;
  entity_ref: string;
  instance: string;
  path: string;
  changed: boolean | number;
  content_sha256: string;
  validated: string;
  reload_status: string;
  reload_message: string | null;
  outcome: string | null;
  message: string | null;
  applied_by: string;
  correlation_id: string | null;
  applied_at: Date | string;
}

/** {@link ApplyLogStore} in the plugin's database (table `apply_log`). @public */
export class DatabaseApplyLogStore implements ApplyLogStore {
  readonly #db: Knex;

  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseApplyLogStore> {
    return new DatabaseApplyLogStore(
      await migrateObservabilityDatabase(options.database),
    );
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async record(entry: ApplyLogEntry): Promise<void> {
    await this.#db<ApplyLogRow>('apply_log').insert({
      entity_ref: entry.entityRef,
      instance: entry.instance,
      path: entry.path,
      changed: entry.changed,
      content_sha256: entry.contentSha256,
      validated: entry.validated,
      reload_status: entry.reloadStatus,
      reload_message: entry.reloadMessage ?? null,
      outcome: entry.outcome,
      message: entry.message ?? null,
      applied_by: entry.appliedBy,
      correlation_id: entry.correlationId ?? null,
      applied_at: entry.appliedAt,
    });
  }

  async list(entityRef: string, limit = 20): Promise<ApplyLogEntry[]> {
    const rows = await this.#db<ApplyLogRow>('apply_log')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'applied_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(row => ({
      entityRef: row.entity_ref,
      instance: row.instance,
      path: row.path,
      changed: Boolean(row.changed),
      contentSha256: row.content_sha256,
      validated: row.validated as ApplyLogEntry['validated'],
      reloadStatus: row.reload_status as ApplyLogEntry['reloadStatus'],
      reloadMessage: row.reload_message ?? undefined,
      outcome: (row.outcome ?? 'applied') as ApplyLogEntry['outcome'],
      message: row.message ?? undefined,
      appliedBy: row.applied_by,
      correlationId: row.correlation_id ?? undefined,
      appliedAt: new Date(row.applied_at),
    }));
  }

  async lastWriter(
    instance: string,
    path: string,
  ): Promise<string | undefined> {
    const row = await this.#db<ApplyLogRow>('apply_log')
      .where({ instance, path, changed: true })
      .where(q => q.whereNull('outcome').orWhere('outcome', 'applied'))
      .orderBy([
        { column: 'applied_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('entity_ref');
    return row?.entity_ref;
  }
}
