/**
 * SLO attainment for a whole catalog at once, as the coverage run needs it:
 * one instant query per Prometheus instance and distinct window answers the
 * window's counts for every service, and each entity then picks its own
 * series out of that answer. The tab's per-entity plan (`planSloQueries`)
 * would cost one query per entity, which a run over 10 000 entities cannot
 * afford.
 *
 * Counts are raw counters over the window (`increase()`), the tab's
 * `raw-metrics` source. Where the tab reads Redline's recording rules it
 * uses Sloth's mean-of-5m-ratios approximation, so the two may differ in
 * the last digits; the raw counts are the exact figure.
 */
import { serverErrorMatcher } from '../generate/redRecordingRules';
import { select, type RuleContext } from '../generate/ruleContext';
import { ruleContextFor } from '../generate/ruleContextCache';
import { validSlos, type ValidSlo } from '../generate/validSlos';
import type { GeneratorConfig } from '../spec/config';
import { parseLabelMatchers } from '../spec/labelMatchers';
import type { ObservabilitySpec, SloSpec } from '../spec/types';
import { QUANTITY_TAG, tagged } from './queries';
import { sloArithmetic, type PromSample } from './status';
import { sloWindowBounds, type SloWindowBounds } from './window';
import { BoundedMemo } from '../memo/BoundedMemo';

/** A budget with less than this share left (percent) is nearly exhausted. @public */
export const BUDGET_NEARLY_EXHAUSTED_PERCENT = 25;

/** One batch query: every service's counts over one window on one instance. @public */
export interface SloBatchGroup {
  /** Equal keys share one query (and one answer) within a run. */
  key: string;
  instance?: string;
  serviceLabel: string;
  bounds: SloWindowBounds;
  /** Unix seconds the query is evaluated at. */
  at: number;
  query: string;
}

/** One SLO of an entity as the batch measures it. @public */
export interface SloBatchItem {
  slo: SloSpec;
  valid?: ValidSlo;
  /** Absent when the SLO cannot be measured (invalid, window under a minute old). */
  group?: SloBatchGroup;
}

/** A service's window counts, out of one batch answer. @public */
export interface ServiceWindowCounts {
  requests?: number;
  errors?: number;
  durationCount?: number;
  /** Cumulative bucket counts by numeric `le`. */
  buckets: Map<number, number>;
}

/** Each service's counts (by the value of the service label) in one batch answer. @public */
export type SloBatchAnswer = Map<string, ServiceWindowCounts>;

/** What the coverage row keeps of an entity's SLOs. @public */
export interface EntitySloAttainment {
  /** SLOs declared (one per kind, as the rules generate them). */
  slos: number;
  /** SLOs with data over their window. */
  slosMeasured: number;
  /** Measured SLOs whose attainment is at or above their objective. */
  slosMeeting: number;
  /** Budgets with 0 < remaining < {@link BUDGET_NEARLY_EXHAUSTED_PERCENT} %. */
  budgetsNearlyExhausted: number;
  /** Budgets with nothing left (attainment below the objective). */
  budgetsExhausted: number;
  /** The lowest remaining budget percent; `null` when no SLO has data. */
  lowestBudgetPercent: number | null;
}

const Q = {
  requests: 'requests',
  errors: 'errors',
  durationCount: 'duration_count',
  bucket: 'bucket',
} as const;

/**
 * The query of one group. Every series carrying the service label is
 * summed by it (and by `le` for buckets: latency SLOs of different entities
 * are measured at different buckets, so all of them come back and each
 * entity takes its own).
 */
function batchQuery(ctx: RuleContext, range: string): string {
  const label = ctx.metrics.serviceLabel;
  // Every service, whatever its own selector: see `serviceValueOf`.
  const all: RuleContext = { ...ctx, selector: `${label}!=""` };
  const histogram = ctx.metrics.durationHistogram;
  const sum = (by: string, sel: string) =>
    `sum by (${by}) (increase(${sel}[${range}]))`;
  return [
    tagged(sum(label, select(all, ctx.metrics.requestsTotal)), {
      [QUANTITY_TAG]: Q.requests,
    }),
    tagged(
      sum(
        label,
        select(all, ctx.metrics.requestsTotal, serverErrorMatcher(all)),
      ),
      { [QUANTITY_TAG]: Q.errors },
    ),
    tagged(sum(label, select(all, `${histogram}_count`)), {
      [QUANTITY_TAG]: Q.durationCount,
    }),
    tagged(sum(`${label}, le`, select(all, `${histogram}_bucket`)), {
      [QUANTITY_TAG]: Q.bucket,
    }),
  ].join('\nor\n');
}

/**
 * A group's query, built once: every entity of a run on the same instance
 * and window has the same one (`key` names both, and the window's length),
 * and building it for each of 10 000 entities was a visible part of a run.
 */
// A few windows per run; runs move the window's end, so old ones go.
const batchQueries = new BoundedMemo<string, string>(64);

function batchQueryOf(key: string, ctx: RuleContext, range: string): string {
  return batchQueries.get(key, () => batchQuery(ctx, range));
}

/**
 * The entity's SLOs, each with the batch query that measures it. `nowMs`
 * is the run's moment: every entity of a run shares it, so every SLO on the
 * same window and instance lands in the same group.
 * @public
 */
