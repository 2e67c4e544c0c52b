/**
 * The PromQL behind an entity's SLO status, planned so one request costs
 * Prometheus few queries whatever the number of SLOs:
 *
 * 1. one instant query at the window's end for every number (window totals,
 *    1 h / 6 h error ratios, alerts firing now, the three RED signals and,
 *    for an entity without SLOs, what it achieved over 28 days), each part
 *    tagged with `redline_slo` / `redline_q` (or `redline_signal`);
 * 2. one range query per distinct window for the burn-down;
 * 3. one range query for the SLO alerts that fired within the window.
 *
 * Every part is also kept on its own in `SloStatus.queries`, so a number can
 * be reproduced by pasting one expression into Prometheus.
 *
 * The expressions come from the generators' builders (`select`,
 * `serverErrorMatcher`, `leMatcher`) and, for the 1 h / 6 h ratios, from the
 * very recording rules `sloRules` generates, so the tab measures what the
 * alerts measure. Counts are `increase()` over counters: a counter reset
 * (a restart) is not a spike.
 */
import { promEqualMatcher } from '../generate/escape';
import { leMatcher, serverErrorMatcher } from '../generate/redRecordingRules';
import {
  createRuleContext,
  select,
  type RuleContext,
} from '../generate/ruleContext';
import { recordedSeriesLabels } from '../generate/serviceScope';
import { sliErrorRecordName, sloRules } from '../generate/sloRules';
import { validSlos, type ValidSlo } from '../generate/validSlos';
import type { GeneratorConfig } from '../spec/config';
import { latencySloBucket } from '../spec/latencyBucket';
import type { Finding, ObservabilitySpec, SloSpec } from '../spec/types';
import type { RedTarget } from '../types';
import type { SloDataSource } from './types';
import { sloWindowBounds, type SloWindowBounds } from './window';

/** Label naming the SLO a tagged part belongs to. @public */
export const SLO_TAG = 'redline_slo';
/** Label naming the quantity of a tagged part. @public */
export const QUANTITY_TAG = 'redline_q';
/** Label naming the RED signal of a tagged part (as in the view's live values). @public */
export const SIGNAL_TAG = 'redline_signal';

/** The burn-down has at most this many points (plus one at the window's end). @public */
export const BURN_DOWN_MAX_POINTS = 200;
/** The firings query's resolution: at most this many steps over the window. */
const FIRING_MAX_POINTS = 1000;
/** What SLO suggestions are based on. */
export const SUGGESTION_DAYS = 28;

/** The PromQL of one SLO's numbers, each part alone. @public */
export interface SloExpressions {
  /** All events over the window. */
  total: string;
  /** Bad events over the window (raw metrics). */
  bad?: string;
  /** Mean of the recorded 5m error ratio over the window (recording rules). */
  errorRatio?: string;
  h1: string;
  h6: string;
  /** Per burn-down step: events, and bad events (raw) or the recorded ratio's sum and count (rules). */
  stepTotal?: string;
  stepBad?: string;
  stepRatioSum?: string;
  stepRatioCount?: string;
}

/** A range query of the plan. @public */
export interface PlannedRange {
  id: string;
  query: string;
  /** Unix seconds; Prometheus evaluates at start, start + step, … ≤ end. */
  start: number;
  end: number;
  stepSeconds: number;
}

/** One SLO as the plan measures it. @public */
export interface PlannedSlo {
  slo: SloSpec;
  /** Absent when the SLO cannot be measured; `invalid` says why. */
  valid?: ValidSlo;
  invalid?: string;
  source: SloDataSource;
  bounds: SloWindowBounds;
  exprs?: SloExpressions;
  /** The burn-down range this SLO's step parts are in (`PlannedRange.id`). */
  burnDownRange?: string;
  firingsExpr: string;
}

/** Everything to ask Prometheus for an entity's SLO status. @public */
export interface SloQueryPlan {
  spec: ObservabilitySpec;
  /** Unix seconds every number is read at. */
  at: number;
  slos: PlannedSlo[];
  /** The one instant query (evaluated at `at`). */
  instant: string;
  ranges: PlannedRange[];
  /** The RED targets whose values the instant query carries. */
  redTargets: RedTarget[];
  /** Set when the entity has no SLO: the parts that measure what it achieved. */
  suggestion?: { availability: string; latency?: { expr: string; le: number } };
}

