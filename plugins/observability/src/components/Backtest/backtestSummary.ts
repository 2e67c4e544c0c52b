import type { BacktestAlertResult } from '@redline/backstage-plugin-observability-common';

const minutes = (m: number) => `${Math.round(m)} min`;

/** One alert's backtest in a sentence, e.g. "would have fired 3× in 7 days, 41 min in all". */
export function backtestSummary(
  alert: BacktestAlertResult,
  days: number,
): string {
  switch (alert.status) {
    case 'no-series':
      return `its series do not exist yet (${alert.reason})`;
    case 'error':
      return `could not be backtested: ${alert.reason}`;
    case 'unsupported':
      return 'not backtested: it runs in Loki, not Prometheus';
    default:
      return alert.fired === 0
        ? `would not have fired in ${days} days`
        : `would have fired ${alert.fired}× in ${days} days, ${minutes(
            alert.firingMinutes,
          )} in all (longest ${minutes(alert.longestMinutes)})`;
  }
}

/** What `ALERTS` says the deployed alert did, when it was read. */
export function actualSummary(alert: BacktestAlertResult): string | undefined {
  if (!alert.actual || alert.status === 'unsupported') return undefined;
  return alert.actual.fired === 0
    ? 'Prometheus recorded no firing'
    : `Prometheus recorded ${alert.actual.fired}×, ${minutes(
        alert.actual.firingMinutes,
      )}`;
}