export function planSloBatch(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
  nowMs: number,
): SloBatchItem[] {
  if (spec.slos.length === 0) return [];
  // A coverage run plans each entity right after generating its rules, so
  // the context the generators built for this spec is usually still there.
  const ctx = ruleContextFor(spec, config);
  const { slos: valid } = validSlos(ctx);
  const at = Math.floor(nowMs / 1000);
  const seen = new Set<string>();
  const items: SloBatchItem[] = [];
  for (const slo of spec.slos) {
    if (seen.has(slo.slo)) continue; // only the first of a kind, as the rules do
    seen.add(slo.slo);
    const v = valid.find(x => x.slo === slo);
    const bounds = sloWindowBounds(slo.window, nowMs);
    if (!v || bounds.elapsedSeconds < 60) {
      items.push({ slo, ...(v ? { valid: v } : {}) });
      continue;
    }
    const m = spec.metrics;
    const key = [
      spec.prometheusInstance ?? '',
      m.serviceLabel,
      m.requestsTotal,
      m.statusLabel,
      m.durationHistogram,
      bounds.start,
      bounds.end,
    ].join('\u0000');
    items.push({
      slo,
      valid: v,
      group: {
        key,
        ...(spec.prometheusInstance
          ? { instance: spec.prometheusInstance }
          : {}),
        serviceLabel: m.serviceLabel,
        bounds,
        at,
        query: batchQueryOf(key, ctx, `${bounds.elapsedSeconds}s`),
      },
    });
  }
  return items;
}

/** A batch answer indexed by service. @public */
export function indexSloBatchAnswer(
  samples: PromSample[],
  serviceLabel: string,
): SloBatchAnswer {
  const index: SloBatchAnswer = new Map();
  for (const { labels, value } of samples) {
    const service = labels[serviceLabel];
    if (service === undefined || !Number.isFinite(value)) continue;
    let counts = index.get(service);
    if (!counts) index.set(service, (counts = { buckets: new Map() }));
    switch (labels[QUANTITY_TAG]) {
      case Q.requests:
        counts.requests = value;
        break;
      case Q.errors:
        counts.errors = value;
        break;
      case Q.durationCount:
        counts.durationCount = value;
        break;
      case Q.bucket: {
        const le = Number(labels.le);
        if (labels.le !== undefined && !Number.isNaN(le))
          counts.buckets.set(le, value);
        break;
      }
      default:
    }
  }
  return index;
}

/**
 * The service label value an entity's series carry. With the default
 * selector (`<serviceLabel>="<service>"`) the batch answer holds exactly the
 * entity's series. A custom `redline.dev/metrics-selector` cannot be
 * applied to a query shared by every service, so its other matchers are
 * dropped: the entity is measured on every series with its service label
 * value (e.g. all environments where its selector kept only `env="prod"`),
 * and a selector without an equality on the service label falls back to
 * the service name, which may find no series (then: no data).
 * @public
 */
export function serviceValueOf(spec: ObservabilitySpec): string {
  const parsed = parseLabelMatchers(spec.selector.value);
  const own = parsed.ok
    ? parsed.matchers.find(
        m => m.name === spec.metrics.serviceLabel && m.op === '=',
      )
    : undefined;
  return own?.value ?? spec.serviceName.value;
}

/** One SLO's counts out of its group's answer; `undefined` answer: the query failed. */
function countsOf(v: ValidSlo, counts: ServiceWindowCounts | undefined) {
  const none = {
    total: null,
    bad: null,
    errorRatio1h: null,
    errorRatio6h: null,
  };
  if (!counts) return none;
  if (v.bucket === undefined) {
    const total = counts.requests ?? null;
    // A service without 5xx series has 0 errors, not none.
    return { ...none, total, bad: total === null ? null : counts.errors ?? 0 };
  }
  const total = counts.durationCount ?? null;
  const fast = counts.buckets.get(v.bucket.le);
  return {
    ...none,
    total,
    bad: total === null || fast === undefined ? null : total - fast,
  };
}

/**
 * What the row keeps of an entity's SLOs, from its groups' answers (by
 * group key; a missing answer is a failed query: no data). "Meeting" is
 * attainment at or above the objective over the window: the batch has no
 * 1 h burn rate, so an SLO the tab shows as `burning` still counts as
 * meeting here, which is what the objective says.
 * @public
 */
export function entitySloAttainment(
  spec: ObservabilitySpec,
  items: SloBatchItem[],
  answers: ReadonlyMap<string, SloBatchAnswer>,
): EntitySloAttainment {
  const service = serviceValueOf(spec);
  const out: EntitySloAttainment = {
    slos: items.length,
    slosMeasured: 0,
    slosMeeting: 0,
    budgetsNearlyExhausted: 0,
    budgetsExhausted: 0,
    lowestBudgetPercent: null,
  };
  for (const item of items) {
    if (!item.group || !item.valid) continue;
    const answer = answers.get(item.group.key);
    const figures = sloArithmetic(
      item.slo.objectivePercent,
      item.group.bounds.periodSeconds,
      countsOf(item.valid, answer?.get(service)),
    );
    const remaining = figures.budget.remainingPercent;
    if (remaining === null) continue;
    out.slosMeasured += 1;
    if (figures.health === 'meeting') out.slosMeeting += 1;
    if (remaining <= 0) out.budgetsExhausted += 1;
    else if (remaining < BUDGET_NEARLY_EXHAUSTED_PERCENT)
      out.budgetsNearlyExhausted += 1;
    out.lowestBudgetPercent =
      out.lowestBudgetPercent === null
        ? remaining
        : Math.min(out.lowestBudgetPercent, remaining);
  }
  return out;
}
