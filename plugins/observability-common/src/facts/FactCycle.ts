/**
 * The one fact gatherer. A cycle is one look at the world: the tab makes one
 * per request, a coverage run or `redline check` one for the whole catalog.
 * Everything a cycle fetches is fetched once per Prometheus/Alertmanager
 * instance (rules, series, alerts) or once per owner and runbook link, then
 * matched to each entity here, so a coverage row and the tab see the same
 * facts — and therefore the same checks — for an entity.
 */
import { alertmanagerConfigFact } from '../check/alertmanagerStatus';
import { RuleIndex, ruleIndexOf } from '../check/belongsToService';
import {
  deployedRulesFact,
  type GeneratedRuleNames,
} from '../check/deployedRules';
import type { EntityFacts, FiringAlert } from '../check/types';
import { formatLintLocation, lintRuleGroups } from '../lint';
import { fromPrometheusApiGroups } from '../lint/prometheusApi';
import { parseLabelMatchers, type LabelMatcher } from '../spec/labelMatchers';
import {
  bucketsFromLeValues,
  observedBucketsMatter,
} from '../spec/latencyBucket';
import type { ObservabilitySpec } from '../spec/types';
import {
  fromAlertmanager,
  fromPrometheusRules,
  groupAlerts,
  RawAlert,
} from './alertGrouping';
import type { PrometheusApiRule, PrometheusApiRuleGroup } from './apiTypes';
import { groupsHolding } from './groupsHolding';
import { labelsMatch } from './selectorMatch';
import type { FactSources } from './sources';
import { BoundedMemo } from '../memo/BoundedMemo';

/** Live alerts of one entity, grouped and deduplicated. @public */
export interface EntityAlerts {
  /** `unknown` when no Alertmanager/Prometheus answered; `reason` says why. */
  status: 'ok' | 'unknown';
  reason?: string;
  source?: 'alertmanager' | 'prometheus';
  alerts: FiringAlert[];
  /** Raw alerts before dedupe and grouping. */
  rawCount: number;
  /** True when the raw count crossed the storm threshold (the seed's ALERT_STORM). */
  storm: boolean;
  message?: string;
}

/** What the gatherer found about one entity. @public */
export interface GatheredFacts {
  facts: EntityFacts;
  alerts: EntityAlerts;
}

/**
 * What the describe step produced, as far as gathering needs it: the spec
 * and the generated rules' names (a whole description will do).
 * @public
 */
export interface GatherableDescription {
  spec: ObservabilitySpec;
  artifacts: GeneratedRuleNames;
}

/** @public */
export interface FactCycleOptions {
  /** Raw alerts above which an entity's alerts count as a storm (default 50). */
  stormThreshold?: number;
  /**
   * A cycle over many entities: Alertmanager is asked once for all alerts
   * instead of once per entity for its own (the tab's cycle asks for one
   * entity's, so a storm elsewhere costs it nothing). Same facts either way.
   */
  batch?: boolean;
}

type Settled<T> = { ok: true; value: T } | { ok: false; reason: string };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    value => ({ ok: true as const, value }),
    error => ({ ok: false as const, reason: reasonOf(error) }),
  );
}

/**
 * A failure's message for people: the error's own, with its attempt count
 * and, when it stopped short of its retry policy, why.
 */
export function reasonOf(error: unknown): string {
  const err = error as {
    message?: unknown;
    attempts?: unknown;
    note?: unknown;
  };
  const message =
    typeof err?.message === 'string' ? err.message : String(error);
  const attempts =
    typeof err?.attempts === 'number' && err.attempts > 1
      ? ` after ${err.attempts} attempts`
      : '';
  const note = typeof err?.note === 'string' ? `; ${err.note}` : '';
  return `${message}${attempts}${note}`;
}

/**
 * What to say when metrics cannot be read: the seed's
 * METRIC_COLLECTION_FAILURE → FALLBACK_TO_LOGS when the entity names a log
 * stream, else `unknown`. Said the same way by the checks and the tab's
 * live values.
 * @public
 */
export function metricsUnavailable(
  spec: ObservabilitySpec,
  cause: string,
): { status: 'fallback-logs' | 'unknown'; reason: string } {
  return spec.links.logSelector
    ? {
        status: 'fallback-logs',
        reason: `Metric collection failed (${cause}). Using log-based metrics as fallback: the generated log alert on ${spec.links.logSelector} still covers this service; Redline does not query the log store itself, so no values are shown.`,
      }
    : {
        status: 'unknown',
        reason: `Metric collection failed (${cause}) and no log source is configured (add redline.dev/log-selector for a log-based fallback).`,
      };
}

