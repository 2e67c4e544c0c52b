import {
  Context,
  Span,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
} from '@opentelemetry/api';

/** Name of the tracer every Redline span comes from. @public */
export const TRACER_NAME = 'redline-observability';

/** @internal */
export function tracer() {
  // Looked up per call: a tracer provider registered after this module loaded
  // (an SDK started late, or a test) must still receive the spans.
  return trace.getTracer(TRACER_NAME);
}

/**
 * Starts a CLIENT span for an outbound call under `parent` and returns the
 * headers that carry it (`traceparent`, `tracestate`) to the callee.
 * @internal
 */
export function startClientSpan(
  name: string,
  parent: Context,
  attributes: Record<string, string | number>,
): { span: Span; headers: Record<string, string> } {
  const span = tracer().startSpan(
    name,
    { kind: SpanKind.CLIENT, attributes },
    parent,
  );
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), headers);
  return { span, headers };
}

/** Ends `span`, marking it failed when `error` is given. @internal */
export function endSpan(span: Span, error?: unknown): void {
  if (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: String((error as Error)?.message ?? error),
    });
  }
  span.end();
}
