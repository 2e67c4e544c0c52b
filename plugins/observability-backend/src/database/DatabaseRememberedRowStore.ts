import type { DatabaseService } from '@backstage/backend-plugin-api';
import {
  generatedRuleNames,
  type GeneratedRuleNames,
} from '@redline/backstage-plugin-observability-common';
import type { Knex } from 'knex';
import type { RememberedRow } from '../services/RememberedRows';
import { sha1 } from '../services/sha1';
import { migrateObservabilityDatabase } from './migrations';
import { upsertMany } from './upsertMany';
import type {
  RememberedEntries,
  RememberedRowStore,
} from './RememberedRowStore';

const TABLE = 'observability_coverage_remembered';
const SHAPES = 'observability_coverage_rule_shapes';

/** Rows per statement: 7 columns each stays under every driver's parameter limit. */
const CHUNK = 500;

interface DbShape {
  describer: string;
  shape_id: string;
  rule_names: string;
}

interface DbEntry {
  entity_ref: string;
  describer: string;
  version: string;
  buckets: string;
  facts: string;
  gatherable: string;
  row: string | null;
}

/** A list of rule names as stored: its JSON and the hash that names it. */
interface StoredShape {
  id: string;
  json: string;
}

/** Shared lists (see `generatedRuleNames`) are serialised and hashed once. */
const storedShapes = new WeakMap<GeneratedRuleNames, StoredShape>();

function storedShapeOf(names: GeneratedRuleNames): StoredShape {
  let stored = storedShapes.get(names);
  if (!stored) {
    const json = JSON.stringify(names);
    stored = { id: sha1(json), json };
    storedShapes.set(names, stored);
  }
  return stored;
}

/** The stored shapes of one load, each parsed once, on first use. */
class ShapeReader {
  readonly #json: ReadonlyMap<string, string>;
  readonly #parsed = new Map<string, GeneratedRuleNames>();

  constructor(json: ReadonlyMap<string, string>) {
    this.#json = json;
  }

  /** Undefined for a shape that is not stored (its entries are described anew). */
  get(id: string): GeneratedRuleNames | undefined {
    let names = this.#parsed.get(id);
    if (!names) {
      const json = this.#json.get(id);
      if (json === undefined) return undefined;
      names = generatedRuleNames(JSON.parse(json));
      this.#parsed.set(id, names);
    }
    return names;
  }
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
    await this.#db<DbShape>(SHAPES).whereNot({ describer }).delete();
    const shapes = new Map<string, string>();
    for (const shape of await this.#db<DbShape>(SHAPES).where({ describer }))
      shapes.set(shape.shape_id, shape.rule_names);
    const names = new ShapeReader(shapes);
    const rows = await this.#db<DbEntry>(TABLE).where({ describer });
    return rows.flatMap(row => {
      const entry = fromDb(row, names);
      return entry ? [[row.entity_ref, entry] as const] : [];
    });
  }

  /**
   * Shapes no entry refers to any more stay until the describer changes:
   * they are few (one per distinct list of rule names), and deleting them
   * here could race another replica's save that refers to them.
   */
  async save(
    describer: string,
    changes: { entries: RememberedEntries; forgotten: readonly string[] },
  ): Promise<void> {
    const shapes = new Map<string, string>();
    const rows = changes.entries.map(([ref, entry]) =>
      toDb(describer, ref, entry, shapes),
    );
    await this.#db.transaction(async tx => {
      for (let i = 0; i < changes.forgotten.length; i += CHUNK) {
        await tx<DbEntry>(TABLE)
          .whereIn('entity_ref', changes.forgotten.slice(i, i + CHUNK))
          .delete();
      }
      await upsertMany(
        tx,
        SHAPES,
        [...shapes].map(([id, json]) => ({
          describer,
          shape_id: id,
          rule_names: json,
        })),
        ['describer', 'shape_id'],
        CHUNK,
      );
      await upsertMany(tx, TABLE, rows, ['entity_ref'], CHUNK);
    });
  }
}

/**
 * The row for `entry`; its rule names go to `shapes` (by id) and the row
 * refers to them by id.
 */
function toDb(
  describer: string,
  ref: string,
  entry: RememberedRow,
  shapes: Map<string, string>,
): DbEntry {
  let gatherable = 'null';
  if (entry.gatherable) {
    const shape = storedShapeOf(entry.gatherable.artifacts);
    shapes.set(shape.id, shape.json);
    gatherable = JSON.stringify({ ruleShape: shape.id });
  }
  return {
    entity_ref: ref,
    describer,
    version: entry.version,
    buckets: entry.buckets,
    facts: entry.facts,
    gatherable,
    row: entry.row === null ? null : JSON.stringify(entry.row),
  };
}

/** Undefined for an entry that does not read back (it is described anew). */
function fromDb(row: DbEntry, shapes: ShapeReader): RememberedRow | undefined {
  try {
    const stored = JSON.parse(row.gatherable);
    const entry = {
      version: row.version,
      buckets: row.buckets,
      facts: row.facts,
    };
    if (stored === null || row.row === null) {
      return stored === null && row.row === null
        ? { ...entry, gatherable: null, row: null }
        : undefined;
    }
    const artifacts = shapes.get(stored.ruleShape);
    if (!artifacts) return undefined;
    return {
      ...entry,
      gatherable: { artifacts },
      row: JSON.parse(row.row),
    };
  } catch {
    return undefined;
  }
}
