/**
 * The SLOs of a spec that rules can be generated for, each with what the
 * rules need. The SLO rules, the dashboard's error-budget panels and the SLO
 * runbooks all start from this list, so a panel never queries a series no
 * rule records and every artifact names the same latency bucket.
 */
import {
  formatDuration,
  latencyBucketFinding,
  latencySloBucket,
  leLabel,
  type LatencySloBucket,
} from '../spec/latencyBucket';
import type { Finding, SloSpec } from '../spec/types';
import { formatNumber } from './escape';
import { sloRatios } from './sloRatios';
import type { RuleContext } from './ruleContext';

/** An SLO that passed validation. */
export interface ValidSlo {
  slo: SloSpec;
  objective: number;
  budget: number;
  windowDays: number;
  /** Latency SLOs: the bucket whose requests count as fast. */
  bucket?: LatencySloBucket;
}

/** A finding about one SLO, pointing at its annotation. */
export function sloFinding(
  slo: SloSpec,
  id: string,
  severity: Finding['severity'],
  message: string,
  extra?: Partial<Finding>,
): Finding {
  return { id, severity, message, annotation: slo.annotation, ...extra };
}

function validObjective(
  slo: SloSpec,
  findings: Finding[],
): { objective: number; budget: number } | undefined {
  const pct = slo.objectivePercent;
  if (typeof pct === 'number' && Number.isFinite(pct) && pct > 0 && pct < 100) {
    return sloRatios(pct);
  }
  findings.push(
    sloFinding(
      slo,
      'slo.objective-invalid',
      'error',
      pct === 100
        ? `The ${slo.slo} SLO's objective is 100 %: that leaves no error budget, so every single failure would be an outage. No SLO rules were generated.`
        : `The ${slo.slo} SLO's objective must be a percentage strictly between 0 and 100. No SLO rules were generated.`,
      { value: String(pct), expected: 'e.g. 99.9' },
    ),
  );
  return undefined;
}

function validWindowDays(slo: SloSpec, findings: Finding[]): number {
  const windowDays = slo.windowDays;
  if (Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= 365)
    return windowDays;
  findings.push(
    sloFinding(
      slo,
      'slo.window-invalid',
      'warning',
      `The ${slo.slo} SLO's window must be a whole number of days (1–365); using 30.`,
      { value: String(windowDays) },
    ),
  );
  return 30;
}

/** The bucket of a latency SLO, or undefined (with a finding) when it has none. */
function validBucket(
  ctx: RuleContext,
  slo: SloSpec,
  findings: Finding[],
): LatencySloBucket | undefined {
  const threshold = slo.thresholdSeconds;
  if (
    typeof threshold !== 'number' ||
    !Number.isFinite(threshold) ||
    threshold <= 0
  ) {
    findings.push(
      sloFinding(
        slo,
        'slo.latency-threshold-missing',
        'error',
        'The latency SLO has no threshold, so requests cannot be split into fast and slow. No latency SLO rules were generated.',
        { expected: 'e.g. 99.9% < 300ms' },
      ),
    );
    return undefined;
  }
  // The spec parser reports the same finding; listed once (uniqueFindings).
  const finding = latencyBucketFinding(slo, ctx.metrics);
  if (finding) findings.push(finding);
  return latencySloBucket(threshold, ctx.metrics.histogramBuckets);
}

function validateSlo(
  ctx: RuleContext,
  slo: SloSpec,
  findings: Finding[],
): ValidSlo | undefined {
  const objective = validObjective(slo, findings);
  if (!objective) return undefined;
  const windowDays = validWindowDays(slo, findings);
  if (slo.slo !== 'latency') return { slo, ...objective, windowDays };
  const bucket = validBucket(ctx, slo, findings);
  return bucket ? { slo, ...objective, windowDays, bucket } : undefined;
}

/** The first valid SLO of each kind, and why the others were left out. */
export function validSlos(ctx: RuleContext): {
  slos: ValidSlo[];
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const slos: ValidSlo[] = [];
  const seen = new Set<string>();
  for (const slo of ctx.spec.slos ?? []) {
    if (slo.slo !== 'availability' && slo.slo !== 'latency') continue;
    if (seen.has(slo.slo)) {
      findings.push(
        sloFinding(
          slo,
          'slo.duplicate',
          'warning',
          `More than one ${slo.slo} SLO is declared; only the first is used.`,
        ),
      );
      continue;
    }
    const valid = validateSlo(ctx, slo, findings);
    if (!valid) continue;
    seen.add(slo.slo);
    slos.push(valid);
  }
  return { slos, findings };
}

/** What the SLI counts as bad, e.g. `the share of requests slower than 0.3 s (le="0.3" …)`. */
export function sliDescription(v: ValidSlo): string {
  if (!v.bucket) return 'the share of requests answered with a 5xx';
  const slower = `the share of requests slower than ${formatNumber(
    v.bucket.le,
  )} s`;
  return v.bucket.exact
    ? slower
    : `${slower} (${leLabel(
        v.bucket.le,
      )}, the nearest bucket below the declared ${formatDuration(
        v.slo.thresholdSeconds!,
      )})`;
}

/**
 * The objective as it is measured, e.g. `latency 99 % < 300ms (le="0.3";
 * declared < 400ms)`: the bucket is named whenever one is used.
 */
export function measuredObjective(v: ValidSlo): string {
  const head = `${v.slo.slo} ${formatNumber(v.slo.objectivePercent)} %`;
  if (!v.bucket) return head;
  const measured = `${head} < ${formatDuration(v.bucket.le)} (${leLabel(
    v.bucket.le,
  )}`;
  return v.bucket.exact
    ? `${measured})`
    : `${measured}; declared < ${formatDuration(v.slo.thresholdSeconds!)})`;
}
