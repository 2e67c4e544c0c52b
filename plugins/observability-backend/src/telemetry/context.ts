import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Request } from 'express';

/**
 * What one unit of work (an HTTP request, a scheduled run, a scaffolder step)
 * carries into every service call: the correlation ID that ends up in logs
 * and outbound headers, a logger already bound to it, and the OpenTelemetry
 * context whose span parents outbound spans. Passed explicitly instead of via
 * async-local storage so it works even when no OpenTelemetry context manager
 * is installed.
 * @public
 */
export interface RequestContext {
  correlationId: string;
  logger: LoggerService;
  trace: Context;
  /**
   * Cancels the unit of work: outbound calls made with this context abort
   * their in-flight request and stop retrying once it fires.
   */
  signal?: AbortSignal;
  /**
   * Set when `signal` also fires at a deadline (see `withDeadline`),
   * so a call it cuts short can say how long it was given.
   */
  deadlineMs?: number;
}

/** Header read from callers and sent on every outbound call. @public */
export const CORRELATION_HEADER = 'x-correlation-id';

const contexts = new WeakMap<Request, RequestContext>();

/**
 * One unit of work fans out into several concurrent outbound calls, and each
 * call's retry, timeout and circuit policies listen on the work's signal:
 * more listeners than Node's default warning threshold of 10, none leaked.
 * @internal
 */
export function allowManyListeners(signal: AbortSignal): void {
  setMaxListeners(200, signal);
}

/**
 * `ctx` whose signal also fires `deadlineMs` from now: work that must answer
 * in time (the tab's view) stops its outbound calls and retries there and
 * answers with what arrived.
 * @public
 */
export function withDeadline(
  ctx: RequestContext,
  deadlineMs: number,
): RequestContext {
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = ctx.signal
    ? AbortSignal.any([ctx.signal, deadline])
    : deadline;
  allowManyListeners(signal);
  return { ...ctx, signal, deadlineMs };
}

/** Whether `signal` fired because of a {@link withDeadline} deadline. @public */
export function passedDeadline(ctx: RequestContext): boolean {
  const reason = ctx.signal?.aborted ? ctx.signal.reason : undefined;
  return (
    ctx.deadlineMs !== undefined &&
    (reason as Error | undefined)?.name === 'TimeoutError'
  );
}

/** @internal */
export function setRequestContext(req: Request, ctx: RequestContext): void {
  contexts.set(req, ctx);
}

/**
 * The context the telemetry middleware attached to `req`. Falls back to a
 * fresh one so a route mounted without the middleware (tests) still works.
 * @public
 */
export function getRequestContext(
  req: Request,
  logger: LoggerService,
): RequestContext {
  return contexts.get(req) ?? backgroundContext(logger);
}

/**
 * A context for work no request started, e.g. a scheduled evaluation; pass
 * the task's `signal` so its outbound calls stop when the task is aborted.
 * @public
 */
export function backgroundContext(
  logger: LoggerService,
  fields: Record<string, string> = {},
  signal?: AbortSignal,
): RequestContext {
  const correlationId = randomUUID();
  if (signal) allowManyListeners(signal);
  return {
    correlationId,
    logger: logger.child({ correlationId, ...fields }),
    trace: ROOT_CONTEXT,
    ...(signal ? { signal } : {}),
  };
}
