/**
 * The one place an entity's SLO status is worked out end to end: plan the
 * queries, ask a Prometheus, build the answer. The tab's route, the budget
 * gate of the CLI and the scaffolder's gate all go through here, so a
 * number cannot differ between them. I/O stays with the caller: it hands in
 * the few Prometheus calls as functions (the backend's client with its
 * retries and cache, the CLI's fetch with its timeouts).
 */
import { reasonOf } from '../facts/FactCycle';
import type { GeneratorConfig } from '../spec/config';
import type { ObservabilitySpec, SloSpec } from '../spec/types';
import type { RedTarget } from '../types';
import { planSloQueries, sloRecordingRulesLoaded } from './queries';
import {
  buildEntitySloResponse,
  type PromSample,
  type PromSeries,
  type SloAnswers,
} from './status';
import type { EntitySloResponse } from './types';

/** A loaded rule as {@link sloRecordingRulesLoaded} reads it. @public */
export type SloLoadedRule = Parameters<
  typeof sloRecordingRulesLoaded
>[0][number];

/** The Prometheus calls an SLO evaluation makes; each rejects when it gets no answer. @public */
export interface SloQueryApi {
  /** Instant query at `time` (unix seconds); non-finite samples left out. */
  query(promql: string, time: number): Promise<PromSample[]>;
  /** Range query; non-finite points left out. */
  queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
  ): Promise<PromSeries[]>;
  /**
   * The service's share of Prometheus' loaded rules (`/api/v1/rules`), so
   * SLOs whose recording rules are loaded are read from them, as the
   * alerts read them. Absent or failing: the raw metrics are read.
   */
  serviceRules?(spec: ObservabilitySpec): Promise<readonly SloLoadedRule[]>;
}

/** Options of {@link evaluateSlos}. @public */
export interface EvaluateSlosOptions {
  config: GeneratorConfig;
  /** The moment to evaluate at, in ms. */
  nowMs: number;
  /** Defaults to the spec's own. */
  entityRef?: string;
}

/** The part of an `EntityDescription` the evaluation reads. @public */
export interface SloEvaluationInput {
  spec: ObservabilitySpec;
  redTargets?: RedTarget[];
}

async function rulesLoaded(
  api: SloQueryApi,
  spec: ObservabilitySpec,
): Promise<Partial<Record<SloSpec['slo'], boolean>>> {
  if (spec.slos.length === 0 || !api.serviceRules) return {};
  try {
    const rules = await api.serviceRules(spec);
    return Object.fromEntries(
      spec.slos.map(s => [s.slo, sloRecordingRulesLoaded(rules, s.slo)]),
    );
  } catch {
    // The raw metrics then; if Prometheus is down, the instant query says so.
    return {};
  }
}

async function ask(
  api: SloQueryApi,
  plan: ReturnType<typeof planSloQueries>,
): Promise<SloAnswers> {
  // A failed burn-down or alert history costs its chart, not the numbers.
  const [instant, ...ranges] = await Promise.allSettled([
    plan.instant ? api.query(plan.instant, plan.at) : Promise.resolve([]),
    ...plan.ranges.map(r =>
      api.queryRange(r.query, {
        start: r.start,
        end: r.end,
        stepSeconds: r.stepSeconds,
      }),
    ),
  ]);
  if (instant.status === 'rejected')
    return { status: 'unreachable', error: reasonOf(instant.reason) };
  const answers: Record<string, PromSeries[]> = {};
  const rangeErrors: Record<string, string> = {};
  plan.ranges.forEach((r, i) => {
    const answer = ranges[i];
    if (answer.status === 'fulfilled') answers[r.id] = answer.value;
    else rangeErrors[r.id] = reasonOf(answer.reason);
  });
  return {
    status: 'ok',
    instant: instant.value,
    ranges: answers,
    ...(Object.keys(rangeErrors).length ? { rangeErrors } : {}),
  };
}

/**
 * An entity's SLO status at `nowMs`. `prometheus` is the API to ask, or
 * why there is none (then every SLO is `no-data` with that reason).
 * Prometheus being down is an answer (`prometheus.status: 'unreachable'`),
 * never a rejection.
 * @public
 */
export async function evaluateSlos(
  description: SloEvaluationInput,
  prometheus: SloQueryApi | { notConfigured: string },
  options: EvaluateSlosOptions,
): Promise<EntitySloResponse> {
  const { spec } = description;
  const entityRef = options.entityRef ?? spec.entityRef;
  const base = { nowMs: options.nowMs, redTargets: description.redTargets };
  if ('notConfigured' in prometheus) {
    return buildEntitySloResponse({
      entityRef,
      plan: planSloQueries(spec, options.config, base),
      answers: { status: 'not-configured', error: prometheus.notConfigured },
    });
  }
  const plan = planSloQueries(spec, options.config, {
    ...base,
    recordingRulesLoaded: await rulesLoaded(prometheus, spec),
  });
  return buildEntitySloResponse({
    entityRef,
    plan,
    answers: await ask(prometheus, plan),
  });
}
