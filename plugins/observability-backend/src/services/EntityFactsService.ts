import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  deployedRulesFact,
  formatLintLocation,
  isInstanceOf,
  fromPrometheusApiGroups,
  lintRuleGroups,
  prometheusAlertNames,
} from '@redline/backstage-plugin-observability-common';
import type {
  AlertState,
  EntityAlertsResponse,
  EntityFacts,
  GeneratedArtifacts,
  ObservabilitySpec,
  RedLiveValue,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { ObservabilityMetrics } from '../telemetry/metrics';
import {
  RawAlert,
  fromAlertmanager,
  fromPrometheusRules,
  groupAlerts,
} from './alertGrouping';
import type { AlertmanagerClient } from './AlertmanagerClient';
import { selectInstance } from './config';
import type { PrometheusClient, RulesSnapshot } from './PrometheusClient';
import type { RunbookChecker } from './RunbookChecker';

/** Live RED values block of the entity view. @public */
export type LiveValues = NonNullable<
  import('@redline/backstage-plugin-observability-common').EntityViewResponse['live']
>;

/** Live alerts for one entity, grouped: the alerts route's answer without its entity ref. @public */
export type EntityAlerts = Omit<EntityAlertsResponse, 'entityRef'>;

/** Options of one gathering. @public */
export interface GatherOptions {
  credentials: BackstageCredentials;
  ctx: RequestContext;
  /**
   * Owner refs known to exist, for batch evaluation: saves one catalog call
   * per entity. Without it the owner is looked up.
   */
  knownOwners?: ReadonlySet<string>;
  /** Skip runbook HTTP checks (batch runs may check them less often). */
  skipRunbooks?: boolean;
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

function reasonOf(error: unknown): string {
  const err = error as { message?: string; attempts?: number };
  const attempts =
    err?.attempts && err.attempts > 1 ? ` after ${err.attempts} attempts` : '';
  return `${err?.message ?? String(error)}${attempts}`;
}

/**
 * Gathers {@link EntityFacts} at the edges: catalog (owner), runbook links,
 * Prometheus (rules loaded — from the shared rules snapshot —, series
 * present, live RED values) and Alertmanager (what fires). Every failure
 * becomes an `unknown` fact with its reason; metric failures fall back to the
 * log signal when the entity has one (the seed's METRIC_COLLECTION_FAILURE →
 * FALLBACK_TO_LOGS). Nothing here throws, so the entity view always answers.
 * @public
 */
export class EntityFactsService {
  readonly #catalog: CatalogService;
  readonly #prometheus: PrometheusClient[];
  readonly #alertmanagers: AlertmanagerClient[];
  readonly #runbooks: RunbookChecker;
  readonly #stormThreshold: number;
  readonly #metrics?: ObservabilityMetrics;
  readonly #now: () => number;

  static create(options: {
    catalog: CatalogService;
    prometheus: PrometheusClient[];
    alertmanagers: AlertmanagerClient[];
    runbooks: RunbookChecker;
    stormThreshold: number;
    metrics?: ObservabilityMetrics;
    now?: () => number;
  }): EntityFactsService {
    return new EntityFactsService(options);
  }

  private constructor(options: {
    catalog: CatalogService;
    prometheus: PrometheusClient[];
    alertmanagers: AlertmanagerClient[];
    runbooks: RunbookChecker;
    stormThreshold: number;
    metrics?: ObservabilityMetrics;
    now?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#prometheus = options.prometheus;
    this.#alertmanagers = options.alertmanagers;
    this.#runbooks = options.runbooks;
    this.#stormThreshold = options.stormThreshold;
    this.#metrics = options.metrics;
    this.#now = options.now ?? Date.now;
  }

  /** The Prometheus client for this entity, or why there is none. */
  prometheusFor(spec: ObservabilitySpec): {
    client?: PrometheusClient;
    reason?: string;
  } {
    return clientFor(this.#prometheus, spec.prometheusInstance, 'Prometheus');
  }

  /** The Alertmanager client for this entity, or why there is none. */
  alertmanagerFor(spec: ObservabilitySpec): {
    client?: AlertmanagerClient;
    reason?: string;
  } {
    return clientFor(
      this.#alertmanagers,
      spec.alertmanagerInstance,
      'Alertmanager',
    );
  }

  /** All facts for one entity. Never throws. */
  async gather(
    spec: ObservabilitySpec,
    artifacts: GeneratedArtifacts,
    options: GatherOptions,
  ): Promise<{
    facts: EntityFacts;
    alerts: EntityAlerts;
    rules?: RulesSnapshot;
  }> {
    const { client: prometheus, reason: noPrometheus } =
      this.prometheusFor(spec);
    const rulesPromise = prometheus
      ? prometheus.rules(options.ctx).then(
          snapshot => ({ snapshot }),
          error => ({ error: reasonOf(error) }),
        )
      : Promise.resolve({ error: noPrometheus! });

    const [ownerExists, runbooks, metrics, rules] = await Promise.all([
      this.#ownerExists(spec, options),
      options.skipRunbooks
        ? Promise.resolve(undefined)
        : this.#checkRunbooks(spec, options.ctx),
      this.#metricPresence(spec, prometheus, noPrometheus, options.ctx),
      rulesPromise,
    ]);

    // The same matching as the scheduled coverage evaluation, so the tab and
    // the coverage table agree on what "deployed" means.
    const deployedRules = deployedRulesFact(
      'snapshot' in rules
        ? { status: 'ok', rules: rules.snapshot.loadedRules() }
        : { status: 'unknown', reason: rules.error },
      spec,
      artifacts,
    );

    const alerts = await this.alerts(
      spec,
      options.ctx,
      'snapshot' in rules ? rules.snapshot : undefined,
    );
    const firingAlerts: EntityFacts['firingAlerts'] =
      alerts.status === 'ok'
        ? { status: 'ok', alerts: alerts.alerts }
        : { status: 'unknown', reason: alerts.reason ?? 'unknown' };

    const lintFindings =
      'snapshot' in rules
        ? lintLiveRules(
            rules.snapshot,
            spec.serviceName.value,
            prometheus!.instance.name,
          )
        : undefined;

    return {
      facts: {
        ownerExists,
        runbooks,
        deployedRules,
        metrics,
        firingAlerts,
        lintFindings,
      },
      alerts,
      rules: 'snapshot' in rules ? rules.snapshot : undefined,
    };
  }

  /**
   * Live alerts, grouped and deduplicated: from the entity's Alertmanager
   * when one is configured, else from its Prometheus' rule states.
   */
  async alerts(
    spec: ObservabilitySpec,
    ctx: RequestContext,
    snapshot?: RulesSnapshot,
  ): Promise<EntityAlerts> {
    const service = spec.serviceName.value;
    const { client: alertmanager, reason: noAlertmanager } =
      this.alertmanagerFor(spec);
    let raw: RawAlert[];
    let source: EntityAlerts['source'];
    let instance: string;
    try {
      if (alertmanager) {
        source = 'alertmanager';
        instance = alertmanager.instance.name;
        raw = fromAlertmanager(
          await alertmanager.alertsFor(spec.metrics.serviceLabel, service, ctx),
        );
      } else {
        const { client: prometheus, reason: noPrometheus } =
          this.prometheusFor(spec);
        if (!prometheus) {
          return {
            status: 'unknown',
            reason: `${noAlertmanager}; ${noPrometheus}`,
            alerts: [],
            rawCount: 0,
            storm: false,
          };
        }
        source = 'prometheus';
        instance = prometheus.instance.name;
        const rules = snapshot ?? (await prometheus.rules(ctx));
        raw = fromPrometheusRules(rules.forService(service).rules);
      }
    } catch (error) {
      return {
        status: 'unknown',
        reason: reasonOf(error),
        alerts: [],
        rawCount: 0,
        storm: false,
      };
    }

    const alerts = groupAlerts(raw);
    const storm = raw.length > this.#stormThreshold;
    let message: string | undefined;
    if (storm) {
      message = `Alert storm detected. Aggregating related alerts: ${raw.length} raw alerts folded into ${alerts.length}.`;
      ctx.logger.warn(message, { service });
    }
    this.#metrics?.incidentsAnalyzed.inc(
      { source },
      alerts.filter(a => a.state === 'firing').length,
    );
    return {
      status: 'ok',
      source,
      instance,
      alerts,
      rawCount: raw.length,
      storm,
      message,
    };
  }

  /** Current value and a one-hour trend of each RED signal. */
  async liveValues(
    spec: ObservabilitySpec,
    redTargets: RedTarget[],
    ctx: RequestContext,
  ): Promise<LiveValues | undefined> {
    const { client: prometheus } = this.prometheusFor(spec);
    if (!prometheus) return undefined;
    const end = Math.floor(this.#now() / 1000);
    // allSettled, not all: with Promise.all the first failure answers the
    // view while the other queries go on retrying in the background, still
    // calling a Prometheus the view has already given up on.
    const settled = await Promise.allSettled(
      redTargets.map(async (target): Promise<RedLiveValue> => {
        // One range query per signal: its point at `end` is what an instant
        // query would answer (same lookback), so no second call is needed.
        const trend = await prometheus.queryRange(
          target.promql,
          { start: end - 3600, end, stepSeconds: 300 },
          ctx,
        );
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
    );
    const failure = settled.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failure) {
      return { ...this.degraded(spec, reasonOf(failure.reason)), values: [] };
    }
    return {
      status: 'ok',
      values: settled.map(
        result => (result as PromiseFulfilledResult<RedLiveValue>).value,
      ),
    };
  }

  /**
   * What to say when metrics cannot be read: the log-based signal when the
   * entity names a log stream, else `unknown`.
   */
  degraded(
    spec: ObservabilitySpec,
    reason: string,
  ): { status: 'fallback-logs' | 'unknown'; reason: string } {
    if (spec.links.logSelector) {
      return {
        status: 'fallback-logs',
        reason: `Metric collection failed (${reason}). Using log-based metrics as fallback: the generated log alert on ${spec.links.logSelector} still covers this service; Redline does not query the log store itself, so no values are shown.`,
      };
    }
    return {
      status: 'unknown',
      reason: `Metric collection failed (${reason}) and no log source is configured (add redline.dev/log-selector for a log-based fallback).`,
    };
  }

  async #metricPresence(
    spec: ObservabilitySpec,
    prometheus: PrometheusClient | undefined,
    noPrometheus: string | undefined,
    ctx: RequestContext,
  ): Promise<EntityFacts['metrics']> {
    if (!prometheus) {
      return { status: 'unknown', reason: noPrometheus ?? 'no Prometheus' };
    }
    const names = [
      spec.metrics.requestsTotal,
      `${spec.metrics.durationHistogram}_bucket`,
    ];
    try {
      const presence = await prometheus.seriesPresence(
        names,
        spec.selector.value,
        ctx,
      );
      return { status: 'ok', ...presence };
    } catch (error) {
      const { status, reason } = this.degraded(spec, reasonOf(error));
      return status === 'fallback-logs'
        ? { status: 'unknown', reason, fallback: 'logs' }
        : { status: 'unknown', reason };
    }
  }

  async #ownerExists(
    spec: ObservabilitySpec,
    options: GatherOptions,
  ): Promise<boolean | undefined> {
    if (!spec.owner) return false;
    if (options.knownOwners) return options.knownOwners.has(spec.owner);
    try {
      const owner = await this.#catalog.getEntityByRef(spec.owner, {
        credentials: options.credentials,
      });
      return owner !== undefined;
    } catch (error) {
      options.ctx.logger.warn(
        `Could not look up owner ${spec.owner}: ${reasonOf(error)}`,
      );
      return undefined;
    }
  }

  /**
   * Only the entity's own runbook link is probed: generated alerts point at
   * runbooks the portal itself serves, which need no reachability check.
   */
  async #checkRunbooks(spec: ObservabilitySpec, ctx: RequestContext) {
    return spec.links.runbookUrl
      ? this.#runbooks.checkAll([spec.links.runbookUrl], ctx)
      : [];
  }
}

