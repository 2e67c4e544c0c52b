import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FactCycle,
  FactSources,
  metricsUnavailable,
  reasonOf,
  scopedServiceName,
  WATCHDOG_ALERT,
  WATCHDOG_LABEL,
} from '@redline/backstage-plugin-observability-common';
import type {
  EntityDescription,
  EntityViewResponse,
  EvaluatorStatus,
  ObservabilitySpec,
  ParseOptions,
  RedLiveValue,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { AlertmanagerClient } from './AlertmanagerClient';
import { CALLER_ANSWER_TTL_MS, callerKey } from './callerKey';
import { selectInstance } from './config';
import { cancelled, settleOnAbort } from './OutboundHttp';
import type { PrometheusClient, RecentRange } from './PrometheusClient';
import type { RunbookChecker } from './RunbookChecker';
import { SharedAnswers } from './SharedAnswers';

/** Live RED values block of the entity view. @public */
export type LiveValues = NonNullable<EntityViewResponse['live']>;

/** Options of one fact cycle. @public */
export interface CycleOptions {
  credentials: BackstageCredentials;
  ctx: RequestContext;
  /** A cycle over many entities (a coverage run): see `FactCycleOptions.batch`. */
  batch?: boolean;
  /**
   * False: Prometheus is not asked (its facts stay unknown), so a hung
   * Prometheus cannot hold back what does not depend on it.
   */
  prometheus?: boolean;
}

/**
 * RED target PromQL yields requests/s, a 0–1 ratio and seconds; the view
 * shows percent and milliseconds like the thresholds next to them.
 */
const UNIT_SCALE: Record<
  RedTarget['signal'],
  { factor: number; unit: RedLiveValue['unit'] }
> = {
  rate: { factor: 1, unit: 'req/s' },
  errors: { factor: 100, unit: 'percent' },
  duration: { factor: 1000, unit: 'ms' },
};

/** What {@link EntityFactsService} gathers from. @public */
export interface EntityFactsServiceOptions {
  catalog: CatalogService;
  prometheus: PrometheusClient[];
  alertmanagers: AlertmanagerClient[];
  runbooks: RunbookChecker;
  stormThreshold: number;
  now?: () => number;
}

const OWNER_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];

/** Names each RED signal's series in the view's one range query. */
const SIGNAL_LABEL = 'redline_signal';

/** Live values are read at multiples of this many seconds. */
const ALIGN_SECONDS = 15;

/**
 * The backend's side of the one fact gatherer: `cycle()` hands `-common`'s
 * {@link FactCycle} the backend's sources (catalog, runbook probes, the
 * retrying Prometheus and Alertmanager clients), for the tab and the coverage
 * run alike. Live RED values, which only the tab shows, are read here too.
 * @public
 */
export class EntityFactsService {
  readonly #catalog: CatalogService;
  readonly #prometheus: PrometheusClient[];
  readonly #alertmanagers: AlertmanagerClient[];
  readonly #runbooks: RunbookChecker;
  readonly #stormThreshold: number;
  readonly #now: () => number;
  /** Which owner refs exist, per caller (catalog permissions apply). */
  readonly #owners: SharedAnswers<Map<string, boolean>>;

  static create(options: EntityFactsServiceOptions): EntityFactsService {
    return new EntityFactsService(options);
  }

