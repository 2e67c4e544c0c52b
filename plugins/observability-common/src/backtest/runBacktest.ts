/**
 * Runs a {@link BacktestPlan} against a Prometheus: the I/O is the caller's
 * (backend client, CLI fetch), everything else happens here so every caller
 * reports the same episodes.
 */
import type { PromSample, PromSeries } from '../slo/status';
import { episodesOfSeries, firingSparkline, tallyEpisodes } from './episodes';
import {
  PRESENCE_LABEL,
  type BacktestPlan,
  type BacktestPlanAlert,
} from './plan';
import type {
  BacktestAlertResult,
  BacktestReport,
  BacktestTally,
} from './types';

/** The two Prometheus calls a backtest makes. @public */
export interface BacktestQueryApi {
  query(promql: string, time: number): Promise<PromSample[]>;
  queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ): Promise<PromSeries[]>;
}

/** Range queries in flight at once: a backtest must not crowd out the portal's own queries. */
const CONCURRENCY = 2;
const SPARKLINE_BUCKETS = 48;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

function seriesEpisodes(
  series: readonly PromSeries[],
  plan: BacktestPlan,
  forSeconds: number,
) {
  return series.flatMap(s =>
    episodesOfSeries(
      s.points.map(([t]) => t),
      plan,
      forSeconds,
      s.labels,
    ),
  );
}

/** Which selectors had a sample in the window; undefined when the question failed. */
async function presentSelectors(
  plan: BacktestPlan,
  api: BacktestQueryApi,
): Promise<Set<number> | undefined> {
  if (plan.selectors.length === 0) return new Set();
  try {
    const samples = await api.query(plan.presenceQuery, plan.end);
    return new Set(samples.map(s => Number(s.labels[PRESENCE_LABEL])));
  } catch {
    // Without it every alert is still evaluated; only "no series" is not told apart.
    return undefined;
  }
}

function missingOf(
  alert: BacktestPlanAlert,
  present: Set<number> | undefined,
  selectors: readonly string[],
): string[] {
  if (!present) return [];
  const missing = alert.required.filter(i => !present.has(i));
  if (
    alert.required.length === 0 &&
    alert.optional.length > 0 &&
    !alert.optional.some(i => present.has(i))
  )
    missing.push(...alert.optional);
  return missing.map(i => selectors[i]);
}

function actualTally(
  alert: BacktestPlanAlert,
  alertsSeries: readonly PromSeries[],
  plan: BacktestPlan,
): BacktestTally {
  const mine = alertsSeries.filter(
    s =>
      s.labels.alertname === alert.name &&
      Object.entries(alert.labels).every(([k, v]) => s.labels[k] === v),
  );
  return tallyEpisodes(seriesEpisodes(mine, plan, 0));
}

const EMPTY: BacktestTally = {
  fired: 0,
  firingMinutes: 0,
  longestMinutes: 0,
  episodes: [],
};

/**
 * Every alert of the plan over its window: episodes honouring `for`,
 * compared with what `ALERTS` recorded for the deployed alert.
 * @public
 */
export async function runBacktest(
  plan: BacktestPlan,
  api: BacktestQueryApi,
): Promise<BacktestReport> {
  const range = {
    start: plan.start,
    end: plan.end,
    stepSeconds: plan.stepSeconds,
  };
  let actualError: string | undefined;
  const [present, alertsSeries] = await Promise.all([
    presentSelectors(plan, api),
    api.queryRange(plan.alertsQuery, range).catch(error => {
      actualError = messageOf(error);
      return undefined;
    }),
  ]);
  const results = await inBatches(
    plan.alerts,
    CONCURRENCY,
    async (alert): Promise<BacktestAlertResult> => {
      const base = {
        key: alert.key,
        name: alert.name,
        severity: alert.severity,
        ...(alert.for ? { for: alert.for } : {}),
        labels: alert.labels,
        query: alert.query,
        ...(alertsSeries && !alert.unsupported
          ? { actual: actualTally(alert, alertsSeries, plan) }
          : {}),
      };
      if (alert.unsupported)
        return {
          ...base,
          ...EMPTY,
          status: 'unsupported',
          reason:
            'not a Prometheus alerting rule (it runs in Loki); only Prometheus rules are backtested',
          sparkline: [],
        };
      const missing = missingOf(alert, present, plan.selectors);
      if (missing.length > 0)
        return {
          ...base,
          ...EMPTY,
          status: 'no-series',
          reason: `no samples in the last ${plan.days} days for ${missing.join(
            ', ',
          )}`,
          missingSelectors: missing,
          sparkline: [],
        };
      try {
        const series = await api.queryRange(alert.query, range);
        const tally = tallyEpisodes(
          seriesEpisodes(series, plan, alert.forSeconds),
        );
        return {
          ...base,
          ...tally,
          status: 'evaluated',
          sparkline: firingSparkline(
            tally.episodes,
            // The last evaluation's episode runs one step past the window's end.
            { start: plan.start, end: plan.end + plan.stepSeconds },
            SPARKLINE_BUCKETS,
          ),
        };
      } catch (error) {
        return {
          ...base,
          ...EMPTY,
          status: 'error',
          reason: messageOf(error),
          sparkline: [],
        };
      }
    },
  );
  return {
    entityRef: plan.entityRef,
    days: plan.days,
    start: plan.start,
    end: plan.end,
    stepSeconds: plan.stepSeconds,
    alerts: results,
    queries:
      2 +
      results.filter(r => r.status === 'evaluated' || r.status === 'error')
        .length,
    ...(actualError ? { actualError } : {}),
  };
}
