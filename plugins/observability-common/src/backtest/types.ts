/**
 * Shapes of a backtest: what each generated alert would have done over the
 * last days of real history, and what Prometheus' `ALERTS` series says the
 * deployed alert actually did. Shared by the backend route, its client and
 * the CLI.
 */

/** One stretch of time an alert was firing. Times are Unix seconds. @public */
export interface BacktestEpisode {
  /** The first evaluation at which the alert fired (after its `for`). */
  start: number;
  /** The first evaluation at which it no longer fired (or the window's end + step when still firing). */
  end: number;
  minutes: number;
  /** Still firing at the end of the window. */
  ongoing: boolean;
  /** The series' labels (an expression can fire for several label sets). */
  labels: Record<string, string>;
}

/** Counts over a list of episodes. @public */
export interface BacktestTally {
  fired: number;
  firingMinutes: number;
  longestMinutes: number;
  episodes: BacktestEpisode[];
}

/**
 * `evaluated`: the expression ran over history. `no-series`: the series it
 * reads do not exist (yet) in the window, so "0 times" would be a lie.
 * `error`: Prometheus refused or did not answer the query. `unsupported`:
 * not a Prometheus rule (the log-based fallback runs in Loki).
 * @public
 */
export type BacktestAlertStatus =
  | 'evaluated'
  | 'no-series'
  | 'error'
  | 'unsupported';

/** One generated alert backtested. @public */
export interface BacktestAlertResult extends BacktestTally {
  key: string;
  name: string;
  severity: string;
  for?: string;
  /** The rule's labels (severity, team, …), which every firing carries. */
  labels: Record<string, string>;
  status: BacktestAlertStatus;
  /** Why the status is not `evaluated`, in words. */
  reason?: string;
  /** Selectors without any sample in the window (for `no-series`). */
  missingSelectors?: string[];
  /** The PromQL sent: the alert's expression with recorded series inlined. */
  query: string;
  /** Firing minutes per bucket of the window, `[bucket start, minutes]`, oldest first. */
  sparkline: Array<[number, number]>;
  /** What `ALERTS` recorded for this alert in the same window; absent when that query failed. */
  actual?: BacktestTally;
}

/** The backtest of one entity's generated alerts. @public */
export interface BacktestReport {
  entityRef: string;
  days: number;
  /** Window, Unix seconds. */
  start: number;
  end: number;
  stepSeconds: number;
  alerts: BacktestAlertResult[];
  /** Queries sent to Prometheus (range queries per alert, the presence query, the ALERTS query). */
  queries: number;
  /** Why `actual` is missing, when the ALERTS query failed. */
  actualError?: string;
}
