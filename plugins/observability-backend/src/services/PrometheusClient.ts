import {
  bucketLabelSetsQuery,
  PrometheusApiRuleGroup,
  seriesLabelSetsQuery,
} from '@redline/backstage-plugin-observability-common';
import type { ZodType } from 'zod';
import type { RequestContext } from '../telemetry/context';
import type { PrometheusInstanceConfig } from './config';
import {
  prometheusData,
  prometheusShapes,
  type InstantVector,
  type RangeMatrix,
} from './answerShapes';
import type { OutboundHttp } from './OutboundHttp';
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

/** One series of a range query. @public */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** The newest range of a query, read up to `end` (unix seconds). @public */
export interface RecentRange {
  end: number;
  series: RangeSeries[];
  /** When it was read (ms since the epoch). */
  readAt: number;
}

/** What a {@link PrometheusClient} talks to and how. @public */
export interface PrometheusClientOptions {
  instance: PrometheusInstanceConfig;
  http: OutboundHttp;
  /** How long one `/api/v1/rules` answer serves every entity that asks. */
  rulesTtlMs: number;
  /**
   * How long a query's answer serves everyone asking the same (default 0:
   * in-flight sharing only); for as long again it still serves while one
   * call fetches its successor.
   */
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
  readonly #recentRanges: SharedAnswers<RecentRange>;
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
      // Every view and SLO status reads the one snapshot: past its TTL it
      // serves one TTL longer while a single call fetches the next, so no
      // view waits for Prometheus to list every rule it holds.
      staleMs: options.rulesTtlMs,
      now: this.#now,
      target: this.#rulesTarget(),
      maxEntries: 1,
    });
    this.#queries = new SharedAnswers({
      ttlMs: options.queryTtlMs ?? 0,
      // A tab's series and bucket questions are per service: without this,
      // each service's first view after every TTL waits for Prometheus.
      staleMs: options.queryTtlMs ?? 0,
      now: this.#now,
      target,
    });
    this.#recentRanges = new SharedAnswers({
      ttlMs: options.queryTtlMs ?? 0,
      staleMs: options.queryTtlMs ?? 0,
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
    const target = this.#rulesTarget();
    const data = await this.#http.json(
      {
        target,
        url: `${this.#rulesBaseUrl()}/api/v1/rules`,
        headers: this.#headers(),
      },
      ctx,
      value => prometheusData(prometheusShapes.rules, value, target),
    );
    ctx.logger.debug(`${target}: loaded ${data.groups.length} rule groups`);
    return new RulesSnapshot(data.groups, this.#now());
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
    const data: InstantVector = await this.#query(
      `/api/v1/query?${new URLSearchParams({ query })}`,
      prometheusShapes.vector,
      ctx,
    );
    return data.result.map(sample => sample.metric);
  }

  /** Range query: every series with its labels and finite `[unix seconds, value]` points. */
  async queryRange(
    promql: string,
    range: { start: number; end: number; stepSeconds: number },
    ctx: RequestContext,
  ): Promise<RangeSeries[]> {
    return seriesOf(
      await this.#query(rangePath(promql, range), prometheusShapes.matrix, ctx),
    );
  }

  /**
   * The last `lookbackSeconds` of a query up to now, its end aligned down to
   * a multiple of `alignSeconds`. Kept like any query's answer (see
   * `queryTtlMs`) under a key without the time, so past the TTL the kept
   * range still serves while one call reads the next: a tab's live values
   * do not wait for Prometheus once they are kept, and the answer's `end`
   * (and its points' timestamps) says how old they are. A key holding the
   * time would be a new question every step, which every service's first
   * viewer then waited for.
   */
  queryRecentRange(
    promql: string,
    range: {
      lookbackSeconds: number;
      stepSeconds: number;
      alignSeconds: number;
    },
    ctx: RequestContext,
  ): Promise<RecentRange> {
    const { lookbackSeconds, stepSeconds, alignSeconds } = range;
    return this.#recentRanges.get(
      `${lookbackSeconds}:${stepSeconds}:${alignSeconds}:${promql}`,
      ctx,
      async () => {
        const readAt = this.#now();
        const end = Math.floor(readAt / 1000 / alignSeconds) * alignSeconds;
        // Asked past the query cache: a key holding the time, kept there,
        // would only push the answers that are asked again out of it.
        const matrix = await this.#api(
          rangePath(promql, { start: end - lookbackSeconds, end, stepSeconds }),
          prometheusShapes.matrix,
          ctx,
        );
        return { end, series: seriesOf(matrix), readAt };
      },
    );
  }

  /**
   * Instant query at `time` (unix seconds): every sample with its labels.
   * Non-finite values (0/0 at zero traffic) are left out, as in
   * {@link PrometheusClient.queryRange}: absent means "no data".
   */
  async query(
    promql: string,
    time: number,
    ctx: RequestContext,
  ): Promise<Array<{ labels: Record<string, string>; value: number }>> {
    const params = new URLSearchParams({ query: promql, time: String(time) });
    const data: InstantVector = await this.#query(
      `/api/v1/query?${params}`,
      prometheusShapes.vector,
      ctx,
    );
    return data.result
      .map(sample => ({
        labels: sample.metric,
        value: toNumber(sample.value[1]),
      }))
      .filter(sample => Number.isFinite(sample.value));
  }

  /**
   * Asks the rule evaluator to re-read its rule files (Prometheus needs
   * `--web.enable-lifecycle`; vmalert takes it as is).
   */
  async reload(ctx: RequestContext): Promise<void> {
    await this.#http.send(
      {
        target: this.#rulesTarget(),
        url: `${this.#rulesBaseUrl()}/-/reload`,
        method: 'POST',
        headers: this.#headers(),
      },
      ctx,
    );
    this.invalidateRules();
  }

  /** A query answer, shared with everyone asking the same within the TTL. */
  #query<T>(path: string, schema: ZodType<T>, ctx: RequestContext): Promise<T> {
    return this.#queries.get(path, ctx, () =>
      this.#api(path, schema, ctx),
    ) as Promise<T>;
  }

  /** The answer's `data`, its shape checked inside the call so a malformed answer counts against the server. */
  #api<T>(path: string, schema: ZodType<T>, ctx: RequestContext): Promise<T> {
    return this.#http.json(
      {
        target: this.#target(),
        url: `${this.#instance.url}${path}`,
        headers: this.#headers(),
      },
      ctx,
      value => prometheusData(schema, value, this.#target()),
    );
  }

  /**
   * Mimir's and Cortex's Prometheus API answer per tenant: its queries and
   * its `/api/v1/rules`, which lists what the ruler holds for that tenant.
   */
  #headers(): Record<string, string> | undefined {
    const { tenant } = this.#instance;
    return tenant ? { 'X-Scope-OrgID': tenant } : undefined;
  }

  #target(): string {
    return `prometheus:${this.#instance.name}`;
  }

  /** `rulesUrl` when the rules live elsewhere than the queries (vmalert beside VictoriaMetrics), else `url`. */
  #rulesBaseUrl(): string {
    return this.#instance.rulesUrl ?? this.#instance.url;
  }

  /**
   * A separate evaluator is a separate server with its own circuit: vmalert
   * down must not make live values fail fast, nor VictoriaMetrics down hide
   * which rules are deployed.
   */
  #rulesTarget(): string {
    return this.#instance.rulesUrl ? `${this.#target()}:rules` : this.#target();
  }
}

function toNumber(value: string): number {
  // Prometheus encodes NaN and infinities as strings; Number() handles "NaN"
  // and "+Inf"/"-Inf" need a nudge.
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/** The `/api/v1/query_range` path of a range query. */
function rangePath(
  promql: string,
  range: { start: number; end: number; stepSeconds: number },
): string {
  const params = new URLSearchParams({
    query: promql,
    start: String(range.start),
    end: String(range.end),
    step: String(range.stepSeconds),
  });
  return `/api/v1/query_range?${params}`;
}

/** A range answer's series, each with only its finite points. */
function seriesOf(matrix: RangeMatrix): RangeSeries[] {
  return matrix.result.map(series => ({
    labels: series.metric,
    points: series.values
      .map(([t, v]) => [t, toNumber(v)] as [number, number])
      .filter(([, v]) => Number.isFinite(v)),
  }));
}