/**
 * The rule linter's findings on the rules this service has loaded (whoever
 * wrote them: hand-written rules are where the seed's "symptoms, not causes"
 * advice matters most).
 */
function lintLiveRules(
  snapshot: RulesSnapshot,
  service: string,
  instance: string,
): NonNullable<EntityFacts['lintFindings']> {
  const mine = snapshot.forService(service);
  const groups = mine.groups.map(group => ({
    name: group.name,
    rules: group.rules.filter(rule => mine.rules.includes(rule)),
  }));
  return lintRuleGroups(
    fromPrometheusApiGroups(groups),
    `prometheus:${instance}`,
  ).map(f => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    location: formatLintLocation(f.location),
    fix: f.fix,
  }));
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

/** Deployed/firing state of each generated alert. @public */
export function alertStatesOf(
  artifacts: GeneratedArtifacts,
  facts: EntityFacts,
): AlertState[] {
  const firing =
    facts.firingAlerts?.status === 'ok'
      ? facts.firingAlerts.alerts.filter(a => a.state === 'firing')
      : [];
  const loaded =
    facts.deployedRules?.status === 'ok'
      ? new Set(facts.deployedRules.loadedAlerts)
      : undefined;
  // Alerts that go elsewhere (the Loki log fallback) cannot be seen in Prometheus.
  const inPrometheus = new Set(prometheusAlertNames(artifacts));
  return artifacts.alerts.map(alert => {
    let deployed: AlertState['deployed'] = 'unknown';
    if (loaded && inPrometheus.has(alert.name))
      deployed = loaded.has(alert.name) ? 'yes' : 'no';
    return {
      key: alert.key,
      deployed,
      firing: firing.some(live => isInstanceOf(alert, live)),
    };
  });
}
