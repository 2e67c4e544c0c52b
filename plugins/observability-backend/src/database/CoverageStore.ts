import type {
  CoverageEntityRow,
  CoverageFilter,
  CoverageHistoryPoint,
  CoverageResponse,
  CoverageSortField,
  TeamCoverageSummary,
} from '@redline/backstage-plugin-observability-common';

/** Re-exported: the store filters exactly what the route accepts. @public */
export type { CoverageFilter };

/** @public */
export interface CoverageListOptions extends CoverageFilter {
  sort?: CoverageSortField;
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Shares (0–1) over a set of rows. @public */
export type CoverageSummary = CoverageResponse['summary'];

/** @public */
export interface CoverageHistoryQuery {
  /** A team's points; without it, the overall points. */
  team?: string;
  /** ISO-8601 bounds, inclusive. */
  from?: string;
  to?: string;
  /** Most recent points to return (default 1000). */
  limit?: number;
}

/**
 * Persistence of coverage results and their history.
 * @public
 */
export interface CoverageStore {
  /** Inserts or replaces rows, marking them as written by `runId`. */
  upsertRows(runId: string, rows: CoverageEntityRow[]): Promise<void>;
  /** Deletes rows no longer written by `runId` (entities gone from the catalog). */
  pruneRowsNotIn(runId: string): Promise<number>;
  listRows(
    options: CoverageListOptions,
  ): Promise<{ items: CoverageEntityRow[]; totalItems: number }>;
  summarize(
    filter: CoverageFilter,
  ): Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }>;
  /** When the newest row was evaluated, if any. */
  lastEvaluatedAt(): Promise<string | undefined>;
  addHistory(points: CoverageHistoryPoint[]): Promise<void>;
  listHistory(query: CoverageHistoryQuery): Promise<CoverageHistoryPoint[]>;
  /** Deletes history points evaluated before `before` (ISO-8601); returns how many. */
  pruneHistory(before: string): Promise<number>;
}
