/**
 * The error-budget gate in front of a deploy: which SLOs let it through.
 * The CLI (`redline budget`) and the scaffolder action
 * (`redline:observability:budget-gate`) both judge here, so the same
 * numbers pass or fail the same way wherever the gate runs.
 */
import { formatDuration } from '../spec/latencyBucket';
import type { EntitySloResponse, SloStatus } from './types';

/** How strict the gate is. @public */
export interface BudgetGateOptions {
  /** A budget below this share (percent) fails, as does an exhausted one (≤ 0). Default 0. */
  minRemainingPercent?: number;
  /**
   * Whether an SLO without numbers (no traffic, no series, not measurable)
   * fails. Default false: it is reported loudly but passes, so a new
   * service without traffic yet can still deploy. An unreachable Prometheus
   * always fails: a gate that cannot look is no gate.
   */
  failOnNoData?: boolean;
}

/** One SLO judged. @public */
export interface BudgetVerdict {
  entityRef: string;
  slo: SloStatus['slo'];
  /** `fail`: exhausted, below the floor, unreachable, or no data with `failOnNoData`. */
  outcome: 'pass' | 'fail' | 'no-data';
  /** `remainingPercent` of the status, for outputs. */
  remainingPercent: number | null;
  /** One line for a person: entity, SLO, objective and the numbers. */
  message: string;
  /** The message without the entity and SLO, for reports grouped by them. */
  detail: string;
}

/** The gate's answer for one entity. @public */
export interface BudgetGateResult {
  entityRef: string;
  verdicts: BudgetVerdict[];
  /** False when any verdict fails, or Prometheus could not be asked. */
  passed: boolean;
  /** Set when Prometheus was unreachable or not configured. */
  prometheusError?: string;
}

const fixed = (n: number, digits: number) =>
  (Object.is(Math.round(n * 10 ** digits), -0) ? 0 : n).toFixed(digits);

/** `99.9 % over 30 days, rolling` (and the latency threshold). @public */
export function describeObjective(status: SloStatus): string {
  const threshold =
    status.thresholdSeconds !== undefined
      ? ` < ${formatDuration(status.thresholdSeconds)}`
      : '';
  return `${status.objectivePercent} %${threshold} over ${status.windowLabel}`;
}

/** `remaining 42.0 % (1234 requests, 18.1 min)`, or why there is no figure. @public */
export function describeRemaining(status: SloStatus): string {
  const { remainingPercent, remainingRequests, remainingMinutes } =
    status.budget;
  if (remainingPercent === null) return 'no data';
  const parts: string[] = [];
  if (remainingRequests !== null)
    parts.push(`${Math.round(remainingRequests)} requests`);
  if (remainingMinutes !== null)
    parts.push(`${fixed(remainingMinutes, 1)} min`);
  return `remaining ${fixed(remainingPercent, 1)} %${
    parts.length ? ` (${parts.join(', ')})` : ''
  }`;
}

function judge(
  entityRef: string,
  status: SloStatus,
  floor: number,
  failOnNoData: boolean,
): BudgetVerdict {
  const head = `${entityRef} ${status.slo} SLO (${describeObjective(status)})`;
  const remaining = status.budget.remainingPercent;
  const verdict = (outcome: BudgetVerdict['outcome'], message: string) => ({
    entityRef,
    slo: status.slo,
    outcome,
    remainingPercent: remaining,
    message: `${head}: ${message}`,
    detail: message,
  });
  if (remaining === null) {
    const why = status.reason ?? 'no data';
    return failOnNoData
      ? verdict('fail', `no data, and no data fails this gate: ${why}`)
      : verdict('no-data', `NO DATA, not judged: ${why}`);
  }
  const attainment =
    status.attainmentPercent === null
      ? ''
      : `, attainment ${fixed(status.attainmentPercent, 3)} %`;
  const figures = `${describeRemaining(status)}${attainment}`;
  if (remaining <= 0)
    return verdict('fail', `error budget exhausted: ${figures}`);
  if (remaining < floor)
    return verdict(
      'fail',
      `error budget below the floor of ${floor} %: ${figures}`,
    );
  return verdict('pass', `ok: ${figures}`);
}

/**
 * Judges every SLO of one entity's status. An entity without SLOs passes
 * (there is nothing to protect) unless `failOnNoData`.
 * @public
 */
export function judgeErrorBudgets(
  response: EntitySloResponse,
  options: BudgetGateOptions = {},
): BudgetGateResult {
  const floor = options.minRemainingPercent ?? 0;
  const failOnNoData = options.failOnNoData ?? false;
  const { entityRef } = response;
  if (response.prometheus.status !== 'ok') {
    const error = `Prometheus ${
      response.prometheus.status === 'unreachable'
        ? 'unreachable'
        : 'not configured'
    }: ${response.prometheus.error ?? 'no reason given'}`;
    return {
      entityRef,
      // Without SLOs there was nothing to ask it.
      passed: response.slos.length === 0 && !failOnNoData,
      prometheusError: error,
      verdicts: response.slos.map(s => ({
        entityRef,
        slo: s.slo,
        outcome: 'fail',
        remainingPercent: null,
        message: `${entityRef} ${s.slo} SLO (${describeObjective(
          s,
        )}): not judged, ${error}`,
        detail: `not judged, ${error}`,
      })),
    };
  }
  const verdicts = response.slos.map(s =>
    judge(entityRef, s, floor, failOnNoData),
  );
  const passed =
    verdicts.every(v => v.outcome !== 'fail') &&
    !(failOnNoData && verdicts.length === 0);
  return { entityRef, verdicts, passed };
}