interface LoadedRules {
  groups: PrometheusApiRuleGroup[];
  index: RuleIndex<PrometheusApiRule>;
}

/** @public */
export class FactCycle {
  readonly #sources: FactSources;
  readonly #stormThreshold: number;
  readonly #batch: boolean;
  readonly #rules = new Map<string, Promise<Settled<LoadedRules>>>();
  readonly #series = new Map<
    string,
    Promise<Settled<Array<Record<string, string>>>>
  >();
  readonly #buckets = new Map<
    string,
    Promise<Settled<Array<Record<string, string>>>>
  >();
  readonly #alertmanager = new Map<
    string,
    Promise<Settled<RawAlert[] | undefined>>
  >();
  readonly #alertmanagerConfigs = new Map<
    string,
    Promise<EntityFacts['alertmanagerConfig']>
  >();
  readonly #owners = new Map<string, Promise<boolean | undefined>>();
  readonly #runbooks = new Map<
    string,
    Promise<NonNullable<EntityFacts['runbooks']>>
  >();

  constructor(sources: FactSources, options: FactCycleOptions = {}) {
    this.#sources = sources;
    this.#stormThreshold = options.stormThreshold ?? 50;
    this.#batch = options.batch ?? false;
  }

  /**
   * Looks up many owners in one call (a coverage run does this per catalog
   * page); later `gather` calls reuse the answers.
   */
  prefetchOwners(refs: Iterable<string>): Promise<void> {
    const lookup = this.#sources.ownersExist;
    const wanted = [...new Set(refs)].filter(
      ref => ref && !this.#owners.has(ref),
    );
    if (!lookup || wanted.length === 0) return Promise.resolve();
    const answer = lookup.call(this.#sources, wanted).then(
      found => found,
      () => undefined,
    );
    for (const ref of wanted)
      this.#owners.set(
        ref,
        answer.then(found => found?.get(ref)),
      );
    return answer.then(() => undefined);
  }

  /**
   * The entity measured at the histogram buckets its service exposes, and
   * every fact about it: the one path of the tab, the coverage run and
   * `redline check`, so they measure latency SLOs alike. `redescribe` is the
   * caller's describe step with `observedBuckets`; it runs only when the
   * live buckets measure a latency SLO differently (see
   * `observedBucketsMatter`). Never throws unless `redescribe` does.
   */
  async gatherAtLiveBuckets<D extends GatherableDescription>(
    description: D,
    redescribe: (observedBuckets: string[]) => D,
  ): Promise<{ description: D; gathered: GatheredFacts }> {
    if (!hasLatencySlo(description.spec))
      return { description, gathered: await this.gather(description) };
    const [measured] = await Promise.all([
      this.describeAtLiveBuckets(description, redescribe),
      // The buckets change nothing gathering asks about (instances,
      // selector, owner, runbook), so its questions go out alongside the
      // bucket question and `gather` finds them answered in this cycle.
      this.#ask(description.spec),
    ]);
    return { description: measured, gathered: await this.gather(measured) };
  }

  /**
   * The `le` values (ascending, finite, each once) the entity's latency
   * histogram has series for under its selector, from one question per
   * Prometheus instance shared by every entity of the cycle. Undefined when
   * there is no answer (no Prometheus, the question failed, no series yet),
   * so the configured buckets apply.
   */
  async observedBuckets(
    description: Pick<GatherableDescription, 'spec'>,
  ): Promise<string[] | undefined> {
    const fetchSets = this.#sources.bucketLabelSets;
    if (!fetchSets) return undefined;
    const { spec } = description;
    const matchers = selectorMatchers(spec);
    const labels = labelNames(matchers);
    const metric = `${spec.metrics.durationHistogram}_bucket`;
    const key = `${
      spec.prometheusInstance ?? ''
    }\u0000${metric}\u0000${labels.join(',')}`;
    let pending = this.#buckets.get(key);
    if (!pending) {
      pending = settle(
        fetchSets.call(this.#sources, spec.prometheusInstance, metric, labels),
      );
      this.#buckets.set(key, pending);
    }
    const answer = await pending;
    if (!answer.ok) return undefined;
    const buckets = bucketsFromLeValues(
      answer.value
        .filter(set => set.le !== undefined && labelsMatch(set, matchers))
        .map(set => set.le),
    );
    return buckets.length > 0 ? buckets.map(String) : undefined;
  }

  /**
   * The description measured at the buckets the service exposes: the
   * caller's `redescribe` (its describe step with `observedBuckets`) when
   * they measure a latency SLO differently, else `description` itself. For
   * what is derived from a description without facts (downloads, apply), so
   * it matches what the tab shows.
   */
  async describeAtLiveBuckets<D extends GatherableDescription>(
    description: D,
    redescribe: (observedBuckets: string[]) => D,
  ): Promise<D> {
    const observed = await this.bucketsToMeasureAt(description);
    return observed ? redescribe(observed) : description;
  }

  /**
   * The live buckets when they measure one of the entity's latency SLOs
   * differently from the configured ones, else undefined (the description
   * as configured stands).
   */
  async bucketsToMeasureAt(
    description: Pick<GatherableDescription, 'spec'>,
  ): Promise<string[] | undefined> {
    if (!hasLatencySlo(description.spec)) return undefined;
    const observed = await this.observedBuckets(description);
    const { slos, metrics } = description.spec;
    return observed &&
      observedBucketsMatter(slos, metrics.histogramBuckets, observed)
      ? observed
      : undefined;
  }

  /** Every fact about one entity. Never throws. */
  async gather(description: GatherableDescription): Promise<GatheredFacts> {
    const { spec, artifacts } = description;
    const [ownerExists, runbooks, rules, metrics, alertmanager, amConfig] =
      await this.#ask(spec);

    const facts: EntityFacts = {};
    if (ownerExists !== undefined || !spec.owner)
      facts.ownerExists = spec.owner ? ownerExists : false;
    if (runbooks) facts.runbooks = runbooks;
    if (metrics) facts.metrics = metrics;
    if (amConfig) facts.alertmanagerConfig = amConfig;
    if (rules) {
      facts.deployedRules = rules.ok
        ? deployedRulesFact(rules.value.rules, artifacts)
        : { status: 'unknown', reason: rules.reason };
      if (rules.ok)
        facts.lintFindings = lintOnce(
          rules.value,
          `prometheus:${
            this.#sources.prometheusName?.(spec.prometheusInstance) ??
            spec.prometheusInstance ??
            'default'
          }`,
        );
    }
    const alerts = this.#entityAlerts(alertmanager, rules);
    if (alerts) {
      facts.firingAlerts =
        alerts.status === 'ok'
          ? { status: 'ok', alerts: alerts.alerts }
          : { status: 'unknown', reason: alerts.reason ?? 'unknown' };
    }
    return {
      facts,
      alerts: alerts ?? {
        status: 'unknown',
        reason: 'No Alertmanager or Prometheus is configured.',
        alerts: [],
        rawCount: 0,
        storm: false,
      },
    };
  }

  /** Every question about the entity, each asked once per cycle. */
  #ask(spec: ObservabilitySpec) {
    return Promise.all([
      this.#ownerExists(spec),
      this.#probeRunbooks(spec),
      this.#serviceRules(spec),
      this.#metrics(spec),
      this.#alertmanagerAlerts(spec),
      this.#alertmanagerConfig(spec),
    ]);
  }

  /** The configuration the entity's Alertmanager runs, asked once per instance. */
  #alertmanagerConfig(
    spec: ObservabilitySpec,
  ): Promise<EntityFacts['alertmanagerConfig']> {
    const fetchStatus = this.#sources.alertmanagerStatus;
    if (!fetchStatus) return Promise.resolve(undefined);
    const key = spec.alertmanagerInstance ?? '';
    let pending = this.#alertmanagerConfigs.get(key);
    if (!pending) {
      const instance = spec.alertmanagerInstance;
      pending = fetchStatus.call(this.#sources, instance).then(
        answer => answer && alertmanagerConfigFact(answer.name, answer.status),
        error => ({
          status: 'unknown' as const,
          source: instance ?? 'default',
          reason: reasonOf(error),
        }),
      );
      this.#alertmanagerConfigs.set(key, pending);
    }
    return pending;
  }

  #ownerExists(spec: ObservabilitySpec): Promise<boolean | undefined> {
    if (!spec.owner) return Promise.resolve(false);
    if (!this.#owners.has(spec.owner)) void this.prefetchOwners([spec.owner]);
    return this.#owners.get(spec.owner) ?? Promise.resolve(undefined);
  }

  /**
   * Only the entity's own runbook link is probed: generated alerts point at
   * runbooks the portal itself serves, which need no reachability check.
   */
  async #probeRunbooks(
    spec: ObservabilitySpec,
  ): Promise<EntityFacts['runbooks']> {
    const probe = this.#sources.probeRunbooks;
    if (!probe) return undefined;
    const url = spec.links.runbookUrl;
    if (!url) return [];
    let pending = this.#runbooks.get(url);
    if (!pending) {
      // A probe that could not run (cancelled, past the deadline) says
      // nothing about the page: the link was not probed, not broken.
      pending = probe.call(this.#sources, [url]).catch(error => {
        const reason = reasonOf(error);
        return [{ url, ok: false, skipped: reason, error: reason }];
      });
      this.#runbooks.set(url, pending);
    }
    return pending;
  }

  /** The rules of the entity's Prometheus that belong to its service. */
  async #serviceRules(spec: ObservabilitySpec): Promise<
    | Settled<{
        rules: PrometheusApiRule[];
        groups: PrometheusApiRuleGroup[];
        /** The whole snapshot the service's share was taken from. */
        all: PrometheusApiRuleGroup[];
      }>
    | undefined
  > {
    const fetchRules = this.#sources.prometheusRules;
    if (!fetchRules) return undefined;
    const key = `${spec.prometheusInstance ?? ''}\u0000${
      spec.metrics.serviceLabel
    }`;
    let pending = this.#rules.get(key);
    if (!pending) {
      pending = settle(
        fetchRules
          .call(this.#sources, spec.prometheusInstance)
          .then(groups => ({
            groups,
            index: ruleIndexOf(groups, spec.metrics.serviceLabel),
          })),
      );
      this.#rules.set(key, pending);
    }
    const loaded = await pending;
    if (!loaded.ok) return loaded;
    const rules = loaded.value.index.forService(spec);
    const groups = groupsHolding(loaded.value.groups, rules);
    return { ok: true, value: { rules, groups, all: loaded.value.groups } };
  }

  /** Do the RED metrics exist for the entity's selector? */
  async #metrics(spec: ObservabilitySpec): Promise<EntityFacts['metrics']> {
    const fetchSets = this.#sources.seriesLabelSets;
    if (!fetchSets) return undefined;
    const matchers = selectorMatchers(spec);
    const metrics = [
      spec.metrics.requestsTotal,
      `${spec.metrics.durationHistogram}_bucket`,
    ];
    const labels = labelNames(matchers);
    const key = `${spec.prometheusInstance ?? ''}\u0000${metrics.join(
      ',',
    )}\u0000${labels.join(',')}`;
    let pending = this.#series.get(key);
    if (!pending) {
      pending = settle(
        fetchSets.call(this.#sources, spec.prometheusInstance, metrics, labels),
      );
      this.#series.set(key, pending);
    }
    const answer = await pending;
    if (!answer.ok) {
      const { status, reason } = metricsUnavailable(spec, answer.reason);
      return status === 'fallback-logs'
        ? { status: 'unknown', reason, fallback: 'logs' }
        : { status: 'unknown', reason };
    }
    const seen = new Set(
      answer.value
        .filter(set => labelsMatch(set, matchers))
        .map(set => set.__name__),
    );
    return {
      status: 'ok',
      present: metrics.filter(m => seen.has(m)),
      missing: metrics.filter(m => !seen.has(m)),
    };
  }

  async #alertmanagerAlerts(
    spec: ObservabilitySpec,
  ): Promise<Settled<RawAlert[] | undefined> | undefined> {
    const fetchAlerts = this.#sources.alertmanagerAlerts;
    if (!fetchAlerts) return undefined;
    const label = spec.metrics.serviceLabel;
    const service = spec.serviceName.value;
    const only = this.#batch ? undefined : { label, value: service };
    const key = `${spec.alertmanagerInstance ?? ''}\u0000${
      only ? `${label}=${service}` : ''
    }`;
    let pending = this.#alertmanager.get(key);
    if (!pending) {
      pending = settle(
        fetchAlerts
          .call(this.#sources, spec.alertmanagerInstance, only)
          .then(alerts => (alerts ? fromAlertmanager(alerts) : undefined)),
      );
      this.#alertmanager.set(key, pending);
    }
    const answer = await pending;
    if (!answer.ok || !answer.value) return answer;
    return {
      ok: true,
      value: answer.value.filter(a => a.labels[label] === service),
    };
  }

  /**
   * Live alerts from the entity's Alertmanager when one is configured, else
   * from its Prometheus' rule states.
   */
  #entityAlerts(
    alertmanager: Settled<RawAlert[] | undefined> | undefined,
    rules: Settled<{ rules: PrometheusApiRule[] }> | undefined,
  ): EntityAlerts | undefined {
    let raw: RawAlert[];
    let source: EntityAlerts['source'];
    if (alertmanager && !(alertmanager.ok && !alertmanager.value)) {
      if (!alertmanager.ok) return unknownAlerts(alertmanager.reason);
      raw = alertmanager.value!;
      source = 'alertmanager';
    } else if (rules) {
      if (!rules.ok) return unknownAlerts(rules.reason);
      raw = fromPrometheusRules(rules.value.rules);
      source = 'prometheus';
    } else {
      return undefined;
    }
    const alerts = groupAlerts(raw);
    const storm = raw.length > this.#stormThreshold;
    return {
      status: 'ok',
      source,
      alerts,
      rawCount: raw.length,
      storm,
      ...(storm
        ? {
            message: `Alert storm detected. Aggregating related alerts: ${raw.length} raw alerts folded into ${alerts.length}.`,
          }
        : {}),
    };
  }
}

