/**
 * From Prometheus' answers to an entity's SLO status. Pure arithmetic; the
 * backend only runs the queries of `planSloQueries` and hands the answers in.
 *
 * The formula, for one SLO over its window (also shown in the tab's tooltip):
 *
 *   attainment            = good / total
 *   budget ratio       b  = 1 − objective            (0.001 for 99.9 %)
 *   error ratio        e  = bad / total
 *   remainingPercent      = 100 × (1 − e / b)
 *   remainingRequests     = b × total − bad
 *   remainingMinutes      = (1 − e / b) × b × window minutes
 *   burn rate (1 h, 6 h)  = e over the last 1 h (6 h) / b
 *   exhaustedInSeconds    = (1 − e / b) × window seconds / burn rate 1 h
 *
 * At burn rate 1 the budget lasts exactly one window, which is why the time
 * left is the remaining share of a window divided by the burn rate. Zero
 * traffic is no data: never NaN, never 100 %.
 */
import { formatNumber } from '../generate/escape';
import { sloRatios } from '../generate/sloRatios';
import { formatDuration, leLabel } from '../spec/latencyBucket';
import { ANNOTATIONS } from '../spec/annotations';
import type { ObservabilitySpec } from '../spec/types';
import {
  QUANTITY_TAG,
  SIGNAL_TAG,
  SLO_TAG,
  SUGGESTION_DAYS,
  type PlannedSlo,
  type SloQueryPlan,
} from './queries';
import type {
  BudgetPoint,
  EntitySloResponse,
  RedNow,
  SloAlertFiring,
  SloHealth,
  SloStatus,
  SloSuggestion,
} from './types';

/** One sample of an instant query. @public */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range query: finite `[unix seconds, value]` points. @public */
export interface PromSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** The numbers of one SLO over its window, as read from Prometheus. @public */
export interface SloCounts {
  /** All events over the window; `null` when no series had samples. */
  total: number | null;
  /** Bad events over the window; `null` when they could not be counted. */
  bad: number | null;
  /** Error ratio over the last 1 h and 6 h (0–1); `null` without traffic. */
  errorRatio1h: number | null;
  errorRatio6h: number | null;
}

/** What {@link sloArithmetic} works out. @public */
export interface SloFigures {
  attainmentPercent: number | null;
  budget: SloStatus['budget'];
  burnRate: SloStatus['burnRate'];
  exhaustedInSeconds: number | null;
  health: SloHealth;
  reason?: string;
}

const finiteOrNull = (n: number | null | undefined): number | null =>
  typeof n === 'number' && Number.isFinite(n) ? n : null;

/**
 * The figures of one SLO from its counts (see the formula at the top of
 * this file). `periodSeconds` is the length the budget is spread over.
 * @public
 */
export function sloArithmetic(
  objectivePercent: number,
  periodSeconds: number,
  counts: SloCounts,
): SloFigures {
  const { budget: b } = sloRatios(objectivePercent);
  const total = finiteOrNull(counts.total);
  // Rounding in increase() can make a latency SLO's "all minus fast" a hair
  // below zero; there are no negative failures.
  const badRaw = finiteOrNull(counts.bad);
  const bad = badRaw === null ? null : Math.max(0, badRaw);
  const burn = (e: number | null) => {
    const ratio = finiteOrNull(e);
    return ratio === null ? null : Math.max(0, ratio) / b;
  };
  const burnRate = {
    h1: burn(counts.errorRatio1h),
    h6: burn(counts.errorRatio6h),
  };
  const empty = {
    attainmentPercent: null,
    budget: {
      remainingPercent: null,
      remainingRequests: null,
      remainingMinutes: null,
      totalRequests: total,
    },
    burnRate,
    exhaustedInSeconds: null,
    health: 'no-data' as const,
  };
  if (total === null)
    return {
      ...empty,
      reason:
        'No series: Prometheus has no samples of this SLO’s metrics in the window (check the scrape target and the metrics selector).',
    };
  if (total <= 0)
    return {
      ...empty,
      budget: { ...empty.budget, totalRequests: 0 },
      reason:
        'No traffic: the service received no requests in the window, so there is nothing to measure (not 100 %).',
    };
  if (bad === null)
    return {
      ...empty,
      reason:
        'No series of the histogram bucket this SLO is measured at, so slow requests cannot be counted.',
    };
  const e = Math.min(1, bad / total);
  const remainingShare = 1 - e / b;
  const remainingPercent = 100 * remainingShare;
  let health: SloHealth = 'meeting';
  if (remainingPercent <= 0) health = 'exhausted';
  else if (burnRate.h1 !== null && burnRate.h1 > 1) health = 'burning';
  let exhaustedInSeconds: number | null = null;
  if (remainingShare <= 0) exhaustedInSeconds = 0;
  else if (burnRate.h1 !== null && burnRate.h1 > 0)
    exhaustedInSeconds = (remainingShare * periodSeconds) / burnRate.h1;
  return {
    attainmentPercent: 100 * (1 - e),
    budget: {
      remainingPercent,
      remainingRequests: b * total - bad,
      remainingMinutes: remainingShare * b * (periodSeconds / 60),
      totalRequests: total,
    },
    burnRate,
    exhaustedInSeconds,
    health,
  };
}

