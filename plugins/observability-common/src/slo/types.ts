/**
 * What the tab, the budget gate and the coverage run know about an SLO over
 * its window: the answer of `GET /entity/:kind/:namespace/:name/slos`.
 * Every number may be `null`: no traffic, no data or no Prometheus is "no
 * data", never 0 and never 100 %.
 */
import type { SloSpec, SloWindow } from '../spec/types';

/**
 * `meeting`: attainment at or above the objective and no fast burn;
 * `burning`: budget left, but the 1 h burn rate is above 1 (it would run
 * out before the window ends); `exhausted`: no budget left; `no-data`: see
 * `reason`.
 * @public
 */
export type SloHealth = 'meeting' | 'burning' | 'exhausted' | 'no-data';

/** Where the numbers were read from. @public */
export type SloDataSource = 'recording-rules' | 'raw-metrics';

/** One point of the burn-down chart; `null` is a gap (no scrape, no traffic). @public */
export interface BudgetPoint {
  /** ISO time. */
  t: string;
  remainingPercent: number | null;
}

/** An alert of this SLO that fired within the window, to mark on the chart. @public */
export interface SloAlertFiring {
  alert: string;
  severity?: string;
  burnWindow?: string;
  /** ISO time the alert started firing. */
  startsAt: string;
  /** ISO time it stopped; absent while it still fires. */
  endsAt?: string;
}

/** One SLO's state over its window. @public */
export interface SloStatus {
  slo: SloSpec['slo'];
  objectivePercent: number;
  thresholdSeconds?: number;
  window: SloWindow;
  /** e.g. "30 days, rolling" or "calendar month (UTC)". */
  windowLabel: string;
  windowStart: string;
  windowEnd: string;
  source: SloDataSource;
  /** Good events / all events over the window, in percent. */
  attainmentPercent: number | null;
  budget: {
    /** 100 at the start of a clean window, ≤ 0 once spent. */
    remainingPercent: number | null;
    /** Bad events the window can still take before the objective is missed. */
    remainingRequests: number | null;
    /** The same share of the window expressed as time at full outage. */
    remainingMinutes: number | null;
    /** All events over the window so far. */
    totalRequests: number | null;
  };
  /** Error ratio over the last 1 h and 6 h divided by the budget ratio (1 − objective). */
  burnRate: { h1: number | null; h6: number | null };
  /** At the 1 h burn rate; `null` when not burning or no data. */
  exhaustedInSeconds: number | null;
  health: SloHealth;
  /** Why `no-data` (or any caveat on the numbers), in words. */
  reason?: string;
  /** The formula behind attainment and budget, in words, for the tooltip. */
  formula: string;
  /** The PromQL that produced the numbers, so they can be reproduced. */
  queries: string[];
  burnDown: BudgetPoint[];
  firings: SloAlertFiring[];
}

/** A RED signal now, against the seed's threshold. @public */
export interface RedNow {
  signal: 'rate' | 'errors' | 'duration';
  /** Requests/s, error percent, or P99 seconds; `null` when there is no data. */
  value: number | null;
  unit: 'req/s' | '%' | 's';
  /** The threshold it is judged against (none for rate). */
  threshold?: number;
  status: 'ok' | 'breached' | 'no-data';
}

/** An SLO proposed from what the service achieved over the last 28 days. @public */
export interface SloSuggestion {
  slo: SloSpec['slo'];
  objectivePercent: number;
  thresholdSeconds?: number;
  /** What the service achieved, in percent, and over which period. */
  achievedPercent: number;
  basedOn: string;
  /** The annotation lines to paste into catalog-info.yaml. */
  annotations: Record<string, string>;
}

/** The SLO view of one entity. @public */
export interface EntitySloResponse {
  entityRef: string;
  evaluatedAt: string;
  prometheus: {
    status: 'ok' | 'unreachable' | 'not-configured';
    error?: string;
  };
  slos: SloStatus[];
  red: RedNow[];
  /** Only for an entity without SLOs that has RED data. */
  suggestions?: SloSuggestion[];
}
