import type { RememberedRow } from '../services/RememberedRows';

/** What a coverage run remembers of each entity, by entity ref. @public */
export type RememberedEntries = ReadonlyArray<readonly [string, RememberedRow]>;

/**
 * Where `RememberedRows` keeps its entries across restarts. Entries are
 * kept under the describer's fingerprint: an entry made with another
 * configuration or plugin version would be a stale row, so it is never
 * read back.
 * @public
 */
export interface RememberedRowStore {
  /** The entries kept under `describer`; entries kept under another are deleted. */
  load(describer: string): Promise<RememberedEntries>;
  /** Writes `entries` (replacing earlier ones) and deletes the `forgotten` refs. */
  save(
    describer: string,
    changes: { entries: RememberedEntries; forgotten: readonly string[] },
  ): Promise<void>;
}