/** Options of {@link planSloQueries}. @public */
export interface PlanSloQueriesOptions {
  /** The moment to evaluate at, in ms (the service passes `Date.now()` aligned). */
  nowMs: number;
  /** The entity's RED targets (`EntityDescription.redTargets`), read "now" alongside. */
  redTargets?: RedTarget[];
  /**
   * Per SLO, whether Prometheus has this SLO's recording rules loaded (see
   * {@link sloRecordingRulesLoaded}); then its numbers are read from them.
   */
  recordingRulesLoaded?: Partial<Record<SloSpec['slo'], boolean>>;
}

/** `expr` with constant labels added (label_replace keeps everything else). */
export function tagged(expr: string, tags: Record<string, string>): string {
  let out = expr;
  for (const [name, value] of Object.entries(tags)) {
    out = `label_replace(${out}, "${name}", "${value}", "", "")`;
  }
  return out;
}

/**
 * The burn-down grid of a window: steps of whole minutes, at most
 * {@link BURN_DOWN_MAX_POINTS} of them, starting at the window's start so
 * the steps tile it. The remainder after the last full step is covered by
 * the window-end point the instant query gives.
 * @public
 */
export function burnDownGrid(
  bounds: SloWindowBounds,
): { stepSeconds: number; points: number } | undefined {
  const stepSeconds =
    Math.ceil(bounds.elapsedSeconds / BURN_DOWN_MAX_POINTS / 60) * 60;
  if (stepSeconds <= 0) return undefined;
  const points = Math.floor(bounds.elapsedSeconds / stepSeconds);
  return points > 0 ? { stepSeconds, points } : undefined;
}

/** The recorded SLI expression for `window` that `sloRules` generates for this SLO. */
function generatedSliExpr(
  groups: ReturnType<typeof sloRules>['groups'],
  slo: SloSpec['slo'],
  window: string,
): string | undefined {
  for (const group of groups) {
    for (const rule of group.rules) {
      if (
        'record' in rule &&
        rule.record === sliErrorRecordName(window) &&
        rule.labels?.slo === slo
      )
        return rule.expr;
    }
  }
  return undefined;
}

/** Raw-metric selectors of an SLO: all events and bad (or fast) ones. */
function rawSelectors(ctx: RuleContext, v: ValidSlo) {
  if (v.bucket === undefined) {
    return {
      total: select(ctx, ctx.metrics.requestsTotal),
      errors: select(ctx, ctx.metrics.requestsTotal, serverErrorMatcher(ctx)),
    };
  }
  const histogram = ctx.metrics.durationHistogram;
  return {
    total: select(ctx, `${histogram}_count`),
    fast: select(ctx, `${histogram}_bucket`, leMatcher(v.bucket.le)),
  };
}

/**
 * Events and bad events of an SLO over `range` from the raw metrics. Bad
 * latency events are all events minus those in the threshold's bucket; a
 * service without 5xx series has 0 errors, not none.
 */
function rawCounts(
  sel: ReturnType<typeof rawSelectors>,
  range: string,
): { total: string; bad: string } {
  const total = `sum(increase(${sel.total}[${range}]))`;
  const bad =
    'errors' in sel && sel.errors
      ? `(sum(increase(${sel.errors}[${range}])) or vector(0))`
      : `(${total} - sum(increase(${sel.fast}[${range}])))`;
  return { total, bad };
}

function sloExpressions(
  ctx: RuleContext,
  v: ValidSlo,
  source: SloDataSource,
  range: string,
  step: number | undefined,
  generated: ReturnType<typeof sloRules>['groups'],
): SloExpressions {
  const sel = rawSelectors(ctx, v);
  const window = rawCounts(sel, range);
  const stepCounts = step ? rawCounts(sel, `${step}s`) : undefined;
  if (source === 'recording-rules') {
    const matcher = `{${ctx.recordedMatcher},slo="${v.slo.slo}"}`;
    const ratio5m = `${sliErrorRecordName('5m')}${matcher}`;
    return {
      total: window.total,
      // Sloth's approximation, as the period rule records it: the mean of
      // the 5m ratios; intervals without traffic have no sample and count
      // for nothing.
      errorRatio: `avg_over_time(${ratio5m}[${range}])`,
      h1: `${sliErrorRecordName('1h')}${matcher}`,
      h6: `${sliErrorRecordName('6h')}${matcher}`,
      ...(step
        ? {
            stepTotal: stepCounts!.total,
            stepRatioSum: `sum_over_time(${ratio5m}[${step}s])`,
            stepRatioCount: `count_over_time(${ratio5m}[${step}s])`,
          }
        : {}),
    };
  }
  return {
    total: window.total,
    bad: window.bad,
    h1: generatedSliExpr(generated, v.slo.slo, '1h') ?? '',
    h6: generatedSliExpr(generated, v.slo.slo, '6h') ?? '',
    ...(stepCounts
      ? { stepTotal: stepCounts.total, stepBad: stepCounts.bad }
      : {}),
  };
}

