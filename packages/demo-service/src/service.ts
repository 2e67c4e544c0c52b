/**
 * The demo "checkout" service: a plain `node:http` server instrumented the way
 * the seed describes (RED metrics, JSON logs with correlation IDs, spans), with
 * a fault switch so alerts can be made to fire on demand.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import pino, { type Logger } from 'pino';
import { FaultInjector, parseFaultUpdate, type FaultSettings } from './faults';
import { createRedMetrics, type RedMetrics } from './metrics';
import { createTracing, hasRemoteParent, type DemoTracing } from './tracing';
import { CORRELATION_HEADER, resolveCorrelationId } from './correlation';
import { matchRoute, type RouteMatch } from './routes';

/** Options for {@link createDemoService}. @public */
export interface DemoServiceOptions {
  /** Value of the `service` label and of the logs' `service` field. Default `checkout`. */
  serviceName?: string;
  /** Initial fault settings (the env vars set these in `main`). */
  faults?: Partial<FaultSettings>;
  /** Business requests sleep a random 0..baseLatencyMs first, so the histogram has shape. Default 0. */
  baseLatencyMs?: number;
  /** Pino logger; default writes JSON lines to stdout at `info`. */
  logger?: Logger;
  /** Where finished spans go; tests pass an InMemorySpanExporter. */
  spanExporter?: SpanExporter;
  /** Random source for fault decisions and jitter (tests make it deterministic). */
  random?: () => number;
}