function hasLatencySlo(spec: ObservabilitySpec): boolean {
  return spec.slos.some(
    slo => slo.slo === 'latency' && slo.thresholdSeconds !== undefined,
  );
}

function selectorMatchers(spec: ObservabilitySpec): LabelMatcher[] {
  const parsed = parseLabelMatchers(spec.selector.value);
  return parsed.ok ? parsed.matchers : [];
}

/** The labels a label-set question keeps: those the selector filters on, sorted, so equal selectors share one answer. */
function labelNames(matchers: readonly LabelMatcher[]): string[] {
  return [...new Set(matchers.map(m => m.name))].sort();
}

function unknownAlerts(reason: string): EntityAlerts {
  return { status: 'unknown', reason, alerts: [], rawCount: 0, storm: false };
}

/**
 * Lint findings cover every rule a service has loaded, whoever wrote it:
 * hand-written rules are where the seed's "symptoms, not causes" advice
 * matters most. Matching and linting are pure functions
 * of a rules snapshot, and clients hand out the same snapshot (the same
 * array) until it expires: the tab's per-request cycles share one parse of
 * every rule and one lint per service instead of redoing both on every view.
 */
const lints = new WeakMap<
  PrometheusApiRuleGroup[],
  Map<string, NonNullable<EntityFacts['lintFindings']>>
