/**
 * Where an SLO's compliance window starts and ends for a given moment. All
 * arithmetic is in UTC: a calendar window must start at the same instant for
 * every viewer and for Prometheus, whatever the browser's or server's zone.
 */
import { sloWindowLabel } from '../spec/sloWindow';

export { sloWindowLabel };
import type { SloWindow } from '../spec/types';

const DAY_SECONDS = 86_400;

/** The window of one SLO at one moment. @public */
export interface SloWindowBounds {
  /** Unix seconds, inclusive. */
  start: number;
  /** Unix seconds: the moment asked about. */
  end: number;
  /** `end − start`: what the window holds so far. */
  elapsedSeconds: number;
  /**
   * The length the error budget is spread over: N days for a rolling window,
   * the whole month or week for a calendar one (not only its elapsed part),
   * so a budget of 0.1 % of a 31-day month is 44.6 minutes from its first day.
   */
  periodSeconds: number;
  /** e.g. `30 days, rolling` or `calendar month (UTC)`. */
  label: string;
}

/**
 * The window's bounds at `nowMs`: rolling windows reach back N days;
 * calendar windows start at 00:00 UTC on the 1st of the current month or on
 * the Monday of the current ISO week. Bounds are whole seconds (PromQL ranges
 * are), rounded down.
 * @public
 */
export function sloWindowBounds(
  window: SloWindow,
  nowMs: number,
): SloWindowBounds {
  const end = Math.floor(nowMs / 1000);
  const label = sloWindowLabel(window);
  if (window.type === 'rolling') {
    const periodSeconds = window.days * DAY_SECONDS;
    return {
      start: end - periodSeconds,
      end,
      elapsedSeconds: periodSeconds,
      periodSeconds,
      label,
    };
  }
  const now = new Date(end * 1000);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  let startMs: number;
  let periodSeconds: number;
  if (window.period === 'month') {
    startMs = Date.UTC(y, m, 1);
    periodSeconds = (Date.UTC(y, m + 1, 1) - startMs) / 1000;
  } else {
    // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
    const sinceMonday = (now.getUTCDay() + 6) % 7;
    startMs = Date.UTC(y, m, now.getUTCDate() - sinceMonday);
    periodSeconds = 7 * DAY_SECONDS;
  }
  const start = startMs / 1000;
  return { start, end, elapsedSeconds: end - start, periodSeconds, label };
}