/** The formula in words, for the tooltip. @public */
export function sloFormula(planned: PlannedSlo): string {
  const { slo } = planned;
  const { budget } = sloRatios(slo.objectivePercent);
  const bucket = planned.valid?.bucket;
  const bad = bucket
    ? `requests slower than ${formatDuration(
        bucket.le,
      )} (all requests minus those in the ${leLabel(bucket.le)} bucket${
        bucket.exact
          ? ''
          : `, the nearest below the declared ${formatDuration(
              slo.thresholdSeconds!,
            )}`
      })`
    : 'requests answered with a 5xx status';
  const source =
    planned.source === 'recording-rules'
      ? ' Read from Redline’s recording rules: e is the mean of the recorded 5 m error ratios over the window (Sloth’s approximation); total is counted from the raw counter.'
      : ' Counted from the raw counters with increase(), so a counter reset is not a spike.';
  return [
    `Bad events are ${bad}. Over the window (${planned.bounds.label}): attainment = good ÷ total; `,
    `error ratio e = bad ÷ total; budget b = 1 − objective = ${formatNumber(
      budget,
    )}; `,
    `remaining = 1 − e ÷ b of the budget (remaining requests = b × total − bad; remaining minutes = (1 − e ÷ b) × b × window minutes); `,
    `burn rate = error ratio over the last 1 h (6 h) ÷ b — at 1 the budget lasts exactly one window; `,
    `exhausted in = remaining share × window ÷ 1 h burn rate. No traffic is no data, never 100 %.`,
    source,
  ].join('');
}

/**
 * Remaining budget at each step of the window: the bad events counted since
 * the window's start against the budget of the whole window (all events the
 * window holds, times 1 − objective), so the line starts at 100 % and burns
 * down as errors accrue, as Grafana SLO's and Nobl9's burn-down charts do.
 * (A ratio of the events so far would stay flat under a steady error rate;
 * Pyrra's trailing window lets old incidents drop out as they age.) The
 * last point is the headline number. A step with no traffic or no samples
 * is `null`: a gap, not a plateau.
 * @public
 */
export function burnDownPoints(input: {
  objectivePercent: number;
  source: PlannedSlo['source'];
  /** Step end times, ascending (unix seconds). */
  times: number[];
  stepTotal: Map<number, number>;
  stepBad?: Map<number, number>;
  stepRatioSum?: Map<number, number>;
  stepRatioCount?: Map<number, number>;
  /** The window-end point, from the window's own counts, when it is off the grid. */
  final?: { t: number; remainingPercent: number | null };
}): BudgetPoint[] {
  const { budget: b } = sloRatios(input.objectivePercent);
  // Spent so far at each step (bad events, or the sum of recorded ratios),
  // then the same against the whole window once it is known.
  const spent: Array<number | null> = [];
  let spentSoFar = 0;
  let whole = 0;
  for (const t of input.times) {
    if (input.source === 'recording-rules') {
      const sum = input.stepRatioSum?.get(t);
      const count = input.stepRatioCount?.get(t);
      if (sum !== undefined && count !== undefined && count > 0) {
        spentSoFar += sum;
        whole += count;
        spent.push(spentSoFar);
      } else spent.push(null);
    } else {
      const stepTotal = input.stepTotal.get(t);
      const stepBad = input.stepBad?.get(t);
      if (stepTotal !== undefined && stepTotal > 0 && stepBad !== undefined) {
        spentSoFar += Math.max(0, stepBad);
        whole += stepTotal;
        spent.push(spentSoFar);
      } else spent.push(null);
    }
  }
  const points: BudgetPoint[] = input.times.map((t, i) => {
    const s = spent[i];
    return {
      t: new Date(t * 1000).toISOString(),
      remainingPercent:
        s === null || whole === 0 ? null : 100 * (1 - s / whole / b),
    };
  });
  if (input.final && !input.times.includes(input.final.t))
    points.push({
      t: new Date(input.final.t * 1000).toISOString(),
      remainingPercent: input.final.remainingPercent,
    });
  return points;
}

