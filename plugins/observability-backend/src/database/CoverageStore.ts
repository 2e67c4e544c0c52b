import type {
  CoverageEntityRow,
  CoverageFilter,
  CoverageHistoryPoint,
  CoverageResponse,
  CoverageSortField,
  SloAttainmentMonth,
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
  /** The run to read (default: the published one). */
  runId?: string;
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

/** @public */
export interface SloAttainmentQuery {
  /** One team's months; without it, every team's and the overall ones. */
  team?: string;
  /** ISO-8601 bounds on the runs considered, inclusive. */
  from?: string;
  to?: string;
}

/** A run that has been published: the one readers see. @public */
export interface PublishedCoverageRun {
  runId: string;
  /** The `evaluatedAt` of all its rows. */
  evaluatedAt: string;
  /** Entities the run saw. */
  entities: number;
}

/** A run in progress, or one whose process died without finishing it. @public */
export interface RunningCoverageRun {
  runId: string;
  startedAt: string;
  /** Renewed while the run's process is alive (ISO-8601). */
  heartbeatAt: string;
}

/**
 * Persistence of coverage results and their history.
 *
 * A run's rows are written under its id and stay invisible until
 * `publishRun` switches readers to them in one transaction, so readers see
 * one complete run, never a mix of two or the first pages of one. Readers
 * (`listRows`, `summarize`) read the published run unless told another.
 * @public
 */
export interface CoverageStore {
  /**
   * Records `runId` as running and collects what earlier runs left behind:
   * the rows of every run but the published one (the run it replaced, and
   * runs whose process died), and runs still marked running (the caller
   * holds the scheduler's lease, so they are dead). Returns the rows deleted.
   */
  beginRun(run: {
    runId: string;
    evaluatedAt: string;
    startedAt: string;
  }): Promise<number>;
  /** Renews the run's heartbeat; false when the run is no longer running (abandoned by a recovery). */
  heartbeat(runId: string, at: string): Promise<boolean>;
  /** Inserts or replaces rows of a run (invisible until it is published). */
  upsertRows(runId: string, rows: CoverageEntityRow[]): Promise<void>;
  /**
   * In one transaction: makes `runId` the published run (the previous one
   * is retired; its rows stay for readers still paging through it until
   * the next run begins) and adds its history points. Throws a
   * `ConflictError` when the run is no longer running. Returns how many
   * entities of the previous run the new one no longer has.
   */
  publishRun(
    runId: string,
    result: {
      entities: number;
      finishedAt: string;
      history: CoverageHistoryPoint[];
    },
  ): Promise<{ pruned: number }>;
  /** Gives a run up: never published, its rows deleted. */
  abandonRun(runId: string): Promise<void>;
  publishedRun(): Promise<PublishedCoverageRun | undefined>;
  /** The most recently started run still marked running, alive or not. */
  runningRun(): Promise<RunningCoverageRun | undefined>;
  listRows(
    options: CoverageListOptions,
  ): Promise<{ items: CoverageEntityRow[]; totalItems: number }>;
  summarize(
    filter: CoverageFilter,
    runId?: string,
  ): Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }>;
  addHistory(points: CoverageHistoryPoint[]): Promise<void>;
  listHistory(query: CoverageHistoryQuery): Promise<CoverageHistoryPoint[]>;
  /** SLO attainment per calendar month (UTC): each month's last measured point. */
  listMonthlyAttainment(
    query: SloAttainmentQuery,
  ): Promise<SloAttainmentMonth[]>;
  /** Deletes history points evaluated before `before` (ISO-8601); returns how many. */
  pruneHistory(before: string): Promise<number>;
}
