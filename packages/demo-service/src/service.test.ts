import { Writable } from 'node:stream';
import pino from 'pino';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_HISTOGRAM_BUCKETS } from '@redline/backstage-plugin-observability-common';
import {
  createDemoService,
  type DemoService,
  type DemoServiceOptions,
} from './service';

/** Collects pino's JSON lines so tests can assert on log fields. */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    lines,
    logger: pino({ base: { service: 'checkout' }, level: 'debug' }, stream),
  };
}

/** Parses one sample's value from the text exposition format. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...match[2].matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v))
      return Number(match[3]);
  }
  return undefined;
}

describe('demo service', () => {
  let service: DemoService;
  let url: string;
  let logs: ReturnType<typeof captureLogs>;
  let spans: InMemorySpanExporter;

  async function start(options: DemoServiceOptions = {}) {
    logs = captureLogs();
    spans = new InMemorySpanExporter();
    service = createDemoService({
      logger: logs.logger,
      spanExporter: spans,
      ...options,
    });
    ({ url } = await service.listen(0));
  }

  afterEach(async () => {
    await service?.close();
  });

  it('counts requests by method, endpoint, status and service', async () => {
    await start();
    expect((await fetch(`${url}/api/orders`)).status).toBe(200);
    expect((await fetch(`${url}/api/orders`)).status).toBe(200);
    const created = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'a' }] }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await fetch(`${url}/api/orders/${id}`)).status).toBe(200);
    expect((await fetch(`${url}/api/orders/nope`)).status).toBe(404);

    const text = await (await fetch(`${url}/metrics`)).text();
    const base = { service: 'checkout' };
    expect(
      sample(text, 'http_requests_total', {
        ...base,
        method: 'GET',
        endpoint: '/api/orders',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'http_requests_total', {
        ...base,
        method: 'POST',
        endpoint: '/api/orders',
        status: '201',
      }),
    ).toBe(1);
    // Route templates, not raw paths: an order id must never become a label value.
    expect(
      sample(text, 'http_requests_total', {
        ...base,
        endpoint: '/api/orders/:id',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'http_requests_total', {
        ...base,
        endpoint: '/api/orders/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(text).not.toContain(id);
    // Scrapes themselves are not traffic.
    expect(text).not.toMatch(/endpoint="\/metrics"/);
  });

  it('exposes the duration histogram with exactly the generator-wide buckets', async () => {
    await start();
    await fetch(`${url}/api/orders`);
    const text = await (await fetch(`${url}/metrics`)).text();
    const les = [
      ...text.matchAll(
        /^http_request_duration_seconds_bucket\{le="([^"]+)"[^}]*endpoint="\/api\/orders"/gm,
      ),
    ].map(m => m[1]);
    expect(les).toEqual([...DEFAULT_HISTOGRAM_BUCKETS.map(String), '+Inf']);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        service: 'checkout',
        endpoint: '/api/orders',
        status: '200',
      }),
    ).toBe(1);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('uses the configured service label value', async () => {
    await start({ serviceName: 'payments' });
    await fetch(`${url}/api/orders`);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(
      sample(text, 'http_requests_total', {
        service: 'payments',
        endpoint: '/api/orders',
      }),
    ).toBe(1);
    expect(text).not.toContain('service="checkout"');
  });

  it('injects errors at the configured rate and counts them as 5xx', async () => {
    // Alternating random values make "50 %" exact: 0.2 < 0.5 fails, 0.8 passes.
    let calls = 0;
    await start({ random: () => (calls++ % 2 === 0 ? 0.2 : 0.8) });
    const set = await fetch(`${url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 0.5 }),
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ errorRate: 0.5, latencyMs: 0 });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${url}/api/orders`)).status);
    expect(statuses).toEqual([500, 200, 500, 200]);

    await fetch(`${url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 1 }),
    });
    const failed = await fetch(`${url}/api/orders`);
    expect(failed.status).toBe(500);
    expect((await failed.json()).error).toMatch(/injected fault/);
    // Operational endpoints keep working so the fault can be switched off again.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const text = await (await fetch(`${url}/metrics`)).text();
    expect(
      sample(text, 'http_requests_total', {
        endpoint: '/api/orders',
        status: '500',
      }),
    ).toBe(3);
    expect(
      sample(text, 'http_requests_total', {
        endpoint: '/api/orders',
        status: '200',
      }),
    ).toBe(2);
    expect(logs.lines.filter(l => l.msg === 'request_failed')).toHaveLength(3);
    expect(logs.lines.find(l => l.msg === 'request_failed')).toMatchObject({
      level: 50,
      status: 500,
    });
  });

  it('injects latency that lands in the histogram', async () => {
    await start({ faults: { latencyMs: 120 } });
    const t0 = Date.now();
    expect((await fetch(`${url}/api/orders`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    const text = await (await fetch(`${url}/metrics`)).text();
    const labels = { endpoint: '/api/orders', status: '200' };
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        ...labels,
        le: '0.1',
      }),
    ).toBe(0);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        ...labels,
        le: '0.25',
      }),
    ).toBe(1);
  });

  it('rejects bad fault input naming the field', async () => {
    await start();
    const cases: Array<[unknown, string]> = [
      [{ errorRate: 1.5 }, 'errorRate'],
      [{ errorRate: 'all' }, 'errorRate'],
      [{ latencyMs: -1 }, 'latencyMs'],
      [{ errorRatio: 1 }, 'errorRatio'],
      [[1], 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await fetch(`${url}/admin/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).field).toBe(field);
    }
    const broken = await fetch(`${url}/admin/faults`, {
      method: 'POST',
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expect(service.faults.settings).toEqual({ errorRate: 0, latencyMs: 0 });
  });

  it('echoes a caller correlation id and logs every line with it', async () => {
    await start();
    const res = await fetch(`${url}/api/orders`, {
      headers: { 'x-correlation-id': 'req-42' },
    });
    expect(res.headers.get('x-correlation-id')).toBe('req-42');
    const completed = logs.lines.find(l => l.msg === 'request_completed');
    expect(completed).toMatchObject({
      service: 'checkout',
      correlation_id: 'req-42',
      method: 'GET',
      endpoint: '/api/orders',
      status: 200,
    });
    expect(
      logs.lines.filter(l => l.correlation_id === 'req-42').map(l => l.msg),
    ).toEqual(['request_started', 'request_completed']);
  });

  it('generates a correlation id when none (or an unsafe one) is sent', async () => {
    await start();
    const plain = await fetch(`${url}/api/orders`);
    expect(plain.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await fetch(`${url}/api/orders`, {
      headers: { 'x-correlation-id': 'a b{}"' },
    });
    const id = hostile.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.lines.some(l => l.correlation_id === id)).toBe(true);
  });

  it('records a server span per request, continuing an incoming trace', async () => {
    await start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        'x-correlation-id': 'c-1',
      },
      body: '{}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('traceparent')).toContain(traceId);
    const finished = spans.getFinishedSpans();
    const server = finished.find(s => s.name === 'POST /api/orders');
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.attributes).toMatchObject({
      'http.route': '/api/orders',
      'http.response.status_code': 201,
      'correlation.id': 'c-1',
    });
    // The seed's order flow: child spans inside the request's trace.
    const children = finished
      .filter(s => s.parentSpanContext?.spanId === server?.spanContext().spanId)
      .map(s => s.name);
    expect(children).toEqual([
      'validate_order',
      'charge_payment',
      'send_confirmation',
    ]);
    expect(logs.lines.find(l => l.msg === 'request_completed')?.trace_id).toBe(
      traceId,
    );
  });

  it('starts a new trace when the incoming context is unusable', async () => {
    await start();
    const res = await fetch(`${url}/api/orders`, {
      headers: { traceparent: 'garbage' },
    });
    expect(res.status).toBe(200);
    const [span] = spans.getFinishedSpans();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(
      logs.lines.some(
        l => l.msg === 'Trace context missing. Generating new trace ID.',
      ),
    ).toBe(true);
  });

  it('marks injected failures as errored spans', async () => {
    await start({ faults: { errorRate: 1 } });
    await fetch(`${url}/api/orders`);
    const [span] = spans.getFinishedSpans();
    expect(span.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span.attributes['fault.injected']).toBe(true);
  });
});