/** `ALERTS` of the entity's SLO alerts, selected by the labels the rules put on them. */
function alertsSelector(spec: ObservabilitySpec, slos: string[]): string {
  const matchers = [
    'alertstate="firing"',
    ...Object.entries(recordedSeriesLabels(spec)).map(([name, value]) =>
      promEqualMatcher(name, value),
    ),
    slos.length === 1
      ? `slo="${slos[0]}"`
      : `slo=~"${[...new Set(slos)].sort().join('|')}"`,
  ];
  return `ALERTS{${matchers.join(',')}}`;
}

const ALERT_GROUPING = 'alertname, slo, burn_window, severity';

/**
 * Whether Prometheus has an SLO's recording rules loaded: the service's
 * loaded recording rules (its share of `/api/v1/rules`, e.g. from
 * `RuleIndex.forService`) include the 5m, 1h and 6h SLI ratios of this SLO.
 * @public
 */
export function sloRecordingRulesLoaded(
  serviceRules: ReadonlyArray<{
    type: 'alerting' | 'recording';
    name: string;
    labels?: Record<string, string>;
  }>,
  slo: SloSpec['slo'],
): boolean {
  const wanted = ['5m', '1h', '6h'].map(sliErrorRecordName);
  return wanted.every(name =>
    serviceRules.some(
      r => r.type === 'recording' && r.name === name && r.labels?.slo === slo,
    ),
  );
}

/**
 * Plans the queries for an entity's SLO status at `nowMs`. Invalid SLOs
 * (no bucket at or below a latency threshold, an objective of 100 %) are
 * kept with the reason, so the tab can say why they have no numbers.
 * @public
 */
