import type { LoadedRule } from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { PrometheusInstanceConfig } from './config';
import type { OutboundHttp } from './OutboundHttp';
import { OutboundError } from './retry';

/** A rule as `/api/v1/rules` lists it (the fields Redline reads). @public */
export interface PrometheusApiRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  state?: 'firing' | 'pending' | 'inactive';
  health?: string;
  alerts?: Array<{
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: 'firing' | 'pending';
    activeAt?: string;
    value?: string;
  }>;
}

/** A rule group as `/api/v1/rules` lists it. @public */
export interface PrometheusApiRuleGroup {
  name: string;
  file: string;
  interval?: number;
  rules: PrometheusApiRule[];
}

/** What one service has loaded, from the shared rules snapshot. @public */
export interface ServiceRules {
  loadedAlerts: string[];
  loadedRecords: string[];
  rules: PrometheusApiRule[];
  groups: PrometheusApiRuleGroup[];
}

/**
 * One `/api/v1/rules` answer, indexed by the service label so that checking N
 * entities costs one call, not N.
 * @public
 */
export class RulesSnapshot {
  readonly fetchedAt: number;
  readonly groups: PrometheusApiRuleGroup[];
  readonly #byService = new Map<string, ServiceRules>();

  constructor(
    groups: PrometheusApiRuleGroup[],
    serviceLabel: string,
    fetchedAt: number,
  ) {
    this.groups = groups;
    this.fetchedAt = fetchedAt;
    for (const group of groups) {
      for (const rule of group.rules ?? []) {
        for (const service of servicesOf(rule, serviceLabel)) {
          let entry = this.#byService.get(service);
          if (!entry) {
            entry = {
              loadedAlerts: [],
              loadedRecords: [],
              rules: [],
              groups: [],
            };
            this.#byService.set(service, entry);
          }
          entry.rules.push(rule);
          if (!entry.groups.includes(group)) entry.groups.push(group);
          const names =
            rule.type === 'alerting' ? entry.loadedAlerts : entry.loadedRecords;
          if (!names.includes(rule.name)) names.push(rule.name);
        }
      }
    }
  }

  #loaded?: LoadedRule[];

