import type {
  BacktestAlertResult,
  BacktestReport,
  BacktestThresholdParam,
  BacktestThresholds,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';

/** A threshold the dialog lets a team tune, with the RED target it comes from. */
export interface TunableThreshold {
  param: BacktestThresholdParam;
  label: string;
  /** The value in the catalog today, as the field shows it. */
  current: string;
}

const TUNABLE: Array<{
  signal: RedTarget['signal'];
  param: BacktestThresholdParam;
  label: string;
}> = [
  { signal: 'errors', param: 'errorRateThreshold', label: 'Error rate (%)' },
  {
    signal: 'duration',
    param: 'latencyP99Threshold',
    label: 'P99 latency (ms)',
  },
  { signal: 'rate', param: 'rateDropThreshold', label: 'Traffic drop (%)' },
];

/** The thresholds of the entity's RED targets, in the order the dialog shows them. */
export function tunableThresholds(
  redTargets: readonly RedTarget[],
): TunableThreshold[] {
  return TUNABLE.flatMap(({ signal, param, label }) => {
    const target = redTargets.find(t => t.signal === signal);
    return target ? [{ param, label, current: String(target.threshold) }] : [];
  });
}

/**
 * The fields that differ from the catalog, as annotation text: a plain
 * number of milliseconds is written "750ms" so the line a team pastes reads
 * as what it means.
 */
export function changedThresholds(
  tunable: readonly TunableThreshold[],
  inputs: Partial<Record<BacktestThresholdParam, string>>,
): BacktestThresholds {
  const changed: BacktestThresholds = {};
  for (const { param, current } of tunable) {
    const text = inputs[param]?.trim();
    if (!text || text === current) continue;
    changed[param] =
      param === 'latencyP99Threshold' && /^\d+(?:\.\d+)?$/.test(text)
        ? `${text}ms`
        : text;
  }
  return changed;
}

/** One alert's result in a few words, for a before → after line. */
export function tallyText(alert: BacktestAlertResult): string {
  switch (alert.status) {
    case 'no-series':
      return 'no series yet';
    case 'error':
      return 'not backtested (error)';
    case 'unsupported':
      return 'not backtested';
    default:
      return alert.fired === 0
        ? 'never'
        : `${alert.fired}×, ${Math.round(alert.firingMinutes)} min`;
  }
}

/** Each alert of the tuned backtest whose expression changed, beside the same alert before. */
export function changedAlerts(
  before: BacktestReport,
  after: BacktestReport,
): Map<string, { before: BacktestAlertResult; after: BacktestAlertResult }> {
  const changed = new Map<
    string,
    { before: BacktestAlertResult; after: BacktestAlertResult }
  >();
  for (const alert of after.alerts) {
    const previous = before.alerts.find(a => a.key === alert.key);
    if (previous && previous.query !== alert.query)
      changed.set(alert.key, { before: previous, after: alert });
  }
  return changed;
}

/** Whether no alert could be evaluated because the series it reads do not exist yet. */
export function noSeriesYet(report: BacktestReport): boolean {
  const prometheusAlerts = report.alerts.filter(
    a => a.status !== 'unsupported',
  );
  return (
    prometheusAlerts.length > 0 &&
    prometheusAlerts.every(a => a.status === 'no-series')
  );
}
