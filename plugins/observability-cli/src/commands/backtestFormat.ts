/** The text table of `redline backtest`: one line per alert, then when each fired. */
import type {
  BacktestAlertResult,
  BacktestReport,
} from '@redline/backstage-plugin-observability-common';

/** Firings per 7 days, the unit `--max-per-week` is given in. */
export function perWeek(alert: BacktestAlertResult, days: number): number {
  return (alert.fired * 7) / days;
}

const minutes = (m: number) => `${Math.round(m * 10) / 10} min`;
const when = (t: number) => new Date(t * 1000).toISOString().slice(0, 16);

function outcome(alert: BacktestAlertResult, days: number): string {
  switch (alert.status) {
    case 'no-series':
      return `NO SERIES (${alert.reason})`;
    case 'error':
      return `ERROR (${alert.reason})`;
    case 'unsupported':
      return `not backtested (${alert.reason})`;
    default:
      return alert.fired === 0
        ? `would not have fired in ${days} days`
        : `would have fired ${alert.fired}× in ${days} days, ${minutes(
            alert.firingMinutes,
          )} in all, longest ${minutes(alert.longestMinutes)}`;
  }
}

function actual(alert: BacktestAlertResult): string {
  if (!alert.actual) return '';
  return `; ALERTS recorded ${alert.actual.fired}×, ${minutes(
    alert.actual.firingMinutes,
  )}`;
}

/** The report as lines of text. */
export function formatBacktestReport(
  report: BacktestReport,
  maxPerWeek: number | undefined,
): string[] {
  const lines = [
    `${report.entityRef}: last ${report.days} days (${when(
      report.start,
    )}Z – ${when(report.end)}Z, step ${report.stepSeconds} s, ${
      report.queries
    } queries)`,
  ];
  for (const alert of report.alerts) {
    const over =
      maxPerWeek !== undefined && perWeek(alert, report.days) > maxPerWeek
        ? '  OVER BUDGET'
        : '';
    lines.push(
      `  ${alert.key}${alert.for ? ` (for ${alert.for})` : ''}: ${outcome(
        alert,
        report.days,
      )}${actual(alert)}${over}`,
    );
    const shown = alert.episodes.slice(0, 5);
    for (const e of shown)
      lines.push(
        `      ${when(e.start)}Z for ${minutes(e.minutes)}${
          e.ongoing ? ' (still firing)' : ''
        }`,
      );
    if (alert.episodes.length > shown.length)
      lines.push(`      … and ${alert.episodes.length - shown.length} more`);
  }
  if (report.actualError)
    lines.push(`  (ALERTS could not be read: ${report.actualError})`);
  return lines;
}