  /** Every rule in the shape `-common`'s `deployedRulesFact` matches against. */
  loadedRules(): LoadedRule[] {
    this.#loaded ??= this.groups.flatMap(group =>
      (group.rules ?? []).map(rule => ({
        type: rule.type,
        name: rule.name,
        labels: rule.labels ?? {},
        query: rule.query ?? '',
        group: group.name,
        file: group.file,
      })),
    );
    return this.#loaded;
  }

  forService(service: string): ServiceRules {
    return (
      this.#byService.get(service) ?? {
        loadedAlerts: [],
        loadedRecords: [],
        rules: [],
        groups: [],
      }
    );
  }

  get serviceCount(): number {
    return this.#byService.size;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A rule belongs to a service when it carries the service label, or — for
 * recording rules, which often carry no labels — when its expression selects
 * `service="<name>"`.
 */
function servicesOf(rule: PrometheusApiRule, serviceLabel: string): string[] {
  const fromLabel = rule.labels?.[serviceLabel];
  if (fromLabel) return [fromLabel];
  const services = new Set<string>();
  const matcher = new RegExp(
    `\\b${escapeRegExp(serviceLabel)}\\s*=\\s*"([^"]+)"`,
    'g',
  );
  for (const match of rule.query?.matchAll(matcher) ?? [])
    services.add(match[1]);
  return [...services];
}

interface PromApiEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

type InstantVector = {
  resultType: 'vector';
  result: Array<{ metric: Record<string, string>; value: [number, string] }>;
};
type RangeMatrix = {
  resultType: 'matrix';
  result: Array<{
    metric: Record<string, string>;
    values: Array<[number, string]>;
  }>;
};

/**
 * Client for one Prometheus server. Every call goes through
 * {@link OutboundHttp} (timeout, retry with backoff, spans, correlation ID).
 * @public
 */
export class PrometheusClient {
  readonly #instance: PrometheusInstanceConfig;
  readonly #http: OutboundHttp;
  readonly #serviceLabel: string;
  readonly #rulesTtlMs: number;
  readonly #now: () => number;
  #rules?: { snapshot: RulesSnapshot } | { pending: Promise<RulesSnapshot> };
  #rulesFetches = 0;

  static create(options: {
    instance: PrometheusInstanceConfig;
    http: OutboundHttp;
    serviceLabel: string;
    rulesTtlMs: number;
    now?: () => number;
  }): PrometheusClient {
    return new PrometheusClient(options);
  }

  private constructor(options: {
    instance: PrometheusInstanceConfig;
    http: OutboundHttp;
    serviceLabel: string;
    rulesTtlMs: number;
    now?: () => number;
  }) {
    this.#instance = options.instance;
    this.#http = options.http;
    this.#serviceLabel = options.serviceLabel;
    this.#rulesTtlMs = options.rulesTtlMs;
    this.#now = options.now ?? Date.now;
  }

  get instance(): PrometheusInstanceConfig {
    return this.#instance;
  }

  /** How many times `/api/v1/rules` was actually fetched (for tests and debug logs). */
  get rulesFetchCount(): number {
    return this.#rulesFetches;
  }

  /**
   * The rules snapshot, fetched at most once per TTL however many entities
   * ask; concurrent callers share one in-flight request.
   */
  async rules(ctx: RequestContext): Promise<RulesSnapshot> {
    const cached = this.#rules;
    if (
      cached &&
      'snapshot' in cached &&
      this.#now() - cached.snapshot.fetchedAt < this.#rulesTtlMs
    ) {
      return cached.snapshot;
    }
    if (cached && 'pending' in cached) return cached.pending;

    const pending = this.#fetchRules(ctx);
    this.#rules = { pending };
    try {
      const snapshot = await pending;
      this.#rules = { snapshot };
      return snapshot;
    } catch (error) {
      // Forget the failure so the next cycle tries again instead of caching it.
      this.#rules = undefined;
      throw error;
    }
  }

  /** Drops the cached rules, e.g. right after an apply reloaded Prometheus. */
  invalidateRules(): void {
    this.#rules = undefined;
  }

  async #fetchRules(ctx: RequestContext): Promise<RulesSnapshot> {
    this.#rulesFetches++;
    const data = await this.#api<{ groups: PrometheusApiRuleGroup[] }>(
      '/api/v1/rules',
      ctx,
    );
    ctx.logger.debug(
      `prometheus:${this.#instance.name}: loaded ${
        data.groups.length
      } rule groups`,
    );
    return new RulesSnapshot(
      data.groups ?? [],
      this.#serviceLabel,
      this.#now(),
    );
  }

  /** Instant query; the first sample's value, or null when the vector is empty. */
  async queryScalar(
    promql: string,
    ctx: RequestContext,
  ): Promise<number | null> {
    const data = await this.#api<InstantVector>(
      `/api/v1/query?${new URLSearchParams({ query: promql })}`,
      ctx,
    );
    const sample = data.result?.[0]?.value?.[1];
    return sample === undefined ? null : toNumber(sample);
  }

  /** Range query over the first series: `[unix seconds, value]` pairs. */
  async queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
    ctx: RequestContext,
  ): Promise<Array<[number, number]>> {
    const params = new URLSearchParams({
      query: promql,
      start: String(range.start),
      end: String(range.end),
      step: String(range.stepSeconds),
    });
    const data = await this.#api<RangeMatrix>(
      `/api/v1/query_range?${params}`,
      ctx,
    );
    return (data.result?.[0]?.values ?? [])
      .map(([t, v]) => [t, toNumber(v)] as [number, number])
      .filter(([, v]) => Number.isFinite(v));
  }

  /**
   * Which of `metrics` have at least one series for `selector` in the last
   * `lookbackSeconds` — one `/api/v1/series` call with a `match[]` per metric.
   */
  async seriesPresence(
    metrics: string[],
    selector: string,
    ctx: RequestContext,
    lookbackSeconds = 3600,
  ): Promise<{ present: string[]; missing: string[] }> {
    const end = Math.floor(this.#now() / 1000);
    const params = new URLSearchParams({
      start: String(end - lookbackSeconds),
      end: String(end),
    });
    for (const metric of metrics)
      params.append('match[]', `${metric}{${selector}}`);
    const data = await this.#api<Array<Record<string, string>>>(
      `/api/v1/series?${params}`,
      ctx,
    );
    const seen = new Set((data ?? []).map(series => series.__name__));
    return {
      present: metrics.filter(m => seen.has(m)),
      missing: metrics.filter(m => !seen.has(m)),
    };
  }

  /** Asks Prometheus to re-read its rule files (needs `--web.enable-lifecycle`). */
  async reload(ctx: RequestContext): Promise<void> {
    await this.#http.send(
      {
        target: this.#target(),
        url: `${this.#instance.url}/-/reload`,
        method: 'POST',
      },
      ctx,
    );
    this.invalidateRules();
  }

  async #api<T>(path: string, ctx: RequestContext): Promise<T> {
    const envelope = await this.#http.json<PromApiEnvelope<T>>(
      { target: this.#target(), url: `${this.#instance.url}${path}` },
      ctx,
    );
    if (envelope.status !== 'success') {
      throw new OutboundError(
        `${this.#target()} query failed: ${envelope.errorType ?? 'error'}: ${
          envelope.error ?? 'unknown'
        }`,
        { kind: 'client' },
      );
    }
    return envelope.data;
  }

  #target(): string {
    return `prometheus:${this.#instance.name}`;
  }
}

function toNumber(value: string): number {
  // Prometheus encodes NaN and infinities as strings; Number() handles "NaN"
  // and "+Inf"/"-Inf" need a nudge.
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}
