import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  BACKTEST_THRESHOLD_ANNOTATIONS,
  planBacktest,
  runBacktest,
  thresholdAnnotations,
  type BacktestQueryApi,
  type BacktestReport,
  type BacktestThresholds,
  type Finding,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { EntityFactsService } from './EntityFactsService';
import type { EntityObservabilityService } from './EntityObservabilityService';
import type { PrometheusClient } from './PrometheusClient';
import { withAnnotations } from './withAnnotations';

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
  /** Thresholds to backtest instead of the entity's, as annotation text. */
  thresholds?: BacktestThresholds;
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
    // Overrides become annotations before the one describe step, so the
    // parser that validates the catalog validates them, and the alerts are
    // the ones a pull request with those lines would generate.
    const overrides = thresholdAnnotations(request.thresholds ?? {});
    // The alerts at the buckets the service exposes, as the tab shows them.
    const description = await this.#facts.describeAtLiveBuckets(
      withAnnotations(entity, overrides),
      (e, o) => this.#entities.describe(e, o),
      request,
    );
    refuseInvalidOverrides(overrides, description.findings);
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

/** A threshold the parser refused is the caller's mistake: a 400 naming the parameter. */
function refuseInvalidOverrides(
  overrides: Record<string, string>,
  findings: Finding[],
): void {
  for (const [param, key] of Object.entries(BACKTEST_THRESHOLD_ANNOTATIONS)) {
    if (!(key in overrides)) continue;
    const refused = findings.find(
      f => f.id === 'annotation.invalid' && f.annotation === key,
    );
    if (refused)
      throw new InputError(
        `Invalid query: ${param}: ${JSON.stringify(
          overrides[key].slice(0, 40),
        )} is not ${refused.expected ?? 'a valid threshold'}`,
      );
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
