import {
  bucketLabelSetsQuery,
  PrometheusApiRuleGroup,
  seriesLabelSetsQuery,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { PrometheusInstanceConfig } from './config';
import type { OutboundHttp } from './OutboundHttp';
import { OutboundError } from './retry';
import { SharedAnswers } from './SharedAnswers';

/** One `/api/v1/rules` answer; `-common`'s `RuleIndex` matches it to entities. @public */
export class RulesSnapshot {
  readonly fetchedAt: number;
  readonly groups: PrometheusApiRuleGroup[];

  constructor(groups: PrometheusApiRuleGroup[], fetchedAt: number) {
    this.groups = groups;
    this.fetchedAt = fetchedAt;
  }
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

/** One series of a range query. @public */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** What a {@link PrometheusClient} talks to and how. @public */
export interface PrometheusClientOptions {
  instance: PrometheusInstanceConfig;
  http: OutboundHttp;
  /** How long one `/api/v1/rules` answer serves every entity that asks. */
  rulesTtlMs: number;
  /** How long a query's answer serves everyone asking the same (default 0: in-flight sharing only). */
  queryTtlMs?: number;
  now?: () => number;
}

/**
 * Client for one Prometheus server. Every call goes through
 * {@link OutboundHttp} (timeout, retry with backoff, spans, correlation ID).
 * @public
 */
export class PrometheusClient {
  readonly #instance: PrometheusInstanceConfig;
  readonly #http: OutboundHttp;
  readonly #now: () => number;
  readonly #rules: SharedAnswers<RulesSnapshot>;
  readonly #queries: SharedAnswers<unknown>;
  #rulesFetches = 0;

  static create(options: PrometheusClientOptions): PrometheusClient {
    return new PrometheusClient(options);
  }

  private constructor(options: PrometheusClientOptions) {
    this.#instance = options.instance;
    this.#http = options.http;
    this.#now = options.now ?? Date.now;
    const target = `prometheus:${options.instance.name}`;
    this.#rules = new SharedAnswers({
      ttlMs: options.rulesTtlMs,
      now: this.#now,
      target,
      maxEntries: 1,
    });
    this.#queries = new SharedAnswers({
      ttlMs: options.queryTtlMs ?? 0,
      now: this.#now,
      target,
    });
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
  rules(ctx: RequestContext): Promise<RulesSnapshot> {
    return this.#rules.get('rules', ctx, () => this.#fetchRules(ctx));
  }

  /** Drops the cached rules, e.g. right after an apply reloaded Prometheus. */
  invalidateRules(): void {
    this.#rules.clear();
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
      Array.isArray(data?.groups) ? data.groups : [],
      this.#now(),
    );
  }

  /**
   * Label sets of the series of `metrics` that have a sample within
   * Prometheus' lookback (5 minutes), reduced to `__name__` and `labels`:
   * one small answer tells every entity selecting on those labels whether
   * its RED metrics exist.
   */
  labelSets(
    metrics: string[],
    labels: string[],
    ctx: RequestContext,
  ): Promise<Array<Record<string, string>>> {
    return this.#labelSets(seriesLabelSetsQuery(metrics, labels), ctx);
  }

  /**
   * Label sets of the `metric` (a histogram's `_bucket`) series with a
   * recent sample, reduced to `le` and `labels`: one small answer tells
   * every entity which buckets its service exposes.
   */
  bucketLabelSets(
    metric: string,
    labels: string[],
    ctx: RequestContext,
  ): Promise<Array<Record<string, string>>> {
    return this.#labelSets(bucketLabelSetsQuery(metric, labels), ctx);
  }

  async #labelSets(
    query: string,
    ctx: RequestContext,
  ): Promise<Array<Record<string, string>>> {
    const data = await this.#query<InstantVector>(
      `/api/v1/query?${new URLSearchParams({ query })}`,
      ctx,
    );
    return (Array.isArray(data?.result) ? data.result : []).map(
      sample => sample.metric ?? {},
    );
  }

  /** Range query: every series with its labels and finite `[unix seconds, value]` points. */
  async queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
    ctx: RequestContext,
  ): Promise<RangeSeries[]> {
    const params = new URLSearchParams({
      query: promql,
      start: String(range.start),
      end: String(range.end),
      step: String(range.stepSeconds),
    });
    const data = await this.#query<RangeMatrix>(
      `/api/v1/query_range?${params}`,
      ctx,
    );
    return (Array.isArray(data?.result) ? data.result : []).map(series => ({
      labels: series.metric ?? {},
      points: (series.values ?? [])
        .map(([t, v]) => [t, toNumber(v)] as [number, number])
        .filter(([, v]) => Number.isFinite(v)),
    }));
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

  /** A query answer, shared with everyone asking the same within the TTL. */
  #query<T>(path: string, ctx: RequestContext): Promise<T> {
    return this.#queries.get(path, ctx, () =>
      this.#api<T>(path, ctx),
    ) as Promise<T>;
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