/**
 * Alert series of a range query (one point per step where the alert fired
 * at some moment of the step) as start/end intervals, to the step's
 * resolution. An interval reaching the query's end has no `endsAt` when the
 * alert still fires.
 * @public
 */
export function collapseFirings(
  series: PromSeries[],
  options: {
    stepSeconds: number;
    /** Only intervals that reach into the window from here (unix seconds). */
    from: number;
    end: number;
    firingNow: (labels: Record<string, string>) => boolean;
  },
): SloAlertFiring[] {
  const out: SloAlertFiring[] = [];
  for (const s of series) {
    const times = s.points
      .filter(([, v]) => v > 0)
      .map(([t]) => t)
      .sort((a, b) => a - b);
    let i = 0;
    while (i < times.length) {
      let j = i;
      while (
        j + 1 < times.length &&
        times[j + 1] - times[j] <= options.stepSeconds
      )
        j++;
      const first = times[i];
      const last = times[j];
      i = j + 1;
      if (last < options.from) continue;
      const startsAt = Math.max(options.from, first - options.stepSeconds);
      const ongoing = last >= options.end && options.firingNow(s.labels);
      out.push({
        alert: s.labels.alertname ?? 'unknown',
        ...(s.labels.severity ? { severity: s.labels.severity } : {}),
        ...(s.labels.burn_window ? { burnWindow: s.labels.burn_window } : {}),
        startsAt: new Date(startsAt * 1000).toISOString(),
        ...(ongoing ? {} : { endsAt: new Date(last * 1000).toISOString() }),
      });
    }
  }
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The answers to a plan; see `SloStatusService` for how they are fetched. @public */
export type SloAnswers =
  | {
      status: 'ok';
      instant: PromSample[];
      /** By `PlannedRange.id`; a range that failed is absent and named in `rangeErrors`. */
      ranges: Record<string, PromSeries[]>;
      rangeErrors?: Record<string, string>;
    }
  | { status: 'unreachable' | 'not-configured'; error: string };

function instantIndex(samples: PromSample[]) {
  const bySlo = new Map<string, number>();
  const bySignal = new Map<string, number>();
  const firingNow: Array<Record<string, string>> = [];
  const other = new Map<string, number>();
  for (const s of samples) {
    const q = s.labels[QUANTITY_TAG];
    const slo = s.labels[SLO_TAG];
    const signal = s.labels[SIGNAL_TAG];
    if (q === 'firing_now') firingNow.push(s.labels);
    else if (slo && q) bySlo.set(`${slo}/${q}`, s.value);
    else if (signal) bySignal.set(signal, s.value);
    else if (q) other.set(q, s.value);
  }
  return { bySlo, bySignal, firingNow, other };
}

function stepMaps(series: PromSeries[] | undefined, slo: string) {
  const maps = new Map<string, Map<number, number>>();
  for (const s of series ?? []) {
    if (s.labels[SLO_TAG] !== slo) continue;
    const q = s.labels[QUANTITY_TAG];
    if (q) maps.set(q, new Map(s.points));
  }
  return maps;
}

function gridTimes(range: { start: number; end: number; stepSeconds: number }) {
  const times: number[] = [];
  for (let t = range.start; t <= range.end; t += range.stepSeconds)
    times.push(t);
  return times;
}

/** What every SLO says when nothing could be measured. */
function noDataStatus(
  planned: PlannedSlo,
  reason: string,
  queries: string[],
): SloStatus {
  return {
    ...statusHead(planned),
    attainmentPercent: null,
    budget: {
      remainingPercent: null,
      remainingRequests: null,
      remainingMinutes: null,
      totalRequests: null,
    },
    burnRate: { h1: null, h6: null },
    exhaustedInSeconds: null,
    health: 'no-data',
    reason,
    formula: sloFormula(planned),
    queries,
    burnDown: [],
    firings: [],
  };
}

function statusHead(planned: PlannedSlo) {
  const { slo, bounds } = planned;
  return {
    slo: slo.slo,
    objectivePercent: slo.objectivePercent,
    ...(slo.thresholdSeconds !== undefined
      ? { thresholdSeconds: slo.thresholdSeconds }
      : {}),
    window: slo.window,
    windowLabel: bounds.label,
    windowStart: new Date(bounds.start * 1000).toISOString(),
    windowEnd: new Date(bounds.end * 1000).toISOString(),
    source: planned.source,
  };
}

function plannedQueries(planned: PlannedSlo): string[] {
  const e = planned.exprs;
  if (!e) return [];
  return [
    e.total,
    e.bad,
    e.errorRatio,
    e.h1,
    e.h6,
    e.stepTotal,
    e.stepBad,
    e.stepRatioSum,
    e.stepRatioCount,
    planned.firingsExpr,
  ].filter((q): q is string => !!q);
}

function judge(value: number | null, threshold: number): RedNow['status'] {
  if (value === null) return 'no-data';
  return value > threshold ? 'breached' : 'ok';
}

/** The three RED signals now, in the units the thresholds are in. */
function redNow(
  spec: ObservabilitySpec,
  plan: SloQueryPlan,
  values: Map<string, number> | undefined,
): RedNow[] {
  return plan.redTargets.map((target): RedNow => {
    const raw = finiteOrNull(values?.get(target.signal));
    if (target.signal === 'rate')
      return {
        signal: 'rate',
        value: raw,
        unit: 'req/s',
        status: raw === null ? 'no-data' : 'ok',
      };
    if (target.signal === 'errors') {
      const threshold = spec.thresholds.errorRatePercent.value;
      const value = raw === null ? null : raw * 100;
      return {
        signal: 'errors',
        value,
        unit: '%',
        threshold,
        status: judge(value, threshold),
      };
    }
    const threshold = spec.thresholds.latencyP99Ms.value / 1000;
    return {
      signal: 'duration',
      value: raw,
      unit: 's',
      threshold,
      status: judge(raw, threshold),
    };
  });
}

/** Common objectives, strictest first: a suggestion is the strictest one the service met. */
const SUGGESTED_OBJECTIVES = [99.99, 99.95, 99.9, 99.5, 99, 98, 95, 90];

function suggest(
  plan: SloQueryPlan,
  other: Map<string, number>,
): SloSuggestion[] {
  if (!plan.suggestion) return [];
  const out: SloSuggestion[] = [];
  const basedOn = `the last ${SUGGESTION_DAYS} days of traffic`;
  const availability = finiteOrNull(other.get('achieved_availability'));
  if (availability !== null) {
    const achieved = availability * 100;
    const objective = SUGGESTED_OBJECTIVES.find(o => o <= achieved);
    if (objective !== undefined)
      out.push({
        slo: 'availability',
        objectivePercent: objective,
        achievedPercent: achieved,
        basedOn,
        annotations: { [ANNOTATIONS.sloAvailability]: formatNumber(objective) },
      });
  }
  const latency = finiteOrNull(other.get('achieved_latency'));
  const le = plan.suggestion.latency?.le;
  if (latency !== null && le !== undefined) {
    const achieved = latency * 100;
    const objective = SUGGESTED_OBJECTIVES.find(o => o <= achieved);
    if (objective !== undefined)
      out.push({
        slo: 'latency',
        objectivePercent: objective,
        thresholdSeconds: le,
        achievedPercent: achieved,
        basedOn,
        annotations: {
          [ANNOTATIONS.sloLatency]: `${formatNumber(
            objective,
          )}% < ${formatDuration(le)}`,
        },
      });
  }
  return out;
}

/**
 * The answer of `GET /entity/:kind/:namespace/:name/slos` from a plan and
 * Prometheus' answers to it.
 * @public
 */
export function buildEntitySloResponse(input: {
  entityRef: string;
  plan: SloQueryPlan;
  answers: SloAnswers;
  evaluatedAt?: string;
}): EntitySloResponse {
  const { plan, answers } = input;
  const spec = plan.spec;
  const evaluatedAt =
    input.evaluatedAt ?? new Date(plan.at * 1000).toISOString();
  if (answers.status !== 'ok') {
    const reason =
      answers.status === 'unreachable'
        ? `Prometheus unreachable: ${answers.error}`
        : `No Prometheus configured: ${answers.error}`;
    return {
      entityRef: input.entityRef,
      evaluatedAt,
      prometheus: { status: answers.status, error: answers.error },
      slos: plan.slos.map(p =>
        noDataStatus(p, p.invalid ?? reason, plannedQueries(p)),
      ),
      red: redNow(spec, plan, undefined),
    };
  }

  const index = instantIndex(answers.instant);
  const firingRange = plan.ranges.find(r => r.id === 'firings');
  const firingSeries = answers.ranges.firings ?? [];
  const slos = plan.slos.map((p): SloStatus => {
    const queries = plannedQueries(p);
    if (p.invalid || !p.exprs) return noDataStatus(p, p.invalid ?? '', queries);
    const name = p.slo.slo;
    const get = (q: string) => index.bySlo.get(`${name}/${q}`) ?? null;
    const total = get('total');
    let bad = get('bad');
    const ratio = get('error_ratio');
    if (p.source === 'recording-rules')
      bad = ratio !== null && total !== null ? ratio * total : null;
    const figures = sloArithmetic(
      p.slo.objectivePercent,
      p.bounds.periodSeconds,
      {
        total,
        bad,
        errorRatio1h: get('h1'),
        errorRatio6h: get('h6'),
      },
    );
    const reasons: string[] = figures.reason ? [figures.reason] : [];

    let burnDown: BudgetPoint[] = [];
    const range = plan.ranges.find(r => r.id === p.burnDownRange);
    if (range && answers.ranges[range.id]) {
      const maps = stepMaps(answers.ranges[range.id], name);
      burnDown = burnDownPoints({
        objectivePercent: p.slo.objectivePercent,
        source: p.source,
        times: gridTimes(range),
        stepTotal: maps.get('step_total') ?? new Map(),
        stepBad: maps.get('step_bad'),
        stepRatioSum: maps.get('step_ratio_sum'),
        stepRatioCount: maps.get('step_ratio_count'),
        final: {
          t: p.bounds.end,
          remainingPercent: figures.budget.remainingPercent,
        },
      });
    } else if (range) {
      reasons.push(
        `No burn-down: ${
          answers.rangeErrors?.[range.id] ?? 'the query failed'
        }.`,
      );
    }

    let firings: SloAlertFiring[] = [];
    if (firingRange && answers.ranges.firings) {
      firings = collapseFirings(
        firingSeries.filter(s => s.labels.slo === name),
        {
          stepSeconds: firingRange.stepSeconds,
          from: p.bounds.start,
          end: firingRange.end,
          firingNow: labels =>
            index.firingNow.some(
              f =>
                f.alertname === labels.alertname &&
                f.slo === labels.slo &&
                (f.burn_window ?? '') === (labels.burn_window ?? ''),
            ),
        },
      );
    } else if (firingRange) {
      reasons.push(
        `Alert history unavailable: ${
          answers.rangeErrors?.firings ?? 'the query failed'
        }.`,
      );
    }

    return {
      ...statusHead(p),
      attainmentPercent: figures.attainmentPercent,
      budget: figures.budget,
      burnRate: figures.burnRate,
      exhaustedInSeconds: figures.exhaustedInSeconds,
      health: figures.health,
      ...(reasons.length ? { reason: reasons.join(' ') } : {}),
      formula: sloFormula(p),
      queries,
      burnDown,
      firings,
    };
  });

  const suggestions = suggest(plan, index.other);
  return {
    entityRef: input.entityRef,
    evaluatedAt,
    prometheus: { status: 'ok' },
    slos,
    red: redNow(spec, plan, index.bySignal),
    ...(suggestions.length ? { suggestions } : {}),
  };
}
