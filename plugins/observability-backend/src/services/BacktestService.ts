import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  planBacktest,
  runBacktest,
  type BacktestQueryApi,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { EntityFactsService } from './EntityFactsService';
import type { EntityObservabilityService } from './EntityObservabilityService';
import type { PrometheusClient } from './PrometheusClient';

/** What {@link BacktestService} reads from. @public */
export interface BacktestServiceOptions {
  entities: EntityObservabilityService;
  facts: EntityFactsService;
  now?: () => number;
}

/** Options of one backtest. @public */
export interface BacktestRequest {
  days: number;
  /** A configured Prometheus instance; default: the one the entity names. */
  instance?: string;
  credentials: BackstageCredentials;
  ctx: RequestContext;
}

/**
 * Each generated alert of an entity evaluated over real history (see
 * `-common`'s `planBacktest`). A request costs Prometheus one range query
 * per alert whose series exist, one instant query for which series exist
 * and one range query over `ALERTS`, at a step that keeps every answer
 * under 11,000 points a series.
 * @public
 */
export class BacktestService {
  readonly #entities: EntityObservabilityService;
  readonly #facts: EntityFactsService;
  readonly #now: () => number;

  static create(options: BacktestServiceOptions): BacktestService {
    return new BacktestService(options);
  }

  private constructor(options: BacktestServiceOptions) {
    this.#entities = options.entities;
    this.#facts = options.facts;
    this.#now = options.now ?? Date.now;
  }

  async backtest(
    entity: Entity,
    request: BacktestRequest,
  ): Promise<BacktestReport> {
    // The alerts at the buckets the service exposes, as the tab shows them.
    const description = await this.#facts.describeAtLiveBuckets(
      entity,
      (e, o) => this.#entities.describe(e, o),
      request,
    );
    const spec = request.instance
      ? { ...description.spec, prometheusInstance: request.instance }
      : description.spec;
    const { client, reason } = this.#facts.prometheusFor(spec);
    if (!client) {
      if (request.instance)
        throw new InputError(
          `instance: '${request.instance}' is not a configured Prometheus instance`,
        );
      throw new ServiceUnavailableError(
        `No Prometheus to backtest on: ${reason}`,
      );
    }
    const plan = planBacktest(
      { ...description.artifacts, entityRef: stringifyEntityRef(entity) },
      { days: request.days, nowSeconds: this.#now() / 1000 },
    );
    return runBacktest(plan, queryApi(client, request.ctx));
  }
}

function queryApi(
  client: PrometheusClient,
  ctx: RequestContext,
): BacktestQueryApi {
  return {
    query: (promql, time) => client.query(promql, time, ctx),
    queryRange: (promql, range) => client.queryRange(promql, range, ctx),
  };
}
