/** One row of `apply_log`. @public */
export interface ApplyLogEntry {
  entityRef: string;
  instance: string;
  path: string;
  changed: boolean;
  contentSha256: string;
  validated: 'promtool' | 'skipped';
  reloadStatus: 'ok' | 'failed' | 'skipped';
  reloadMessage?: string;
  appliedBy: string;
  correlationId?: string;
  appliedAt: Date;
}

/**
 * Every successful apply per entity: the file written, its content hash and
 * the reload outcome. Operators read who applied what from the audit log
 * (auditor event `artifacts-apply`, which also records refused and failed
 * attempts); this is the plugin's own record, queryable per entity.
 * @public
 */
export interface ApplyLogStore {
  record(entry: ApplyLogEntry): Promise<void>;
  /** Latest entries for an entity, newest first. */
  list(entityRef: string, limit?: number): Promise<ApplyLogEntry[]>;
}
