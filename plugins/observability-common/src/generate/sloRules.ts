/**
 * SLO recording rules and multi-window, multi-burn-rate alerts, named as
 * Sloth names them (`slo:sli_error:ratio_rate5m`, `slo:objective:ratio`, …)
 * so existing Sloth/Pyrra dashboards read them. Instead of Sloth's
 * `sloth_id` labels every series carries the service label
 * (`metrics.serviceLabel`, `service` by default) and `slo`, which keeps
 * many services' and SLOs' series apart in one Prometheus.
 *
 * Windows and factors follow the Google SRE workbook (chapter "Alerting on
 * SLOs") for a 30-day budget: 14.4× over 1h spends 2 % of the budget,
 * 6× over 6h 5 %, 3× over 1d 10 %, 1× over 3d 10 %.
 *
 * Other windows keep those alert windows and budget shares and scale the
 * factor, as Sloth does (its `getBurnRateFactor`: share × period / long
 * window, e.g. 13.44/5.6/2.8/0.93 for 28 days). Pyrra does the opposite: it
 * keeps 14/7/2/1 and stretches the alert windows with the period (1h at 28
 * days becomes 15m at 7 days, its 5m short window about 1m). We follow Sloth
 * because every tier then spends the same share of the budget whatever the
 * window, the recorded 5m…3d ratios serve every window unchanged (no
 * per-window odd ranges such as 15m or 1m15s, which a 30s–1m scrape makes
 * noisy and a 1m short window would be gone after a single scrape gap), and
 * on-call keeps the detection times it knows. Below 30 days the slow
 * factors would drop under 1 (0.7 and 0.23 at 7 days, 0.93 at 28): a burn
 * rate under 1 leaves budget at the window's end, so it can never miss the
 * objective and must not open a ticket; such factors are raised to 1.
 */
import { roundNumber } from '../spec/annotationSchemas';
import { isDefaultSloWindow, sloWindowText } from '../spec/sloWindow';
import type { Finding } from '../spec/types';
import { formatNumber } from './escape';
import { errorRatioExprFor, leMatcher } from './redRecordingRules';
import {
  VALUE_AS_PERCENTAGE,
  buildAlert,
  select,
  tmpl,
  type RuleContext,
} from './ruleContext';
import type { GeneratedAlert, RecordingRule, RuleGroup } from './types';
import {
  sliDescription,
  sloFinding,
  validSlos,
  type ValidSlo,
} from './validSlos';

/**
 * One burn-rate tier: both windows must burn faster than `factor` × budget.
 * `factor` is the 30-day one; {@link burnFactor} gives it for other windows.
 * @public
 */
export interface BurnTier {
  burnWindow: 'fast' | 'medium' | 'slow' | 'long';
  longWindow: string;
  shortWindow: string;
  factor: number;
  /** Share of the whole window's budget a burn at `factor` spends over `longWindow`, in percent. */
  budgetPercent: number;
  /** `longWindow` in hours. */
  longWindowHours: number;
  severity: 'critical' | 'warning';
}

/** @public */
export const BURN_TIERS: readonly BurnTier[] = [
  {
    burnWindow: 'fast',
    longWindow: '1h',
    shortWindow: '5m',
    factor: 14.4,
    budgetPercent: 2,
    longWindowHours: 1,
    severity: 'critical',
  },
  {
    burnWindow: 'medium',
    longWindow: '6h',
    shortWindow: '30m',
    factor: 6,
    budgetPercent: 5,
    longWindowHours: 6,
    severity: 'critical',
  },
  {
    burnWindow: 'slow',
    longWindow: '1d',
    shortWindow: '2h',
    factor: 3,
    budgetPercent: 10,
    longWindowHours: 24,
    severity: 'warning',
  },
  {
    burnWindow: 'long',
    longWindow: '3d',
    shortWindow: '6h',
    factor: 1,
    budgetPercent: 10,
    longWindowHours: 72,
    severity: 'warning',
  },
];

/**
 * The factor of `tier` for a window of `windowDays` days: the burn that
 * spends the tier's share of the budget within its long window (Sloth's
 * formula; see the header for why not Pyrra's). At 30 days it is the
 * workbook's own 14.4/6/3/1, returned as written so default rules stay as
 * they always were.
 * @public
 */