export function planSloQueries(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
  options: PlanSloQueriesOptions,
): SloQueryPlan {
  const ctx = createRuleContext(spec, config);
  const { slos: valid, findings } = validSlos(ctx);
  const generated = sloRules(ctx).groups;
  const at = Math.floor(options.nowMs / 1000);
  const parts: string[] = [];
  const ranges = new Map<string, PlannedRange & { parts: string[] }>();
  const planned: PlannedSlo[] = [];
  const seen = new Set<string>();

  for (const slo of spec.slos) {
    if (seen.has(slo.slo)) continue; // only the first of a kind, as the rules do
    seen.add(slo.slo);
    const bounds = sloWindowBounds(slo.window, options.nowMs);
    const v = valid.find(x => x.slo === slo);
    const source: SloDataSource = options.recordingRulesLoaded?.[slo.slo]
      ? 'recording-rules'
      : 'raw-metrics';
    const firingsExpr = alertsSelector(spec, [slo.slo]);
    if (!v) {
      planned.push({
        slo,
        source,
        bounds,
        firingsExpr,
        invalid: invalidReason(slo, findings),
      });
      continue;
    }
    if (bounds.elapsedSeconds < 60) {
      planned.push({
        slo,
        valid: v,
        source,
        bounds,
        firingsExpr,
        invalid: 'The window started less than a minute ago.',
      });
      continue;
    }
    const grid = burnDownGrid(bounds);
    const range = `${bounds.elapsedSeconds}s`;
    const exprs = sloExpressions(
      ctx,
      v,
      source,
      range,
      grid?.stepSeconds,
      generated,
    );
    const tag = (q: string) => ({ [SLO_TAG]: slo.slo, [QUANTITY_TAG]: q });
    parts.push(tagged(exprs.total, tag('total')));
    if (exprs.bad) parts.push(tagged(exprs.bad, tag('bad')));
    if (exprs.errorRatio)
      parts.push(tagged(exprs.errorRatio, tag('error_ratio')));
    if (exprs.h1) parts.push(tagged(exprs.h1, tag('h1')));
    if (exprs.h6) parts.push(tagged(exprs.h6, tag('h6')));

    let burnDownRange: string | undefined;
    if (grid) {
      const start = bounds.start + grid.stepSeconds;
      const end = bounds.start + grid.points * grid.stepSeconds;
      burnDownRange = `burn-down:${start}:${end}:${grid.stepSeconds}`;
      let r = ranges.get(burnDownRange);
      if (!r) {
        r = {
          id: burnDownRange,
          query: '',
          start,
          end,
          stepSeconds: grid.stepSeconds,
          parts: [],
        };
        ranges.set(burnDownRange, r);
      }
      for (const [q, expr] of [
        ['step_total', exprs.stepTotal],
        ['step_bad', exprs.stepBad],
        ['step_ratio_sum', exprs.stepRatioSum],
        ['step_ratio_count', exprs.stepRatioCount],
      ] as const) {
        if (expr) r.parts.push(tagged(expr, tag(q)));
      }
    }
    planned.push({
      slo,
      valid: v,
      source,
      bounds,
      exprs,
      burnDownRange,
      firingsExpr,
    });
  }

  const measured = planned.filter(p => p.exprs);
  if (measured.length > 0) {
    const selector = alertsSelector(
      spec,
      measured.map(p => p.slo.slo),
    );
    parts.push(
      tagged(`count by (${ALERT_GROUPING}) (${selector})`, {
        [QUANTITY_TAG]: 'firing_now',
      }),
    );
    const longest = Math.max(...measured.map(p => p.bounds.elapsedSeconds));
    const step = Math.max(60, Math.ceil(longest / FIRING_MAX_POINTS / 60) * 60);
    // max_over_time: an alert that fired for less than a step still shows.
    ranges.set('firings', {
      id: 'firings',
      query: `max by (${ALERT_GROUPING}) (max_over_time(${selector}[${step}s]))`,
      start: at - longest + step,
      end: at,
      stepSeconds: step,
      parts: [],
    });
  }

  const redTargets = options.redTargets ?? [];
  for (const target of redTargets)
    parts.push(tagged(target.promql, { [SIGNAL_TAG]: target.signal }));

  let suggestion: SloQueryPlan['suggestion'];
  if (spec.slos.length === 0) {
    suggestion = suggestionParts(ctx);
    parts.push(
      tagged(suggestion.availability, {
        [QUANTITY_TAG]: 'achieved_availability',
      }),
    );
    if (suggestion.latency)
      parts.push(
        tagged(suggestion.latency.expr, { [QUANTITY_TAG]: 'achieved_latency' }),
      );
  }

  return {
    spec,
    at,
    slos: planned,
    instant: parts.join('\nor\n'),
    ranges: [...ranges.values()].map(({ parts: rangeParts, ...r }) => ({
      ...r,
      query: r.query || rangeParts.join('\nor\n'),
    })),
    redTargets,
    ...(suggestion ? { suggestion } : {}),
  };
}

/** Achieved good-event ratios over the last 28 days, for suggesting SLOs. */
function suggestionParts(
  ctx: RuleContext,
): NonNullable<SloQueryPlan['suggestion']> {
  const range = `${SUGGESTION_DAYS}d`;
  const requests = rawCounts(
    {
      total: select(ctx, ctx.metrics.requestsTotal),
      errors: select(ctx, ctx.metrics.requestsTotal, serverErrorMatcher(ctx)),
    },
    range,
  );
  // `> 0`: zero traffic is no data, never 100 %.
  const availability = `1 - ${requests.bad} / (${requests.total} > 0)`;
  const threshold = ctx.spec.thresholds.latencyP99Ms.value / 1000;
  const bucket = latencySloBucket(threshold, ctx.metrics.histogramBuckets);
  if (!bucket) return { availability };
  const histogram = ctx.metrics.durationHistogram;
  const count = `sum(increase(${select(ctx, `${histogram}_count`)}[${range}]))`;
  const fast = `sum(increase(${select(
    ctx,
    `${histogram}_bucket`,
    leMatcher(bucket.le),
  )}[${range}]))`;
  return {
    availability,
    latency: { expr: `${fast} / (${count} > 0)`, le: bucket.le },
  };
}

function invalidReason(slo: SloSpec, findings: Finding[]): string {
  const finding = findings.find(
    f => f.annotation === slo.annotation && f.severity === 'error',
  );
  return finding
    ? `Not measured: ${finding.message}`
    : `Not measured: the ${slo.slo} SLO is not valid.`;
}
