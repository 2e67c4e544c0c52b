import type { ApplyOutcome } from '@redline/backstage-plugin-observability-common';

/**
 * One row of `apply_log`: one apply attempt. A refused or failed attempt has
 * `changed: false`, `reloadStatus: 'skipped'`, and empty `instance`, `path`
 * or `contentSha256` when it stopped before they were known.
 * @public
 */
export interface ApplyLogEntry {
  entityRef: string;
  instance: string;
  path: string;
  changed: boolean;
  contentSha256: string;
  validated: 'promtool' | 'skipped';
  reloadStatus: 'ok' | 'failed' | 'skipped';
  reloadMessage?: string;
  outcome: ApplyOutcome;
  /** What happened, for people (no server paths, no errno). */
  message?: string;
  appliedBy: string;
  correlationId?: string;
  appliedAt: Date;
}

/**
 * Every apply attempt per entity — applied, unchanged, refused or failed —
 * with the file, its content hash and the reload outcome. Attempts the caller
 * was not permitted to make are only in the audit log (auditor event
 * `artifacts-apply`): a caller without the permission must not be able to
 * add rows here.
 * @public
 */
export interface ApplyLogStore {
  record(entry: ApplyLogEntry): Promise<void>;
  /** Latest entries for an entity, newest first. */
  list(entityRef: string, limit?: number): Promise<ApplyLogEntry[]>;
  /**
   * The entity that last wrote `path` on `instance`. Names the owner of a
   * rules file written before files carried an ownership header.
   */
  lastWriter(instance: string, path: string): Promise<string | undefined>;
}
