/**
 * OpenTelemetry tracing for the demo service: a BasicTracerProvider whose
 * tracer is used directly (not registered globally, so tests can run several
 * services side by side) plus the AsyncLocalStorage context manager, so a
 * span started for a request is the active span in everything it awaits.
 */
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

let contextManagerInstalled = false;

/** Installs the AsyncLocalStorage context manager once per process. */
function ensureContextManager(): void {
  if (contextManagerInstalled) return;
  // Returns false when another component already installed one; that one
  // propagates context as well, so either way we are done.
  context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  contextManagerInstalled = true;
}

/** A tracer and the provider that owns it. @public */
export interface DemoTracing {
  tracer: Tracer;
  /** Reads `traceparent` from incoming headers. */
  extract(headers: Record<string, string | string[] | undefined>): Context;
  /** Writes `traceparent` for the given context into `carrier`. */
  inject(ctx: Context, carrier: Record<string, string>): void;
  shutdown(): Promise<void>;
}

/**
 * Creates the tracing setup. Spans go to `exporter` when given (tests pass an
 * InMemorySpanExporter); otherwise they are only used for IDs in logs and
 * headers, which is enough to correlate logs and traces in the demo.
 * @public
 */
export function createTracing(
  serviceName: string,
  exporter?: SpanExporter,
): DemoTracing {
  ensureContextManager();
  const provider = new BasicTracerProvider({
    spanProcessors: exporter ? [new SimpleSpanProcessor(exporter)] : [],
  });
  const propagator = new W3CTraceContextPropagator();
  return {
    tracer: provider.getTracer(serviceName),
    extract: headers =>
      propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    inject: (ctx, carrier) =>
      propagator.inject(ctx, carrier, defaultTextMapSetter),
    shutdown: () => provider.shutdown(),
  };
}

/** True when `ctx` carries a valid remote parent span. @public */
export function hasRemoteParent(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext);
}