  private constructor(options: EntityFactsServiceOptions) {
    this.#catalog = options.catalog;
    this.#prometheus = options.prometheus;
    this.#alertmanagers = options.alertmanagers;
    this.#runbooks = options.runbooks;
    this.#stormThreshold = options.stormThreshold;
    this.#now = options.now ?? Date.now;
    this.#owners = new SharedAnswers({
      ttlMs: CALLER_ANSWER_TTL_MS,
      staleMs: CALLER_ANSWER_TTL_MS,
      now: this.#now,
      target: 'catalog',
    });
  }

  /** The Prometheus client for this entity, or why there is none. */
  prometheusFor(spec: ObservabilitySpec): {
    client?: PrometheusClient;
    reason?: string;
  } {
    return clientFor(this.#prometheus, spec.prometheusInstance, 'Prometheus');
  }

  /** A new look at the world; see {@link FactCycle}. */
  cycle(options: CycleOptions): FactCycle {
    return new FactCycle(this.#sources(options), {
      stormThreshold: this.#stormThreshold,
      batch: options.batch,
    });
  }

  /**
   * The entity measured at the buckets its service exposes, as the tab
   * shows it (see `FactCycle.describeAtLiveBuckets`): for what is built
   * from a description alone, such as downloads and apply.
   */
  describeAtLiveBuckets(
    entity: Entity,
    describe: (entity: Entity, options?: ParseOptions) => EntityDescription,
    options: CycleOptions,
  ): Promise<EntityDescription> {
    return this.cycle(options).describeAtLiveBuckets(
      describe(entity),
      observedBuckets => describe(entity, { observedBuckets }),
    );
  }

  #sources({
    credentials,
    ctx,
    prometheus: ask = true,
  }: CycleOptions): FactSources {
    const prometheus = (instance: string | undefined) => {
      const { client, reason } = clientFor(
        this.#prometheus,
        instance,
        'Prometheus',
      );
      if (!client) throw new Error(reason);
      return client;
    };
    const prometheusSources: FactSources = {
      prometheusRules: async instance =>
        (await prometheus(instance).rules(ctx)).groups,
      seriesLabelSets: async (instance, metrics, labels) =>
        prometheus(instance).labelSets(metrics, labels, ctx),
      bucketLabelSets: async (instance, metric, labels) =>
        prometheus(instance).bucketLabelSets(metric, labels, ctx),
    };
    return {
      prometheusName: instance =>
        clientFor(this.#prometheus, instance, 'Prometheus').client?.instance
          .name,
      ...(ask ? prometheusSources : {}),
      alertmanagerAlerts: async (instance, only) => {
        const { client } = clientFor(
          this.#alertmanagers,
          instance,
          'Alertmanager',
        );
        return client ? client.alerts(ctx, only) : undefined;
      },
      alertmanagerStatus: async instance => {
        const { client } = clientFor(
          this.#alertmanagers,
          instance,
          'Alertmanager',
        );
        return client
          ? { name: client.instance.name, status: await client.status(ctx) }
          : undefined;
      },
      // The catalog client takes no signal: the wait, not the call, stops
      // at the deadline, and the owner is `unknown`.
      ownersExist: refs =>
        settleOnAbort(
          this.#owners.get(
            `${callerKey(credentials)}\u0000${refs.join('\u0000')}`,
            ctx,
            async () => {
              const { items } = await this.#catalog.getEntitiesByRefs(
                { entityRefs: refs, fields: OWNER_FIELDS },
                { credentials },
              );
              return new Map(
                refs.map((ref, i) => [ref, items[i] !== undefined]),
              );
            },
          ),
          ctx.signal,
          () => cancelled('catalog', 0, ctx),
        ),
      probeRunbooks: urls => this.#runbooks.checkAll(urls, ctx),
    };
  }

  /**
   * Whether the entity's Watchdog fires in its Alertmanager: it fires for as
   * long as Prometheus evaluates the entity's rule file, so its absence
   * means every other alert of the file has gone silent, not resolved.
   */
  async evaluator(
    spec: ObservabilitySpec,
    ctx: RequestContext,
  ): Promise<EvaluatorStatus | undefined> {
    const { client } = clientFor(
      this.#alertmanagers,
      spec.alertmanagerInstance,
      'Alertmanager',
    );
    if (!client) return undefined;
    let alerts;
    try {
      alerts = await client.alerts(ctx, {
        label: WATCHDOG_LABEL,
        value: scopedServiceName(spec),
      });
    } catch (error) {
      return { status: 'unknown', reason: reasonOf(error) };
    }
    const watchdog = alerts.find(
      a =>
        a.labels.alertname === WATCHDOG_ALERT &&
        a.status.state !== 'unprocessed',
    );
    if (watchdog) return { status: 'ok', since: watchdog.startsAt };
    return {
      status: 'stopped',
      reason: `Alertmanager ${client.instance.name} has no ${WATCHDOG_ALERT} from this service's rules: Prometheus has stopped evaluating them (hung, down or the rule file is not loaded), so its other alerts are silent, not resolved.`,
    };
  }

  /** Where the entity's Prometheus and Alertmanager are, for the tab's links out. */
  uiLinks(spec: ObservabilitySpec): NonNullable<EntityViewResponse['links']> {
    const prometheus = this.prometheusFor(spec).client;
    const alertmanager = clientFor(
      this.#alertmanagers,
      spec.alertmanagerInstance,
      'Alertmanager',
    ).client;
    return {
      ...(prometheus ? { prometheusUrl: prometheus.instance.url } : {}),
      ...(alertmanager ? { alertmanagerUrl: alertmanager.instance.url } : {}),
    };
  }

  /** Current value and a one-hour trend of each RED signal. */
  async liveValues(
    spec: ObservabilitySpec,
    redTargets: RedTarget[],
    ctx: RequestContext,
  ): Promise<LiveValues | undefined> {
    const { client: prometheus } = this.prometheusFor(spec);
    // What serves no requests (a library, a website) has no RED targets:
    // asked for none, Prometheus would only answer a parse error, which
    // is never kept, so each of its views would wait for that error again.
    if (!prometheus || redTargets.length === 0) return undefined;
    let recent: RecentRange;
    try {
      // One range query for all signals, each tagged with its name: a view
      // costs Prometheus one evaluation and one round trip, not three, and
      // the point at `end` is what an instant query would answer (same
      // lookback), so no second call is needed. Aligned to the
      // scrape-scale step, so views within it share one answer.
      recent = await prometheus.queryRecentRange(
        redTargets
          .map(
            target =>
              `label_replace(${target.promql}, "${SIGNAL_LABEL}", "${target.signal}", "", "")`,
          )
          .join(' or '),
        {
          lookbackSeconds: 3600,
          stepSeconds: 300,
          alignSeconds: ALIGN_SECONDS,
        },
        ctx,
      );
    } catch (error) {
      return { ...metricsUnavailable(spec, reasonOf(error)), values: [] };
    }
    const { end, series, readAt } = recent;
    return {
      status: 'ok',
      readAt,
      values: redTargets.map((target): RedLiveValue => {
        const trend =
          series.find(s => s.labels[SIGNAL_LABEL] === target.signal)?.points ??
          [];
        const last = trend[trend.length - 1];
        const value = last && last[0] === end ? last[1] : null;
        const scale = UNIT_SCALE[target.signal];
        return {
          signal: target.signal,
          value: value === null ? null : value * scale.factor,
          unit: scale.unit,
          trend: trend.map(([t, v]) => [t, v * scale.factor]),
        };
      }),
    };
  }
}

/** The configured client the entity's annotation (or the default) names, or why there is none. */
function clientFor<C extends { instance: { name: string; default: boolean } }>(
  clients: C[],
  requested: string | undefined,
  label: string,
): { client?: C; reason?: string } {
  const { instance, reason } = selectInstance(
    clients.map(c => c.instance),
    requested,
  );
  return instance
    ? { client: clients.find(c => c.instance === instance) }
    : { reason: `${label}: ${reason}` };
}
