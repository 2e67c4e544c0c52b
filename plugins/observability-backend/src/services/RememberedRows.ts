import type { Entity } from '@backstage/catalog-model';
import {
  CoverageEntityRow,
  EntityFacts,
  generatedRuleNames,
  GeneratedRuleNames,
} from '@redline/backstage-plugin-observability-common';
import type { RememberedRowStore } from '../database/RememberedRowStore';
import { sha1 } from './sha1';

/** A row without what every run measures anew. */
export type RememberedRowFields = Omit<
  CoverageEntityRow,
  | 'evaluatedAt'
  | 'slos'
  | 'slosMeasured'
  | 'slosMeeting'
  | 'budgetsNearlyExhausted'
  | 'budgetsExhausted'
  | 'lowestBudgetPercent'
>;

/** What one entity's last evaluation left for the next run. */
export type RememberedRow = {
  /** The entity version it was described from (see `entityVersion`). */
  version: string;
  /** The live buckets it was measured at, '' for the configured ones. */
  buckets: string;
  /** `factsFingerprint` of the facts its checks ran on. */
  facts: string;
} & (
  | {
      /** What gathering its facts again needs besides the entity. */
      gatherable: RememberedDescription;
      row: RememberedRowFields;
    }
  | {
      /**
       * An entity left out of coverage (it serves no requests): nothing is
       * gathered about it, so nothing is kept to gather with.
       */
      gatherable: null;
      row: null;
    }
);

/**
 * What is kept of a described entity to gather its facts again: its
 * generated rule names. Not its spec, which is parsed again from the entity
 * (see `EntityDescriber.spec`). Kept, the specs were most of an entry's
 * bytes in the store and, in memory, 8 000 objects the first run carried
 * through all its collections. Parsing them again costs each later run
 * about 0.3 s of CPU, which those runs have to spare; the first run, which
 * describes everything, has none.
 */
export interface RememberedDescription {
  artifacts: GeneratedRuleNames;
}

/**
 * What a coverage run keeps of each entity between runs, so the next run
 * describes and checks again only the entities whose metadata or facts
 * changed. A row is a pure function of the entity, the configuration, the
 * generators and checks (all fixed for the life of the evaluator that owns
 * this) and the entity's facts; its facts are gathered every run, so a rule
 * that was deployed or an alert that fired re-evaluates that entity alone.
 * Describing and checking are most of a run's CPU, and between two runs
 * half an hour apart few of 10 000 entities change.
 *
 * Each entry keeps the row and the rule names (see
 * `RememberedDescription`), never the whole description; entries of
 * entities a run no longer saw are dropped when it completes. With a
 * `store`, entries outlive the process: the first run after a restart reads
 * them back instead of describing every entity, and each run writes only
 * the entries it changed.
 */
export class RememberedRows {
  readonly #rows = new Map<string, RememberedRow & { seenInRun: string }>();
  readonly #store?: RememberedRowStore;
  readonly #describer: string;
  #loaded = false;
  /** Refs remembered anew, or forgotten, since the store last saw them. */
  readonly #changed = new Set<string>();
  readonly #forgotten = new Set<string>();

  /** `describer`: the fingerprint of what made the rows (see `RememberedRowStore`). */
  constructor(
    options: { store?: RememberedRowStore; describer?: string } = {},
  ) {
    this.#store = options.store;
    this.#describer = options.describer ?? '';
  }

  /** Reads the store's entries, once; a store that fails leaves this empty. */
  async load(): Promise<void> {
    if (this.#loaded || !this.#store) return;
    this.#loaded = true;
    for (const [ref, entry] of await this.#store.load(this.#describer)) {
      if (!this.#rows.has(ref))
        this.#rows.set(ref, { ...entry, seenInRun: '' });
    }
  }

  /** Writes what changed since the last save (no-op without a store). */
  async save(): Promise<void> {
    if (!this.#store || (!this.#changed.size && !this.#forgotten.size)) return;
    const entries = [...this.#changed].flatMap(ref => {
      const kept = this.#rows.get(ref);
      if (!kept) return [];
      const { seenInRun: _, ...entry } = kept;
      return [[ref, entry] as const];
    });
    const forgotten = [...this.#forgotten];
    this.#changed.clear();
    this.#forgotten.clear();
    await this.#store.save(this.#describer, { entries, forgotten });
  }

  /** The entry for `entity` if it was described from this same version. */
  recall(ref: string, version: string): RememberedRow | undefined {
    const entry = this.#rows.get(ref);
    return entry?.version === version ? entry : undefined;
  }

  /** Keeps `entry`, of only its rules' names. */
  remember(ref: string, runId: string, entry: RememberedRow): void {
    const kept: RememberedRow =
      entry.gatherable === null
        ? entry
        : {
            ...entry,
            gatherable: {
              artifacts: generatedRuleNames(entry.gatherable.artifacts),
            },
          };
    this.#rows.set(ref, { ...kept, seenInRun: runId });
    this.#changed.add(ref);
    this.#forgotten.delete(ref);
  }

  /** Marks an entry as still in the catalog for `runId`. */
  touch(ref: string, runId: string): void {
    const entry = this.#rows.get(ref);
    if (entry) entry.seenInRun = runId;
  }

  /** Drops entities `runId` did not see (deleted, or out of the filter). */
  forgetAllBut(runId: string): void {
    for (const [ref, entry] of this.#rows)
      if (entry.seenInRun !== runId) {
        this.#rows.delete(ref);
        this.#changed.delete(ref);
        this.#forgotten.add(ref);
      }
  }

  get size(): number {
    return this.#rows.size;
  }
}

/**
 * The entity's version: uid and etag, which the catalog changes with every
 * change it stores. An entity without them (tests, other catalogs), or with
 * content `readIn` from elsewhere (an OpenSLO file), is hashed whole.
 */
export function entityVersion(
  entity: Entity,
  { readIn = false }: { readIn?: boolean } = {},
): string {
  const { uid, etag } = entity.metadata;
  // A space: neither has one, and PostgreSQL's text cannot hold NUL.
  if (uid && etag && !readIn) return `${uid} ${etag}`;
  return sha1(JSON.stringify(entity));
}

/**
 * Facts shared by many entities of a cycle (an Alertmanager's config, lint
 * findings of a rules snapshot) are the same objects, so the large ones are
 * serialised and hashed once per cycle. Small answers are nearly always an
 * entity's own, read once: they are serialised each time rather than kept.
 */
const serialised = new WeakMap<object, string>();
const KEPT_FROM = 1024;

function digestOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const kept = serialised.get(value);
  if (kept !== undefined) return kept;
  const json = JSON.stringify(value);
  if (json.length < KEPT_FROM) return json;
  const digest = sha1(json);
  serialised.set(value, digest);
  return digest;
}

/**
 * Equal for equal facts, whatever objects hold them. One hash of all of an
 * entity's facts, so a coverage run hashes each entity once.
 */
export function factsFingerprint(facts: EntityFacts): string {
  const record = facts as Record<string, unknown>;
  return sha1(
    Object.keys(record)
      .sort()
      .map(name => `${name}=${digestOf(record[name])}`)
      .join(';'),
  );
}
