import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { FakeServer, closedPortUrl, promOk } from '../__testUtils__/fakeServer';
import { installInMemoryTracing } from '../__testUtils__/otel';
import type { RequestContext } from '../telemetry/context';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';
import { OutboundError } from './retry';

const policy = { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 };

function setup(
  url: string,
  options: { timeoutMs?: number; now?: () => number } = {},
) {
  const sleeps: number[] = [];
  const http = OutboundHttp.create({
    retry: policy,
    timeoutMs: options.timeoutMs ?? 2000,
    // Record the backoff instead of waiting it out.
    sleep: async ms => void sleeps.push(ms),
    random: () => 1,
  });
  const client = PrometheusClient.create({
    instance: { name: 'main', url, default: true },
    http,
    serviceLabel: 'service',
    rulesTtlMs: 30_000,
    now: options.now,
  });
  return { client, sleeps };
}

const ctx: RequestContext = {
  correlationId: 'corr-123',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

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

  it('a flaky Prometheus (503, 503, then 200) answers on the third attempt after 1 s and 2 s of backoff', async () => {
    server.script(
      { status: 503, text: 'overloaded' },
      { status: 502, text: 'bad gateway' },
      promOk({
        resultType: 'vector',
        result: [{ metric: {}, value: [1, '0.25'] }],
      }),
    );
    const { client, sleeps } = setup(server.url);
    await expect(client.queryScalar('up', ctx)).resolves.toBe(0.25);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('a slow Prometheus that stalls once is timed out and retried', async () => {
    server.script(
      { stall: true },
      promOk({ resultType: 'vector', result: [] }),
    );
    const { client, sleeps } = setup(server.url, { timeoutMs: 300 });
    await expect(client.queryScalar('up', ctx)).resolves.toBeNull();
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('a Prometheus that always stalls fails with a timeout after 3 attempts', async () => {
    server.otherwise(() => ({ stall: true }));
    const { client, sleeps } = setup(server.url, { timeoutMs: 400 });
    const error = await client.queryScalar('up', ctx).catch(e => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(error.message).toMatch(/did not answer within 400 ms/);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('an unreachable Prometheus fails with a connection error after 3 attempts', async () => {
    const { client, sleeps } = setup(await closedPortUrl());
    const error = await client.queryScalar('up', ctx).catch(e => e);
    expect(error).toMatchObject({ kind: 'connection', attempts: 3 });
    expect(error.message).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('a connection dropped mid-request counts as a connection error and is retried', async () => {
    server.script(
      { destroy: true },
      promOk({ resultType: 'vector', result: [] }),
    );
    const { client } = setup(server.url);
    await expect(client.queryScalar('up', ctx)).resolves.toBeNull();
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 (bad query)', async () => {
    server.script({
      status: 400,
      json: { status: 'error', errorType: 'bad_data', error: 'parse error' },
    });
    const { client, sleeps } = setup(server.url);
    const error = await client.queryScalar('up{', ctx).catch(e => e);
    expect(error).toMatchObject({ kind: 'client', status: 400, attempts: 1 });
    expect(error.message).toMatch(/parse error/);
    expect(sleeps).toEqual([]);
  });

  it('fetches /api/v1/rules once for many concurrent entities and indexes it by service label', async () => {
    server.otherwise(() => promOk(rulesData));
    const { client } = setup(server.url);
    const snapshots = await Promise.all(
      Array.from({ length: 50 }, () => client.rules(ctx)),
    );
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(1);
    expect(client.rulesFetchCount).toBe(1);
    const snapshot = snapshots[0];
    expect(snapshots.every(s => s === snapshot)).toBe(true);
    expect(snapshot.forService('checkout')).toMatchObject({
      loadedAlerts: ['HighErrorRate'],
      loadedRecords: ['service:http_requests:rate5m'],
    });
    expect(snapshot.forService('search').loadedAlerts).toEqual(['HighLatency']);
    expect(snapshot.forService('unknown')).toMatchObject({
      loadedAlerts: [],
      loadedRecords: [],
    });

    // Within the TTL no new call; sequential callers reuse the snapshot too.
    await client.rules(ctx);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(1);
  });

  it('refetches the rules after the TTL and after a failure', async () => {
    let now = 1_000_000;
    server
      .script({ status: 500 }, { status: 500 }, { status: 500 })
      .otherwise(() => promOk(rulesData));
    const { client } = setup(server.url, { now: () => now });
    await expect(client.rules(ctx)).rejects.toMatchObject({
      kind: 'server',
      attempts: 3,
    });
    await client.rules(ctx);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(4);
    now += 31_000;
    await client.rules(ctx);
    expect(server.requestsTo('/api/v1/rules')).toHaveLength(5);
  });

  it('asks /api/v1/series which RED metrics exist, in one call', async () => {
    server.otherwise(() =>
      promOk([{ __name__: 'http_requests_total', service: 'checkout' }]),
    );
    const { client } = setup(server.url);
    const presence = await client.seriesPresence(
      ['http_requests_total', 'http_request_duration_seconds_bucket'],
      'service="checkout"',
      ctx,
    );
    expect(presence).toEqual({
      present: ['http_requests_total'],
      missing: ['http_request_duration_seconds_bucket'],
    });
    expect(server.requests).toHaveLength(1);
    const url = new URL(server.requests[0].url, server.url);
    expect(url.pathname).toBe('/api/v1/series');
    expect(url.searchParams.getAll('match[]')).toEqual([
      'http_requests_total{service="checkout"}',
      'http_request_duration_seconds_bucket{service="checkout"}',
    ]);
  });

  it('reads range queries as [seconds, value] pairs', async () => {
    server.otherwise(() =>
      promOk({
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [10, '1'],
              [20, 'NaN'],
              [30, '3'],
            ],
          },
        ],
      }),
    );
    const { client } = setup(server.url);
    await expect(
      client.queryRange('up', { start: 0, end: 30, stepSeconds: 10 }, ctx),
    ).resolves.toEqual([
      [10, 1],
      [30, 3],
    ]);
  });

  it('fails fast while a target that failed every attempt is in its open-circuit window', async () => {
    let now = 1_000_000;
    server
      .script({ status: 503 }, { status: 503 }, { status: 503 })
      .otherwise(() => promOk({ resultType: 'vector', result: [] }));
    const sleeps: number[] = [];
    const http = OutboundHttp.create({
      retry: policy,
      timeoutMs: 1000,
      openCircuitMs: 30_000,
      sleep: async ms => void sleeps.push(ms),
      now: () => now,
    });
    const client = PrometheusClient.create({
      instance: { name: 'main', url: server.url, default: true },
      http,
      serviceLabel: 'service',
      rulesTtlMs: 1000,
    });
    await expect(client.queryScalar('up', ctx)).rejects.toMatchObject({
      kind: 'server',
      attempts: 3,
    });
    expect(server.requests).toHaveLength(3);

    now += 5_000;
    const fast = await client.queryScalar('up', ctx).catch(e => e);
    expect(fast).toMatchObject({ kind: 'server', attempts: 0 });
    expect(fast.message).toMatch(
      /answered 503.*\(5 s ago, after 3 attempts; next try in 25 s\)/,
    );
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);

    now += 25_001;
    await expect(client.queryScalar('up', ctx)).resolves.toBeNull();
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
      sleep: async () => {},
    });
    const client = PrometheusClient.create({
      instance: { name: 'm', url: server.url, default: true },
      http,
      serviceLabel: 'service',
      rulesTtlMs: 1,
    });
    await expect(client.queryScalar('up{', ctx)).rejects.toMatchObject({
      kind: 'client',
    });
    await expect(client.queryScalar('up', ctx)).resolves.toBeNull();
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
      await client.queryScalar('up', ctx);
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