/** A running (or ready to run) demo service. @public */
export interface DemoService {
  server: Server;
  metrics: RedMetrics;
  faults: FaultInjector;
  logger: Logger;
  tracing: DemoTracing;
  /** Starts listening; port 0 picks a free port. Resolves with the base URL. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Creates the demo service (not yet listening). @public */
export function createDemoService(
  options: DemoServiceOptions = {},
): DemoService {
  const serviceName = options.serviceName ?? 'checkout';
  const random = options.random ?? Math.random;
  const baseLatencyMs = options.baseLatencyMs ?? 0;
  const logger =
    options.logger ??
    pino({
      base: { service: serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
    });
  const metrics = createRedMetrics(serviceName);
  const faults = new FaultInjector(options.faults, random);
  const tracing = createTracing(serviceName, options.spanExporter);
  const orders = new Map<
    string,
    { id: string; items: unknown[]; createdAt: string }
  >();

  async function handleBusiness(
    req: IncomingMessage,
    route: RouteMatch,
    span: Span,
  ): Promise<[number, unknown]> {
    const jitter = baseLatencyMs > 0 ? Math.round(random() * baseLatencyMs) : 0;
    const delay = jitter + (route.faulty ? faults.settings.latencyMs : 0);
    if (delay > 0) await sleep(delay);
    if (route.faulty && faults.shouldFail()) {
      span.setAttribute('fault.injected', true);
      throw new HttpError(
        500,
        'injected fault: the fault switch is on (POST /admin/faults {"errorRate": 0} to clear it)',
      );
    }
    if (route.endpoint === '/api/orders' && req.method === 'GET') {
      return [200, { items: [...orders.values()].slice(-20) }];
    }
    if (route.endpoint === '/api/orders' && req.method === 'POST') {
      return [201, await createOrder(req)];
    }
    if (route.endpoint === '/api/orders/:id' && req.method === 'GET') {
      const order = orders.get(route.params.id);
      if (!order)
        throw new HttpError(404, `order '${route.params.id}' not found`, 'id');
      return [200, order];
    }
    if (route.endpoint === 'unmatched')
      throw new HttpError(404, 'no such endpoint');
    throw new HttpError(
      405,
      `method ${req.method} not allowed on ${route.endpoint}`,
    );
  }

  /** The seed's order flow, one child span per step so a trace shows where time went. */
  async function createOrder(req: IncomingMessage) {
    const tracer = tracing.tracer;
    const body = await tracer.startActiveSpan('validate_order', async span => {
      try {
        const parsed = await readJson(req);
        if (
          typeof parsed !== 'object' ||
          parsed === null ||
          Array.isArray(parsed)
        ) {
          throw new HttpError(
            400,
            'body must be a JSON object like {"items": []}',
            'body',
          );
        }
        const items = (parsed as { items?: unknown }).items ?? [];
        if (!Array.isArray(items))
          throw new HttpError(400, 'items must be an array', 'items');
        return { items };
      } finally {
        span.end();
      }
    });
    const id = randomUUID();
    tracer.startActiveSpan('charge_payment', span => {
      span.setAttribute('order.id', id);
      span.end();
    });
    tracer.startActiveSpan('send_confirmation', span => {
      span.setAttribute('order.id', id);
      span.end();
    });
    const order = {
      id,
      items: body.items,
      createdAt: new Date().toISOString(),
    };
    orders.set(id, order);
    if (orders.size > 1000) orders.delete(orders.keys().next().value as string);
    return order;
  }

  async function handleOperational(
    req: IncomingMessage,
    route: RouteMatch,
  ): Promise<[number, unknown, string?]> {
    if (route.endpoint === '/metrics' && req.method === 'GET') {
      return [
        200,
        await metrics.registry.metrics(),
        metrics.registry.contentType,
      ];
    }
    if (route.endpoint === '/healthz' && req.method === 'GET') {
      return [200, { status: 'ok', service: serviceName }];
    }
    if (route.endpoint === '/admin/faults' && req.method === 'GET') {
      return [200, faults.settings];
    }
    if (route.endpoint === '/admin/faults' && req.method === 'POST') {
      const result = parseFaultUpdate(await readJson(req));
      if (!result.ok) throw new HttpError(400, result.message, result.field);
      const settings = faults.update(result.value);
      logger.warn({ faults: settings }, 'fault settings changed');
      return [200, settings];
    }
    throw new HttpError(
      405,
      `method ${req.method} not allowed on ${route.endpoint}`,
    );
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = matchRoute(url.pathname);
    const method = (req.method ?? 'GET').toUpperCase();
    const correlation = resolveCorrelationId(req.headers[CORRELATION_HEADER]);

    // TRACE_CONTEXT_LOST -> REGENERATE_CONTEXT (seed): no usable traceparent
    // means this request starts a new trace instead of failing.
    const parent = tracing.extract(req.headers);
    const continued = hasRemoteParent(parent);

    const span = tracing.tracer.startSpan(
      `${method} ${route.endpoint}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'http.route': route.endpoint,
          'url.path': url.pathname,
          'service.name': serviceName,
          'correlation.id': correlation.id,
        },
      },
      parent,
    );
    const { traceId, spanId } = span.spanContext();
    const log = logger.child({
      correlation_id: correlation.id,
      trace_id: traceId,
      span_id: spanId,
    });
    if (!continued && req.headers.traceparent !== undefined) {
      log.warn(
        { traceparent: req.headers.traceparent },
        'Trace context missing. Generating new trace ID.',
      );
    }

    res.setHeader(CORRELATION_HEADER, correlation.id);
    const outgoing: Record<string, string> = {};
    tracing.inject(trace.setSpan(parent, span), outgoing);
    for (const [key, value] of Object.entries(outgoing))
      res.setHeader(key, value);

    if (route.measured) {
      metrics.activeConnections.inc();
      log.debug({ method, endpoint: route.endpoint }, 'request_started');
    }
    let status = 500;
    try {
      const [code, body, contentType] = await context.with(
        trace.setSpan(parent, span),
        () =>
          route.measured
            ? handleBusiness(req, route, span)
            : handleOperational(req, route),
      );
      status = code;
      send(res, code, body, contentType);
    } catch (error) {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(500, `internal error: ${(error as Error).message}`);
      status = httpError.status;
      if (status >= 500) {
        span.recordException(httpError);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: httpError.message,
        });
      }
      send(res, status, {
        error: httpError.message,
        field: httpError.field,
        correlationId: correlation.id,
      });
    } finally {
      span.setAttribute('http.response.status_code', status);
      span.end();
      if (route.measured) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const labels = {
          method,
          endpoint: route.endpoint,
          status: String(status),
        };
        metrics.requests.inc(labels);
        metrics.duration.observe(labels, seconds);
        metrics.activeConnections.dec();
        const fields = {
          method,
          endpoint: route.endpoint,
          status,
          duration_ms: Math.round(seconds * 1000),
        };
        if (status >= 500) log.error(fields, 'request_failed');
        else log.info(fields, 'request_completed');
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(error => {
      // Only reachable if writing the response itself failed.
      logger.error({ err: error }, 'response failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  return {
    server,
    metrics,
    faults,
    logger,
    tracing,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${
            address.port
          }`;
          logger.info(
            { url, faults: faults.settings },
            'demo service listening',
          );
          resolve({ url, port: address.port });
        });
      });
    },
    async close() {
      if (server.listening) {
        await new Promise<void>(resolve => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      await tracing.shutdown();
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType?: string,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (typeof body === 'string') {
    res.writeHead(status, {
      'content-type': contentType ?? 'text/plain; charset=utf-8',
    });
    res.end(body);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(
        413,
        `request body larger than ${MAX_BODY_BYTES} bytes`,
        'body',
      );
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON', 'body');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => {
    // unref: a pending injected delay must not keep a stopping process alive.
    setTimeout(resolve, ms).unref();
  });
}
