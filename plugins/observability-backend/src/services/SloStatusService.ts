import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  evaluateSlos,
  ruleIndexOf,
  type EntitySloResponse,
  type SloQueryApi,
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
    // Latency SLOs at the buckets the service exposes, as the tab shows them.
    const description = await this.#facts.describeAtLiveBuckets(
      entity,
      (e, o) => this.#entities.describe(e, o),
      options,
    );
    const { client, reason } = this.#facts.prometheusFor(description.spec);
    return evaluateSlos(
      description,
      client
        ? sloQueryApi(client, options.ctx)
        : { notConfigured: reason ?? 'no instance' },
      {
        config: this.#entities.generatorConfig,
        nowMs: Math.floor(this.#now() / ALIGN_MS) * ALIGN_MS,
        entityRef: stringifyEntityRef(entity),
      },
    );
  }
}

/** The client's calls for one request, its rules matched through the shared index. */
function sloQueryApi(
  client: PrometheusClient,
  ctx: RequestContext,
): SloQueryApi {
  return {
    query: (promql, time) => client.query(promql, time, ctx),
    queryRange: (promql, range) => client.queryRange(promql, range, ctx),
    serviceRules: async spec =>
      ruleIndexOf(
        (await client.rules(ctx)).groups,
        spec.metrics.serviceLabel,
      ).forService(spec),
  };
}
