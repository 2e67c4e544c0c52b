import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { FakeServer, closedPortUrl, promOk } from '../__testUtils__/fakeServer';
import { installInMemoryTracing } from '../__testUtils__/otel';
import type { RequestContext } from '../telemetry/context';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';
import { OutboundError } from './retry';
import { stopwatch } from '../__testUtils__/stopwatch';

// The seed's policy (3 attempts, 1 s doubling up to 8 s) at 1/100 scale.
const policy = { attempts: 3, initialDelayMs: 10, maxDelayMs: 80 };

function setup(
  url: string,
  options: { timeoutMs?: number; now?: () => number; queryTtlMs?: number } = {},
) {
  const delays: number[] = [];
  const http = OutboundHttp.create({
    retry: policy,
    timeoutMs: options.timeoutMs ?? 2000,
    onRetry: event => delays.push(event.delayMs),
  });
  const client = PrometheusClient.create({
    instance: { name: 'main', url, default: true },
    http,
    rulesTtlMs: 30_000,
    queryTtlMs: options.queryTtlMs,
    now: options.now,
  });
  return { client, delays };
}

/** Polls until `done` holds, as a background refresh settles. */
async function waitFor(done: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 5 s');
}

/** Asserts the reported backoffs grew as the seed's policy does: [base/2, base) each. */
function expectBackoff(delays: number[], bases: number[]) {
  expect(delays).toHaveLength(bases.length);
  delays.forEach((delay, i) => {
    expect(delay).toBeGreaterThanOrEqual(bases[i] / 2);
    expect(delay).toBeLessThan(bases[i]);
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const ctx: RequestContext = {
  correlationId: 'corr-123',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

/** A cheap instant query whose answer is the series of `up`. */
function up(client: PrometheusClient) {
  return client.labelSets(['up'], [], ctx);
}

const rulesData = {
  groups: [
    {
      name: 'redline-checkout',
      file: '/rules/redline-checkout.yaml',
      rules: [
        {
          type: 'recording',
          name: 'service:http_requests:rate5m',
          query: 'sum(rate(http_requests_total{service="checkout"}[5m]))',
        },
        {
          type: 'alerting',
          name: 'HighErrorRate',
          query: 'x > 0.01',
          labels: { service: 'checkout', severity: 'critical' },
          state: 'firing',
          alerts: [
            {
              labels: { service: 'checkout', instance: 'a' },
              annotations: {},
              state: 'firing',
              activeAt: '2026-11-25T00:00:00Z',
            },
          ],
        },
      ],
    },
    {
      name: 'redline-search',
      file: '/rules/redline-search.yaml',
      rules: [
        {
          type: 'alerting',
          name: 'HighLatency',
          query: 'y',
          labels: { service: 'search' },
        },
      ],
    },
  ],
};

describe('PrometheusClient', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('a flaky Prometheus (503, 502, then 200) answers on the third attempt after two doubling backoffs', async () => {
    server.script(
      { status: 503, text: 'overloaded' },
      { status: 502, text: 'bad gateway' },
      promOk({
        resultType: 'vector',
        result: [{ metric: { __name__: 'up' }, value: [1, '1'] }],
      }),
    );
    const { client, delays } = setup(server.url);
    await expect(up(client)).resolves.toEqual([{ __name__: 'up' }]);
    expect(server.requests).toHaveLength(3);
    expectBackoff(delays, [10, 20]);
  });

  it('a slow Prometheus that stalls once is timed out and retried', async () => {
    server.script(
      { stall: true },
      promOk({ resultType: 'vector', result: [] }),
    );
    const { client, delays } = setup(server.url, { timeoutMs: 300 });
    await expect(up(client)).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
    expectBackoff(delays, [10]);
  });

  it('a Prometheus that always stalls fails with a timeout after 3 attempts', async () => {
    server.otherwise(() => ({ stall: true }));
    const { client, delays } = setup(server.url, { timeoutMs: 400 });
    const error = await up(client).catch(e => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(error.message).toMatch(/did not answer within 400 ms/);
    expect(server.requests).toHaveLength(3);
    expectBackoff(delays, [10, 20]);
  });

  it('an unreachable Prometheus fails with a connection error after 3 attempts', async () => {
    const { client, delays } = setup(await closedPortUrl());
    const error = await up(client).catch(e => e);
    expect(error).toMatchObject({ kind: 'connection', attempts: 3 });
    expect(error.message).toMatch(/unreachable \(ECONNREFUSED\)/);
    expectBackoff(delays, [10, 20]);
  });

  it('a connection dropped mid-request counts as a connection error and is retried', async () => {
    server.script(
      { destroy: true },
      promOk({ resultType: 'vector', result: [] }),
    );
    const { client } = setup(server.url);
    await expect(up(client)).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 (bad query)', async () => {
    server.script({
      status: 400,
      json: { status: 'error', errorType: 'bad_data', error: 'parse error' },
    });
    const { client, delays } = setup(server.url);
    const error = await client.labelSets(['up{'], [], ctx).catch(e => e);
    expect(error).toMatchObject({ kind: 'client', status: 400, attempts: 1 });
    expect(error.message).toMatch(/parse error/);
    expect(delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('fetches /api/v1/rules once for many concurrent entities', async () => {
    server.otherwise(() => promOk(rulesData));
    const { client } = setup(server.url);
    const snapshots = await Promise.all(
      Array.from({ length: 50 }, () => client.rules(ctx)),
    );
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(1);
    expect(client.rulesFetchCount).toBe(1);
    const snapshot = snapshots[0];
    expect(snapshots.every(s => s === snapshot)).toBe(true);
    expect(snapshot.groups).toEqual(rulesData.groups);

    // Within the TTL no new call; sequential callers reuse the snapshot too.
    await client.rules(ctx);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(1);
  });

  it('refetches the rules after a failure, and in the background after the TTL', async () => {
    let now = 1_000_000;
    server
      .script({ status: 500 }, { status: 500 }, { status: 500 })
      .otherwise(() => promOk(rulesData));
    const { client } = setup(server.url, { now: () => now });
    await expect(client.rules(ctx)).rejects.toMatchObject({
      kind: 'server',
      attempts: 3,
    });
    const first = await client.rules(ctx);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(4);

    // Past the TTL the kept snapshot still answers at once while one call
    // fetches its successor, which the next caller gets.
    now += 31_000;
    await expect(client.rules(ctx)).resolves.toBe(first);
    await expect(client.rules(ctx)).resolves.toBe(first);
    let second = first;
    for (let i = 0; i < 500 && second === first; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
      second = await client.rules(ctx);
    }
    expect(second).not.toBe(first);
    // However many callers found it stale, one call.
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(5);

    // Two TTLs after that snapshot it is too old to hand out: the caller
    // waits for a fresh one.
    now += 60_000;
    await expect(client.rules(ctx)).resolves.not.toBe(second);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(6);
  });

  it('asks one instant query which RED series exist, by the selector labels', async () => {
    server.otherwise(() =>
      promOk({
        resultType: 'vector',
        result: [
          {
            metric: { __name__: 'http_requests_total', service: 'checkout' },
            value: [1, '1'],
          },
        ],
      }),
    );
    const { client } = setup(server.url);
    const sets = await client.labelSets(
      ['http_requests_total', 'http_request_duration_seconds_bucket'],
      ['service'],
      ctx,
    );
    expect(sets).toEqual([
      { __name__: 'http_requests_total', service: 'checkout' },
    ]);
    expect(server.requests).toHaveLength(1);
    const url = new URL(server.requests[0].url, server.url);
    expect(url.pathname).toBe('/api/v1/query');
    expect(url.searchParams.get('query')).toBe(
      'group by (__name__, service) ({__name__=~"http_requests_total|http_request_duration_seconds_bucket"})',
    );
  });

  it("asks for a histogram's buckets per selector label set, one answer for many entities", async () => {
    server.otherwise(() =>
      promOk({
        resultType: 'vector',
        result: ['0.1', '0.4', '+Inf'].map(le => ({
          metric: { le, service: 'checkout' },
          value: [1, '1'],
        })),
      }),
    );
    const { client } = setup(server.url, { queryTtlMs: 10_000 });
    const ask = () =>
      client.bucketLabelSets(
        'http_request_duration_seconds_bucket',
        ['service'],
        ctx,
      );
    const [sets] = await Promise.all([ask(), ask(), ask()]);
    expect(sets.map(s => s.le)).toEqual(['0.1', '0.4', '+Inf']);
    await ask();
    expect(server.requests).toHaveLength(1);
    const url = new URL(server.requests[0].url, server.url);
    expect(url.searchParams.get('query')).toBe(
      'group by (le, service) (http_request_duration_seconds_bucket)',
    );
  });

  it('shares a query answer within its TTL, and only a success', async () => {
    let now = 1_000_000;
    let fail = true;
    server.otherwise(() => {
      if (fail) {
        fail = false;
        return { status: 400, json: { status: 'error', error: 'bad' } };
      }
      return promOk({ resultType: 'vector', result: [] });
    });
    const { client } = setup(server.url, {
      now: () => now,
      queryTtlMs: 10_000,
    });
    const ask = () => client.labelSets(['up'], [], ctx);
    await expect(ask()).rejects.toThrow();
    await Promise.all([ask(), ask(), ask()]);
    expect(server.requests).toHaveLength(2);
    now += 9_000;
    await ask();
    expect(server.requests).toHaveLength(2);
    // Past the TTL the kept answer serves at once while one call fetches
    // the next; one TTL later still, the caller waits for a new one.
    now += 2_000;
    await ask();
    await ask();
    await waitFor(() => server.requests.length === 3);
    now += 20_001;
    await ask();
    expect(server.requests).toHaveLength(4);
  });

  it('reads the recent range up to an aligned end, kept like a query and served one TTL longer while refreshed', async () => {
    let now = 1_000_007_000;
    server.otherwise(request => {
      const end = Number(
        new URL(request.url, 'http://x').searchParams.get('end'),
      );
      return promOk({
        resultType: 'matrix',
        result: [{ metric: { signal: 'a' }, values: [[end, '1']] }],
      });
    });
    const { client } = setup(server.url, {
      now: () => now,
      queryTtlMs: 15_000,
    });
    const ask = () =>
      client.queryRecentRange(
        'up',
        { lookbackSeconds: 3600, stepSeconds: 300, alignSeconds: 15 },
        ctx,
      );
    const answers = await Promise.all([ask(), ask(), ask()]);
    // 1 000 007 s aligned down to 15 s.
    expect(answers.map(a => a.end)).toEqual([1_000_005, 1_000_005, 1_000_005]);
    expect(answers[0].series).toEqual([
      { labels: { signal: 'a' }, points: [[1_000_005, 1]] },
    ]);
    const params = new URL(server.requests[0].url, 'http://x').searchParams;
    expect(Object.fromEntries(params)).toMatchObject({
      start: String(1_000_005 - 3600),
      end: '1000005',
      step: '300',
    });
    expect(server.requests).toHaveLength(1);

    now += 14_000;
    expect((await ask()).end).toBe(1_000_005);
    expect(server.requests).toHaveLength(1);

    // Past the TTL the kept range answers at once while one call reads the
    // next, which later callers get.
    now += 2_000;
    expect((await ask()).end).toBe(1_000_005);
    expect((await ask()).end).toBe(1_000_005);
    await waitFor(() => server.requests.length === 2);
    await waitFor(async () => (await ask()).end === 1_000_020);
    expect(server.requests).toHaveLength(2);

    // Two TTLs after the kept range it is too old: the caller waits.
    now += 31_000;
    expect((await ask()).end).toBe(1_000_050);
    expect(server.requests).toHaveLength(3);
  });

  it('reads range queries as [seconds, value] pairs', async () => {
    server.otherwise(() =>
      promOk({
        resultType: 'matrix',
        result: [
          {
            metric: { signal: 'a' },
            values: [
              [10, '1'],
              [20, 'NaN'],
              [30, '3'],
            ],
          },
          { metric: { signal: 'b' }, values: [[30, '+Inf']] },
        ],
      }),
    );
    const { client } = setup(server.url);
    await expect(
      client.queryRange('up', { start: 0, end: 30, stepSeconds: 10 }, ctx),
    ).resolves.toEqual([
      {
        labels: { signal: 'a' },
        points: [
          [10, 1],
          [30, 3],
        ],
      },
      { labels: { signal: 'b' }, points: [] },
    ]);
  });

  it('fails fast while a target that failed every attempt is in its open-circuit window', async () => {
    server
      .script({ status: 503 }, { status: 503 }, { status: 503 })
      .otherwise(() => promOk({ resultType: 'vector', result: [] }));
    const delays: number[] = [];
    const http = OutboundHttp.create({
      retry: policy,
      timeoutMs: 1000,
      openCircuitMs: 1500,
      onRetry: event => delays.push(event.delayMs),
    });
    const client = PrometheusClient.create({
      instance: { name: 'main', url: server.url, default: true },
      http,
      rulesTtlMs: 1000,
    });
    await expect(up(client)).rejects.toMatchObject({
      kind: 'server',
      attempts: 3,
    });
    expect(server.requests).toHaveLength(3);

    await sleep(600);
    const fast = await up(client).catch(e => e);
    expect(fast).toMatchObject({ kind: 'circuit-open', attempts: 0 });
    expect(fast.message).toBe(
      'prometheus:main is failing (answered 503, circuit opened 1 s ago); not asked again for 1 s',
    );
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);

    await sleep(1000);
    await expect(up(client)).resolves.toEqual([]);
    expect(server.requests).toHaveLength(4);
  });

  it('does not open the circuit for a client error', async () => {
    server
      .script({ status: 400, text: 'bad' })
      .otherwise(() => promOk({ resultType: 'vector', result: [] }));
    const http = OutboundHttp.create({
      retry: policy,
      timeoutMs: 1000,
      openCircuitMs: 30_000,
    });
    const client = PrometheusClient.create({
      instance: { name: 'm', url: server.url, default: true },
      http,
      rulesTtlMs: 1,
    });
    await expect(client.labelSets(['up{'], [], ctx)).rejects.toMatchObject({
      kind: 'client',
    });
    await expect(up(client)).resolves.toEqual([]);
  });

  describe('cancellation through the context signal', () => {
    async function untilRequested(count: number) {
      while (server.requests.length < count) await sleep(5);
    }

    it('a cancelled rules fetch is not cached, and a caller that joined it fetches for itself', async () => {
      server.script({ stall: true }).otherwise(() => promOk(rulesData));
      const { client } = setup(server.url);
      const controller = new AbortController();
      const starter = client
        .rules({ ...ctx, signal: controller.signal })
        .catch(e => e);
      await untilRequested(1);
      const joiner = client.rules(ctx);
      controller.abort();
      expect(await starter).toMatchObject({ kind: 'cancelled', attempts: 1 });
      const snapshot = await joiner;
      expect(snapshot.groups).toEqual(rulesData.groups);
      expect(server.requestsTo('/api/v1/rules')).toHaveLength(2);
      await expect(client.rules(ctx)).resolves.toBe(snapshot);
    });

    it('a caller that joined a shared rules fetch stops waiting when its own signal aborts', async () => {
      server.script({ stall: true }).otherwise(() => promOk(rulesData));
      const { client } = setup(server.url, { timeoutMs: 300 });
      const starter = client.rules(ctx);
      await untilRequested(1);
      const controller = new AbortController();
      const joiner = client
        .rules({ ...ctx, signal: controller.signal })
        .catch(e => e);
      const sinceAbort = stopwatch();
      controller.abort();
      expect(await joiner).toMatchObject({ kind: 'cancelled' });
      const { ms, waitedMs } = sinceAbort.elapsed();
      expect(ms).toBeLessThan(100 + waitedMs);
      // The starter's fetch goes on: it times out once and is retried.
      await expect(starter).resolves.toBeDefined();
      expect(server.requestsTo('/api/v1/rules')).toHaveLength(2);
    });
  });

  describe('telemetry of outbound calls', () => {
    let tracing: ReturnType<typeof installInMemoryTracing>;
    beforeEach(() => {
      tracing = installInMemoryTracing();
    });
    afterEach(async () => {
      await tracing.shutdown();
    });

    it('sends the correlation ID and traceparent, one CLIENT span per attempt', async () => {
      server.script(
        { status: 503 },
        promOk({ resultType: 'vector', result: [] }),
      );
      const { client } = setup(server.url);
      await up(client);
      expect(server.requests.map(r => r.headers['x-correlation-id'])).toEqual([
        'corr-123',
        'corr-123',
      ]);
      const spans = tracing.exporter.getFinishedSpans();
      expect(spans.map(s => s.name)).toEqual([
        'GET prometheus:main',
        'GET prometheus:main',
      ]);
      expect(spans.map(s => s.attributes['http.request.resend_count'])).toEqual(
        [0, 1],
      );
      expect(spans[0].status.code).toBe(2); // ERROR for the 503
      expect(spans[1].status.code).not.toBe(2);
      server.requests.forEach((request, i) => {
        const { traceId, spanId } = spans[i].spanContext();
        expect(request.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      });
    });
  });
});
