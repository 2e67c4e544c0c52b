import type {
  BacktestAlertResult,
  BacktestReport,
} from '@redline/backstage-plugin-observability-common';

/** The backtested week's first second (epoch seconds). */
export const BACKTEST_START = Date.UTC(2026, 9, 1) / 1000;

/** A firing episode `hoursIn` hours into the week, `minutes` long. */
export const episode = (hoursIn: number, minutes: number) => ({
  start: BACKTEST_START + hoursIn * 3600,
  end: BACKTEST_START + hoursIn * 3600 + minutes * 60,
  minutes,
  ongoing: false,
  labels: { service: 'checkout' },
});

/** A checkout alert that never fired, but for `overrides`. */
export function backtestAlert(
  key: string,
  overrides: Partial<BacktestAlertResult> = {},
): BacktestAlertResult {
  return {
    key,
    name: key,
    severity: 'warning',
    labels: { service: 'checkout' },
    status: 'evaluated',
    query: `${key} > 1`,
    fired: 0,
    firingMinutes: 0,
    longestMinutes: 0,
    episodes: [],
    sparkline: [],
    actual: { fired: 0, firingMinutes: 0, longestMinutes: 0, episodes: [] },
    ...overrides,
  };
}

/**
 * Checkout's noisy error-rate alert: would have fired 3× (41 min) in the
 * week, where Prometheus recorded it once.
 */
export const noisyErrorRate = (
  overrides: Partial<BacktestAlertResult> = {},
): BacktestAlertResult =>
  backtestAlert('HighErrorRate', {
    fired: 3,
    firingMinutes: 41,
    longestMinutes: 19,
    episodes: [episode(34, 19), episode(86, 12), episode(122, 10)],
    sparkline: [
      [BACKTEST_START, 0],
      [BACKTEST_START + 86_400, 19],
      [BACKTEST_START + 2 * 86_400, 22],
    ],
    actual: {
      fired: 1,
      firingMinutes: 19,
      longestMinutes: 19,
      episodes: [episode(34, 19)],
    },
    ...overrides,
  });

/** A 7-day backtest of checkout with `alerts`. */
export function backtestReport(alerts: BacktestAlertResult[]): BacktestReport {
  return {
    entityRef: 'component:default/checkout',
    days: 7,
    start: BACKTEST_START,
    end: BACKTEST_START + 7 * 86_400,
    stepSeconds: 60,
    queries: alerts.length + 2,
    alerts,
  };
}
