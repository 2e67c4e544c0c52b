/**
 * How hard a sync may push a target: changes go in batches of `batchSize`
 * namespaces, at most `concurrency` at a time, with `pauseMs` between
 * batches. The defaults keep a first sync of 10 000 entities to about a
 * minute of pauses while a ruler behind a gateway sees a few requests at a
 * time, not a burst of thousands.
 * @internal
 */
export interface SyncLimits {
  batchSize: number;
  concurrency: number;
  pauseMs: number;
}

/** @internal */
export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  batchSize: 50,
  concurrency: 4,
  pauseMs: 250,
};