>();

function lintOnce(
  rules: {
    rules: PrometheusApiRule[];
    groups: PrometheusApiRuleGroup[];
    all: PrometheusApiRuleGroup[];
  },
  source: string,
): NonNullable<EntityFacts['lintFindings']> {
  let bySet = lints.get(rules.all);
  if (!bySet) lints.set(rules.all, (bySet = new Map()));
  // The same rules are the same share of the snapshot: key by rule identity.
  const key = `${source}\u0000${rules.rules
    .map(r => rulePosition(rules.all, r))
    .join(',')}`;
  let found = bySet.get(key);
  if (!found) {
    found = lintByContent(rules.groups, source);
    bySet.set(key, found);
  }
  return found;
}

/**
 * Lint findings by the rules' text, across snapshots: every coverage run
 * fetches a new snapshot of the same rules, and linting a service's rules
 * (a PromQL parse of each) is a large part of a run that otherwise finds
 * nothing changed. Keyed by what the linter reads (the rules as a file
 * holds them), not by the API's evaluation state, which changes every
 * evaluation. Bounded because rules come and go.
 */
const lintedContent = new BoundedMemo<
  string,
  NonNullable<EntityFacts['lintFindings']>
>(20_000);

function lintByContent(
  apiGroups: PrometheusApiRuleGroup[],
  source: string,
): NonNullable<EntityFacts['lintFindings']> {
  const groups = fromPrometheusApiGroups(apiGroups);
  const key = `${source}\u0000${JSON.stringify(groups)}`;
  return lintedContent.get(key, () => lint(groups, source));
}

const positions = new WeakMap<
  PrometheusApiRuleGroup[],
  Map<PrometheusApiRule, number>
>();

/** A rule's position in its snapshot, a short stable key for it. */
function rulePosition(
  all: PrometheusApiRuleGroup[],
  rule: PrometheusApiRule,
): number {
  let map = positions.get(all);
  if (!map) {
    map = new Map(all.flatMap(g => g.rules ?? []).map((r, i) => [r, i]));
    positions.set(all, map);
  }
  return map.get(rule) ?? -1;
}

function lint(
  groups: ReturnType<typeof fromPrometheusApiGroups>,
  source: string,
): NonNullable<EntityFacts['lintFindings']> {
  return lintRuleGroups(groups, source).map(f => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    location: formatLintLocation(f.location),
    fix: f.fix,
  }));
}
