/**
 * What a backtest asks Prometheus, decided before asking: one range query
 * per alert expression on a grid whose step keeps every answer under
 * Prometheus' 11,000 points a series, one instant query telling which
 * series exist, and one range query over `ALERTS` for what really fired.
 */
import type { GeneratedArtifacts, RecordingRule } from '../generate/types';
import { parsePrometheusDuration } from '../lint/duration';
import { promqlString } from '../spec/labelMatchers';
import { inlineRecordedSeries, selectorsOf } from './inlineRecordedSeries';

/** @public */
export const BACKTEST_DEFAULT_DAYS = 7;
/** @public */
export const BACKTEST_MAX_DAYS = 30;
/** Prometheus refuses range queries of more points per series than this. */
const MAX_POINTS = 11_000;
/** Steps tried in order: a minute (the usual evaluation interval) first. */
const STEPS = [60, 120, 180, 240, 300, 600, 900, 1800, 3600];
/** The label the presence query tags each selector's answer with. */
export const PRESENCE_LABEL = 'redline_selector';

/** The evaluation step for a window of `days`: the finest that fits in one query. @public */
export function backtestStep(days: number): number {
  const seconds = days * 86_400;
  return (
    STEPS.find(step => Math.floor(seconds / step) + 1 <= MAX_POINTS) ??
    STEPS[STEPS.length - 1]
  );
}

/** One alert's part of the plan. @public */
export interface BacktestPlanAlert {
  key: string;
  name: string;
  severity: string;
  for?: string;
  forSeconds: number;
  labels: Record<string, string>;
  /** The expression with its recorded series inlined. */
  query: string;
  /** Indexes into {@link BacktestPlan.selectors}. */
  required: number[];
  optional: number[];
  /** Recorded series read as deployed (not generated for this entity). */
  unresolved: string[];
  /** Not in the Prometheus rule file (the log-based fallback goes to Loki): not backtested. */
  unsupported?: boolean;
}

/** @public */
export interface BacktestPlan {
  entityRef: string;
  days: number;
  start: number;
  end: number;
  stepSeconds: number;
  alerts: BacktestPlanAlert[];
  /** Every selector the alerts read, once. */
  selectors: string[];
  /** Instant query at `end`: one sample per selector with data in the window. */
  presenceQuery: string;
  /** Range query: the `ALERTS` series of this entity's alerts, each sample seen for one step. */
  alertsQuery: string;
}

/** Labels every alert carries with the same value (service, team): they narrow `ALERTS` to this entity. */
function sharedLabels(
  alerts: ReadonlyArray<{ labels: Record<string, string> }>,
): Record<string, string> {
  const [first, ...rest] = alerts;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.labels).filter(([k, v]) =>
      rest.every(a => a.labels[k] === v),
    ),
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The plan for an entity's generated alerts over the `days` before
 * `nowSeconds`; the window ends on the grid so repeated runs within a step
 * ask the same.
 * @public
 */
export function planBacktest(
  artifacts: Pick<GeneratedArtifacts, 'entityRef' | 'rules' | 'alerts'>,
  options: { days: number; nowSeconds: number },
): BacktestPlan {
  const stepSeconds = backtestStep(options.days);
  const end = Math.floor(options.nowSeconds / stepSeconds) * stepSeconds;
  const start = end - options.days * 86_400;
  const ruleList = artifacts.rules.groups.flatMap(g => g.rules);
  const recording = ruleList.filter((r): r is RecordingRule => 'record' in r);
  const inPrometheus = new Set(
    ruleList.flatMap(r => ('alert' in r ? [`${r.alert}\u0000${r.expr}`] : [])),
  );
  const selectors: string[] = [];
  const indexOf = (selector: string) => {
    const at = selectors.indexOf(selector);
    return at >= 0 ? at : selectors.push(selector) - 1;
  };
  const alerts = artifacts.alerts.map((alert): BacktestPlanAlert => {
    const common = {
      key: alert.key,
      name: alert.name,
      severity: alert.severity,
      ...(alert.for ? { for: alert.for } : {}),
      forSeconds: alert.for ? parsePrometheusDuration(alert.for) ?? 0 : 0,
      labels: alert.labels,
    };
    if (!inPrometheus.has(`${alert.name}\u0000${alert.expr}`))
      return {
        ...common,
        query: alert.expr,
        required: [],
        optional: [],
        unresolved: [],
        unsupported: true,
      };
    const inlined = inlineRecordedSeries(alert.expr, recording);
    const { required, optional } = selectorsOf(inlined.promql);
    return {
      ...common,
      query: inlined.promql,
      required: required.map(indexOf),
      optional: optional.map(indexOf),
      unresolved: inlined.unresolved,
    };
  });
  const presenceQuery = selectors
    .map(
      (selector, i) =>
        `label_replace(group(last_over_time(${selector}[${options.days}d])), "${PRESENCE_LABEL}", "${i}", "", "")`,
    )
    .join(' or ');
  const prometheusAlerts = alerts.filter(a => !a.unsupported);
  const names = [...new Set(prometheusAlerts.map(a => a.name))].map(
    escapeRegex,
  );
  const matchers = [
    'alertstate="firing"',
    `alertname=~${promqlString(names.join('|'))}`,
    ...Object.entries(sharedLabels(prometheusAlerts)).map(
      ([k, v]) => `${k}=${promqlString(v)}`,
    ),
  ];
  return {
    entityRef: artifacts.entityRef,
    days: options.days,
    start,
    end,
    stepSeconds,
    alerts,
    selectors,
    presenceQuery,
    // Over the last step rather than the 5-minute lookback: history
    // without staleness markers (backfilled, or a Prometheus restarted
    // mid-alert) would otherwise stretch every episode by 5 minutes.
    alertsQuery: `last_over_time(ALERTS{${matchers.join(
      ',',
    )}}[${stepSeconds}s])`,
  };
}
