import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  buildEntitySloResponse,
  planSloQueries,
  reasonOf,
  RuleIndex,
  sloRecordingRulesLoaded,
  type EntitySloResponse,
  type ObservabilitySpec,
  type PrometheusApiRule,
  type PrometheusApiRuleGroup,
  type PromSeries,
  type SloAnswers,
  type SloSpec,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { EntityFactsService } from './EntityFactsService';
import type { EntityObservabilityService } from './EntityObservabilityService';
import type { PrometheusClient } from './PrometheusClient';

/** What {@link SloStatusService} reads from. @public */
export interface SloStatusServiceOptions {
  entities: EntityObservabilityService;
  facts: EntityFactsService;
  now?: () => number;
}

/**
 * Numbers are read at whole minutes: viewers within the same minute ask
 * Prometheus the same queries (shared in flight, and cached when
 * `prometheus.queryCacheTtlMs` is set), and the burn-down grid stays put.
 */
const ALIGN_MS = 60_000;

/**
 * Rules snapshots are shared until they expire, so one index per snapshot
 * serves every view of the TTL (as the fact cycle's own index does).
 */
const indexes = new WeakMap<
  PrometheusApiRuleGroup[],
  Map<string, RuleIndex<PrometheusApiRule>>
>();

function ruleIndexOf(groups: PrometheusApiRuleGroup[], serviceLabel: string) {
  let byLabel = indexes.get(groups);
  if (!byLabel) indexes.set(groups, (byLabel = new Map()));
  let index = byLabel.get(serviceLabel);
  if (!index) {
    index = new RuleIndex(
      groups.flatMap(g => g.rules ?? []),
      serviceLabel,
    );
    byLabel.set(serviceLabel, index);
  }
  return index;
}

/**
 * An entity's SLO status from its Prometheus: error budget, attainment,
 * burn rate, burn-down and alert history per SLO, plus the RED signals now.
 *
 * A request costs Prometheus at most: the rules snapshot (shared with the
 * view, once per `rulesCacheTtlMs`), the live-bucket question for an entity
 * with a latency SLO (as the view asks it), one instant query, one range
 * query per distinct SLO window (one in practice) and one range query for
 * the alert history — 3 queries for an entity with two SLOs on one window.
 * @public
 */
export class SloStatusService {
  readonly #entities: EntityObservabilityService;
  readonly #facts: EntityFactsService;
  readonly #now: () => number;

  static create(options: SloStatusServiceOptions): SloStatusService {
    return new SloStatusService(options);
  }

  private constructor(options: SloStatusServiceOptions) {
    this.#entities = options.entities;
    this.#facts = options.facts;
    this.#now = options.now ?? Date.now;
  }

  /** The SLO view of `entity`; Prometheus being down is an answer, not an error. */
  async status(
    entity: Entity,
    options: { credentials: BackstageCredentials; ctx: RequestContext },
  ): Promise<EntitySloResponse> {
    const entityRef = stringifyEntityRef(entity);
    // Latency SLOs at the buckets the service exposes, as the tab shows them.
    const description = await this.#facts.describeAtLiveBuckets(
      entity,
      (e, o) => this.#entities.describe(e, o),
      options,
    );
    const { spec } = description;
    const nowMs = Math.floor(this.#now() / ALIGN_MS) * ALIGN_MS;
    const { client, reason } = this.#facts.prometheusFor(spec);
    const base = {
      nowMs,
      redTargets: description.redTargets,
    };
    const config = this.#entities.generatorConfig;
    if (!client) {
      const plan = planSloQueries(spec, config, base);
      return buildEntitySloResponse({
        entityRef,
        plan,
        answers: {
          status: 'not-configured',
          error: reason ?? 'no instance',
        },
      });
    }
    const recordingRulesLoaded = await this.#rulesLoaded(
      client,
      spec,
      options.ctx,
    );
    const plan = planSloQueries(spec, config, {
      ...base,
      recordingRulesLoaded,
    });
    return buildEntitySloResponse({
      entityRef,
      plan,
      answers: await this.#ask(client, plan, options.ctx),
    });
  }

  /** Which SLOs have their recording rules loaded; none when the rules cannot be read. */
  async #rulesLoaded(
    client: PrometheusClient,
    spec: ObservabilitySpec,
    ctx: RequestContext,
  ): Promise<Partial<Record<SloSpec['slo'], boolean>>> {
    if (spec.slos.length === 0) return {};
    try {
      const { groups } = await client.rules(ctx);
      const rules = ruleIndexOf(groups, spec.metrics.serviceLabel).forService(
        spec,
      );
      return Object.fromEntries(
        spec.slos.map(s => [s.slo, sloRecordingRulesLoaded(rules, s.slo)]),
      );
    } catch {
      // The raw metrics then; if Prometheus is down, the instant query says so.
      return {};
    }
  }

  async #ask(
    client: PrometheusClient,
    plan: ReturnType<typeof planSloQueries>,
    ctx: RequestContext,
  ): Promise<SloAnswers> {
    const [instant, ...ranges] = await Promise.allSettled([
      plan.instant
        ? client.query(plan.instant, plan.at, ctx)
        : Promise.resolve([]),
      ...plan.ranges.map(r =>
        client.queryRange(
          r.query,
          { start: r.start, end: r.end, stepSeconds: r.stepSeconds },
          ctx,
        ),
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
}