export function burnFactor(tier: BurnTier, windowDays: number): number {
  if (windowDays === 30) return tier.factor;
  const scaled = roundNumber(
    ((tier.budgetPercent / 100) * windowDays * 24) / tier.longWindowHours,
  );
  // See the file comment: a burn the budget outlasts is no burn.
  return Math.max(1, scaled);
}

/** Windows recorded straight from the raw metrics (the period window is derived from 5m). @public */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** How long the SLI metrics must be missing before `SLOMetricAbsent` fires. */
export const ABSENT_FOR = '10m';

/**
 * How long the window's error ratio must stay at or above the budget before
 * `SLOErrorBudgetExhausted` fires: the period ratio moves by minutes, not
 * seconds, so this only rides out a rule-evaluation hiccup around the line.
 */
export const EXHAUSTED_FOR = '5m';

/** Name of the recorded SLI error ratio for a window, e.g. `slo:sli_error:ratio_rate1h`. @public */
export function sliErrorRecordName(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** Raw-metric selectors of a latency SLI: all requests, and those within the threshold's bucket. */
interface LatencySelectors {
  count: string;
  fast: string;
}

function latencySelectors(ctx: RuleContext, bucket: number): LatencySelectors {
  const histogram = ctx.metrics.durationHistogram;
  return {
    count: select(ctx, `${histogram}_count`),
    fast: select(ctx, `${histogram}_bucket`, leMatcher(bucket)),
  };
}

/**
 * The SLI error ratio over a window, straight from the raw metrics; the
 * selectors are built once for all of the SLO's windows.
 */
function sliErrorExprFor(
  ctx: RuleContext,
  latency: LatencySelectors | undefined,
): (window: string) => string {
  if (latency === undefined) return errorRatioExprFor(ctx);
  // Slow requests = all requests minus those in the threshold's bucket. Not
  // histogram_quantile: a quantile cannot be averaged or turned into a budget.
  const { count, fast } = latency;
  return window =>
    `(sum(rate(${count}[${window}])) - sum(rate(${fast}[${window}])))\n/\n(sum(rate(${count}[${window}])) > 0)`;
}

function percent(ratio: number): string {
  return formatNumber(ratio * 100);
}

/** e.g. 50.0 hours → `2.1 days`, 0.5 → `12 hours`. */
function humanDays(days: number): string {
  return days >= 2
    ? `${formatNumber(Number(days.toFixed(1)))} days`
    : `${formatNumber(Number((days * 24).toFixed(1)))} hours`;
}

/** What the rules of one SLO share; worked out once in {@link sloGroup}. */
interface SloParts {
  ctx: RuleContext;
  v: ValidSlo;
  sloName: string;
  /** The recorded series' labels plus `slo`. */
  labels: Record<string, string>;
  /** Selects this SLO's recorded series. */
  matcher: string;
  /** The error budget as rule text. */
  budget: string;
  /** Range of the period's recorded ratio, e.g. `30d`. */
  periodWindow: string;
  windowText: string;
  /** What the SLI measures, in words. */
  what: string;
  latency?: LatencySelectors;
}

/**
 * Recording rules, burn-rate alerts, the exhausted and the absent alert for
 * one SLO, each built by its own function from the parts they share.
 */
function sloGroup(
  ctx: RuleContext,
  v: ValidSlo,
  findings: Finding[],
): { group: RuleGroup; alerts: GeneratedAlert[] } {
  const sloName = v.slo.slo;
  const parts: SloParts = {
    ctx,
    v,
    sloName,
    // The latency bucket is named in the alert text, not in a label: a label
    // would start new series whenever the bucket changes, and the period
    // window's average would lose its history.
    labels: { ...ctx.recordedLabels, slo: sloName },
    matcher: `{${ctx.recordedMatcher},slo="${sloName}"}`,
    budget: formatNumber(v.budget),
    // A calendar window records its nominal length (30d for a month, 7d for
    // a week): a rule's range is fixed, while "since the 1st" grows all
    // month. The calendar attainment itself is computed at query time from
    // the window's start; this series feeds the period burn rate, the
    // dashboard's trailing budget and the exhausted alert.
    periodWindow: `${v.windowDays}d`,
    windowText: sloWindowText(v.slo.window, v.windowDays),
    what: sliDescription(v),
    latency:
      v.bucket === undefined ? undefined : latencySelectors(ctx, v.bucket.le),
  };
  const built = [
    ...burnAlerts(parts, findings),
    exhaustedAlert(parts),
    absentAlert(parts),
  ];
  return {
    group: {
      name: `redline:${ctx.scopedName}:slo:${sloName}`,
      rules: [...sloRecordings(parts), ...built.map(b => b.rule)],
    },
    alerts: built.map(b => b.alert),
  };
}

function sloRecordings(parts: SloParts): RecordingRule[] {
  const { ctx, v, labels, matcher, budget, periodWindow } = parts;
  const sliErrorExpr = sliErrorExprFor(ctx, parts.latency);
  const recordings: RecordingRule[] = SLI_WINDOWS.map(window => ({
    record: sliErrorRecordName(window),
    expr: sliErrorExpr(window),
    labels,
  }));
  // A 1- or 3-day period is already recorded from the raw metrics above;
  // recording it twice would be a duplicate rule.
  if (!(SLI_WINDOWS as readonly string[]).includes(periodWindow)) {
    recordings.push({
      // Sloth's approximation: the mean of the 5m ratios is far cheaper than a
      // rate over 30 days of raw samples. Intervals without traffic have no 5m
      // sample, so they neither help nor hurt the average.
      record: sliErrorRecordName(periodWindow),
      expr: `avg_over_time(${sliErrorRecordName(
        '5m',
      )}${matcher}[${periodWindow}])`,
      labels,
    });
  }
  recordings.push(
    {
      record: 'slo:objective:ratio',
      expr: `vector(${formatNumber(v.objective)})`,
      labels,
    },
    { record: 'slo:error_budget:ratio', expr: `vector(${budget})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${v.windowDays})`, labels },
    // The budget is a constant > 0 (objectives of 100 % are rejected), so
    // dividing by it needs no guard.
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `${sliErrorRecordName('5m')}${matcher} / ${budget}`,
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `${sliErrorRecordName(periodWindow)}${matcher} / ${budget}`,
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${matcher}`,
      labels,
    },
  );
  return recordings;
}

type BuiltAlert = ReturnType<typeof buildAlert>;

/** One multi-window burn-rate alert per tier whose threshold can be reached. */
function burnAlerts(parts: SloParts, findings: Finding[]): BuiltAlert[] {
  const { ctx, v, sloName, matcher, budget, windowText, what } = parts;
  const defaultWindow = isDefaultSloWindow(v.slo.window, v.windowDays);
  const built: BuiltAlert[] = [];
  for (const tier of BURN_TIERS) {
    const factor = burnFactor(tier, v.windowDays);
    const threshold = factor * v.budget;
    if (threshold >= 1) {
      findings.push(
        sloFinding(
          v.slo,
          'slo.tier-skipped',
          'warning',
          `The ${
            tier.burnWindow
          } burn-rate alert of the ${sloName} SLO was left out: ${formatNumber(
            factor,
          )} × the ${percent(v.budget)} % budget is ${percent(
            threshold,
          )} % errors, which can never be exceeded.`,
          {
            value: `${formatNumber(v.slo.objectivePercent)}%`,
            expected: `an objective above ${formatNumber(
              100 - 100 / factor,
            )} % to get this tier`,
          },
        ),
      );
      continue;
    }
    const bound = `(${formatNumber(factor)} * ${budget})`;
    // The default window's text is kept as it was; elsewhere the factor is
    // no workbook number anyone knows, so the share it spends is spelled out.
    const spends = defaultWindow
      ? ''
      : ` Sustained over ${tier.longWindow}, that spends ${formatNumber(
          Number(
            (
              (factor * tier.longWindowHours * 100) /
              (v.windowDays * 24)
            ).toFixed(1),
          ),
        )} % of the budget.`;
    built.push(
      buildAlert(ctx, {
        name: 'SLOErrorBudgetBurn',
        key: `SLOErrorBudgetBurn:${sloName}:${tier.burnWindow}`,
        severity: tier.severity,
        labels: { slo: sloName, burn_window: tier.burnWindow },
        // The long window proves the burn is sustained, the short one that it is
        // still happening (so the alert resolves soon after a fix).
        expr: `${sliErrorRecordName(
          tier.longWindow,
        )}${matcher} > ${bound}\nand\n${sliErrorRecordName(
          tier.shortWindow,
        )}${matcher} > ${bound}`,
        summary: tmpl`${
          ctx.service
        } is burning its ${sloName} error budget ${formatNumber(
          factor,
        )}× too fast (${tier.burnWindow})`,
        description: tmpl`Over the last ${
          tier.longWindow
        }, ${what} was ${VALUE_AS_PERCENTAGE} (and it is still above the limit over the last ${
          tier.shortWindow
        }): ${formatNumber(factor)}× the ${percent(
          v.budget,
        )} % error budget of the ${formatNumber(
          v.slo.objectivePercent,
        )} % ${sloName} objective of ${
          ctx.service
        } over ${windowText}. At this rate the whole budget is gone in ${humanDays(
          v.windowDays / factor,
        )}.${spends}`,
      }),
    );
  }
  return built;
}

/** The SLO's whole budget is spent over its window. */
function exhaustedAlert(parts: SloParts): BuiltAlert {
  const { ctx, v, sloName, matcher, budget, periodWindow, windowText, what } =
    parts;
  // A state, not a rate: the budget is spent, whatever the burn right now.
  // A ticket (severity `warning`, which routes to the team's ticket
  // receiver), since nothing is necessarily failing any more: it asks for
  // the error-budget policy (freeze risky releases, prioritise reliability
  // work) until old errors leave the window.
  const periodNote =
    v.slo.window?.type === 'calendar'
      ? ` (measured over the trailing ${v.windowDays} days, the nominal length of ${windowText}; the SLO tab shows the budget since the window started)`
      : '';
  return buildAlert(ctx, {
    name: 'SLOErrorBudgetExhausted',
    key: `SLOErrorBudgetExhausted:${sloName}`,
    severity: 'warning',
    for: EXHAUSTED_FOR,
    labels: { slo: sloName },
    expr: `${sliErrorRecordName(periodWindow)}${matcher} >= ${budget}`,
    summary: tmpl`${
      ctx.service
    } has spent its whole ${sloName} error budget of ${
      v.slo.window?.type === 'calendar'
        ? windowText
        : `the last ${v.windowDays} days`
    }`,
    description: tmpl`Over the last ${
      v.windowDays
    } days${periodNote}, ${what} was ${VALUE_AS_PERCENTAGE}: at or above the ${percent(
      v.budget,
    )} % error budget of the ${formatNumber(
      v.slo.objectivePercent,
    )} % ${sloName} objective of ${
      ctx.service
    } over ${windowText}, so the objective is missed. Apply the error-budget policy until the ratio is back below the budget.`,
  });
}

/** The SLI's metrics are missing: its alerts cannot fire. */
function absentAlert(parts: SloParts): BuiltAlert {
  const { ctx, v, sloName } = parts;
  const absentExpr =
    parts.latency === undefined
      ? `absent(${select(ctx, ctx.metrics.requestsTotal)})`
      : `absent(${parts.latency.count})\nor\nabsent(${parts.latency.fast})`;
  const absentMetrics =
    v.bucket === undefined
      ? ctx.metrics.requestsTotal
      : `${ctx.metrics.durationHistogram}_count / _bucket{le="${formatNumber(
          v.bucket.le,
        )}"}`;
  return buildAlert(ctx, {
    name: 'SLOMetricAbsent',
    key: `SLOMetricAbsent:${sloName}`,
    // Blind, not broken: a human should look today, not at 3 a.m.
    severity: 'warning',
    for: ABSENT_FOR,
    labels: { slo: sloName },
    expr: absentExpr,
    summary: tmpl`The ${sloName} SLO of ${ctx.service} cannot be evaluated: its metrics are missing`,
    description: tmpl`No series of ${absentMetrics} matching {${ctx.selector}} for ${ABSENT_FOR}. Until they return, the ${sloName} burn-rate alerts of ${ctx.service} cannot fire. Check the scrape target, the instrumentation and the metrics selector.`,
  });
}

/** Which SLIs have a valid SLO (and so page through burn-rate alerts). */
export interface SloRulesResult {
  groups: RuleGroup[];
  alerts: GeneratedAlert[];
  findings: Finding[];
  covered: { availability: boolean; latency: boolean };
}

/** SLO rule groups for every valid SLO of the spec. */
export function sloRules(ctx: RuleContext): SloRulesResult {
  const { slos, findings } = validSlos(ctx);
  const groups: RuleGroup[] = [];
  const alerts: GeneratedAlert[] = [];
  const covered = { availability: false, latency: false };
  for (const valid of slos) {
    covered[valid.slo.slo] = true;
    const { group, alerts: sloAlerts } = sloGroup(ctx, valid, findings);
    groups.push(group);
    alerts.push(...sloAlerts);
  }
  return { groups, alerts, findings, covered };
}
