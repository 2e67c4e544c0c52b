import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import {
  allowManyListeners,
  CORRELATION_HEADER,
  setRequestContext,
} from './context';
import type { ObservabilityMetrics } from './metrics';
import { tracer } from './tracing';

// Accept what real gateways send (UUIDs, ULIDs, hex ids) and nothing that
// could smuggle new lines or markup into logs and headers.
const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Per-request telemetry: correlation ID (taken from `x-correlation-id` or
 * generated, echoed in the response), a child logger bound to it, a SERVER
 * span continuing the caller's `traceparent` — or, when there is none, a new
 * trace (the seed's TRACE_CONTEXT_LOST → REGENERATE_CONTEXT) — and the
 * request-duration histogram.
 * @public
 */
export function createTelemetryMiddleware(options: {
  logger: LoggerService;
  metrics: ObservabilityMetrics;
}) {
  const { logger, metrics } = options;
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header(CORRELATION_HEADER);
    const correlationId =
      incoming && VALID_CORRELATION_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);

    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const continued = trace.getSpanContext(parent) !== undefined;
    const span = tracer().startSpan(
      `${req.method} ${req.baseUrl}${req.path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': `${req.baseUrl}${req.path}`,
          'redline.correlation_id': correlationId,
          'redline.trace_context': continued ? 'propagated' : 'regenerated',
        },
      },
      parent,
    );
    const traceContext = trace.setSpan(parent, span);
    const traceId = span.spanContext().traceId;
    const requestLogger = logger.child({ correlationId, traceId });
    if (!continued) {
      requestLogger.debug('Trace context missing. Generating new trace ID.');
    }
    // A caller that goes away (closed tab, navigation) cancels the work done
    // on its behalf: outbound calls stop retrying at once.
    const closed = new AbortController();
    allowManyListeners(closed.signal);
    res.on('close', () => {
      if (!res.writableFinished)
        closed.abort(new Error('The client closed the request'));
    });
    setRequestContext(req, {
      correlationId,
      logger: requestLogger,
      trace: traceContext,
      signal: closed.signal,
    });

    const stopTimer = metrics.requestDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern (not the raw path) keeps label cardinality bounded.
      const route = req.route?.path
        ? `${req.baseUrl}${req.route.path}`
        : 'unmatched';
      stopTimer({ method: req.method, route, status: String(res.statusCode) });
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      requestLogger.debug(`${req.method} ${req.originalUrl} ${res.statusCode}`);
    });

    // With a context manager installed, code further down (catalog client,
    // other instrumentation) sees this span as active too.
    context.with(traceContext, next);
  };
}
