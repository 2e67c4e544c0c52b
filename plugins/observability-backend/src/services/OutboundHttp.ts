import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  ConsecutiveBreaker,
  IPolicy,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  noop,
  timeout,
  wrap,
} from 'cockatiel';
import { CORRELATION_HEADER, RequestContext } from '../telemetry/context';
import { endSpan, startClientSpan } from '../telemetry/tracing';
import {
  OutboundError,
  RetryPolicy,
  retryableFailures,
  seedRetry,
} from './retry';

/** A backoff the retry policy scheduled, as {@link OutboundHttpOptions.onRetry} sees it. @public */
export interface OutboundRetryEvent {
  target: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** How long cockatiel waits before the next attempt. */
  delayMs: number;
  error: OutboundError;
}

/** @public */
export interface OutboundHttpOptions {
  retry: RetryPolicy;
  /** Timeout of one attempt unless the request sets its own. */
  timeoutMs: number;
  /**
   * After a target failed every attempt (timeouts, connection errors, 5xx,
   * 429), calls to it fail at once for this long instead of retrying again;
   * then one trial call decides whether it is back. 0 (default) disables this.
   */
  openCircuitMs?: number;
  /** Observes every scheduled backoff, e.g. for tests or metrics. */
  onRetry?: (event: OutboundRetryEvent) => void;
  fetch?: typeof fetch;
}

/** One outbound request. @public */
export interface OutboundRequest {
  /** Short name of the callee for spans, logs and its circuit, e.g. `prometheus:main`. */
  target: string;
  url: string;
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Set to false for calls that must not repeat (none today; kept explicit). */
  retry?: boolean;
}

/** An answered request (2xx, or 4xx when `acceptStatus` allows it). @public */
export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
  attempts: number;
}

/** One target's circuit and the failure that last opened it (for the fast-fail message). */
interface Circuit {
  breaker: CircuitBreakerPolicy;
  opened?: { at: number; error: OutboundError };
}

/**
 * The one way this plugin talks to the outside. Each call runs through
 * cockatiel's `circuitBreaker(retry(timeout(fetch)))`: a timeout per attempt,
 * the seed's retry policy, and a circuit per target that one fully failed
 * call opens. Every attempt gets a CLIENT span (OpenTelemetry counts each
 * resend as its own span) and the correlation ID and `traceparent` headers.
 * `ctx.signal` cancels the call: the in-flight request is aborted and no
 * further attempt is made.
 * @public
 */
export class OutboundHttp {
  readonly #policy: RetryPolicy;
  readonly #defaultTimeoutMs: number;
  readonly #openCircuitMs: number;
  readonly #onRetry?: OutboundHttpOptions['onRetry'];
  readonly #fetch: typeof fetch;
  readonly #circuits = new Map<string, Circuit>();

  static create(options: OutboundHttpOptions): OutboundHttp {
    return new OutboundHttp(options);
  }

  private constructor(options: OutboundHttpOptions) {
    this.#policy = options.retry;
    this.#defaultTimeoutMs = options.timeoutMs;
    this.#openCircuitMs = options.openCircuitMs ?? 0;
    this.#onRetry = options.onRetry;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  get retryPolicy(): RetryPolicy {
    return this.#policy;
  }

  /**
   * Sends `request`; throws {@link OutboundError} after the last failed
   * attempt, at once while the target's circuit is open, and with kind
   * `cancelled` as soon as `ctx.signal` aborts.
   */
  async send(
    request: OutboundRequest,
    ctx: RequestContext,
  ): Promise<OutboundResponse> {
    const signal = ctx.signal;
    let started = 0;
    if (signal?.aborted) throw cancelled(request.target, started, signal);

    const policy =
      request.retry === false ? { ...this.#policy, attempts: 1 } : this.#policy;
    const retry = seedRetry(policy);
    retry.onRetry(event => {
      if (!('error' in event) || !(event.error instanceof OutboundError))
        return;
      const { error } = event;
      ctx.logger.warn(
        `${request.target}: attempt ${event.attempt}/${policy.attempts} failed (${error.kind}: ${error.message}); retrying in ${event.delay} ms`,
      );
      this.#onRetry?.({
        target: request.target,
        attempt: event.attempt,
        delayMs: event.delay,
        error,
      });
    });
    const timeoutMs = request.timeoutMs ?? this.#defaultTimeoutMs;
    const circuit = this.#circuit(request.target);
    const gate: IPolicy = circuit?.breaker ?? noop;

    const attempts = wrap(
      retry,
      timeout(timeoutMs, TimeoutStrategy.Cooperative),
    );
    // The gate gets its own `execute` rather than joining the wrap because a
    // call queued behind a half-open trial is re-run by cockatiel without the
    // caller's signal; handing `signal` to the inner policies directly keeps
    // every attempt cancellable.
    const call = gate.execute(
      () =>
        attempts.execute(context => {
          // cockatiel still runs the attempt due after a backoff the caller
          // stopped waiting for; it must not reach the network.
          if (signal?.aborted) throw cancelled(request.target, started, signal);
          started = context.attempt + 1;
          return this.#attempt(
            request,
            started,
            timeoutMs,
            ctx,
            context.signal,
          );
        }, signal),
      signal,
    );

    try {
      return await settleOnAbort(call, signal, aborted =>
        cancelled(request.target, started, aborted),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError && circuit?.opened) {
        throw this.#refused(circuit.opened);
      }
      if (error instanceof TaskCancelledError && signal?.aborted) {
        throw cancelled(request.target, started, signal);
      }
      throw error;
    }
  }

  /** Like {@link OutboundHttp.send}, parsing the body as JSON. */
  async json<T>(request: OutboundRequest, ctx: RequestContext): Promise<T> {
    const response = await this.send(
      {
        ...request,
        headers: { accept: 'application/json', ...request.headers },
      },
      ctx,
    );
    try {
      return JSON.parse(response.text) as T;
    } catch (error) {
      throw new OutboundError(`${request.target} answered with invalid JSON`, {
        kind: 'client',
        attempts: response.attempts,
        cause: error,
      });
    }
  }

  /** The target's circuit, shared by every call to it; none when disabled. */
  #circuit(target: string): Circuit | undefined {
    if (this.#openCircuitMs <= 0) return undefined;
    let circuit = this.#circuits.get(target);
    if (!circuit) {
      const entry: Circuit = {
        // One call that used up its retries is enough: waiting out the
        // retries again on every view is what the circuit is there to stop.
        breaker: circuitBreaker(retryableFailures, {
          halfOpenAfter: this.#openCircuitMs,
          breaker: new ConsecutiveBreaker(1),
        }),
      };
      entry.breaker.onBreak(reason => {
        if ('error' in reason && reason.error instanceof OutboundError) {
          entry.opened = { at: Date.now(), error: reason.error };
        }
      });
      this.#circuits.set(target, entry);
      circuit = entry;
    }
    return circuit;
  }

  /** The fast failure of an open circuit, carrying the reason that opened it. */
  #refused(opened: { at: number; error: OutboundError }): OutboundError {
    const ago = Date.now() - opened.at;
    const { error } = opened;
    return new OutboundError(
      `${error.message} (${Math.round(ago / 1000)} s ago, after ${
        error.attempts
      } attempts; next try in ${Math.max(
        1,
        Math.ceil((this.#openCircuitMs - ago) / 1000),
      )} s)`,
      { kind: error.kind, status: error.status, attempts: 0, cause: error },
    );
  }

  async #attempt(
    request: OutboundRequest,
    attempt: number,
    timeoutMs: number,
    ctx: RequestContext,
    attemptSignal: AbortSignal,
  ): Promise<OutboundResponse> {
    const method = request.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (error) {
      throw new OutboundError(
        `${request.target}: invalid URL ${JSON.stringify(request.url)}`,
        { kind: 'client', attempts: attempt, cause: error },
      );
    }
    const { span, headers: traceHeaders } = startClientSpan(
      `${method} ${request.target}`,
      ctx.trace,
      {
        'http.request.method': method,
        'server.address': url.hostname,
        'url.full': `${url.origin}${url.pathname}`,
        'http.request.resend_count': attempt - 1,
        'redline.correlation_id': ctx.correlationId,
      },
    );
    const failed = (error: unknown) =>
      ctx.signal?.aborted
        ? cancelled(request.target, attempt, ctx.signal, error)
        : classifyFetchError(error, request.target, timeoutMs, attempt);
    try {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method,
          body: request.body,
          headers: {
            ...request.headers,
            ...traceHeaders,
            [CORRELATION_HEADER]: ctx.correlationId,
          },
          signal: attemptSignal,
          redirect: 'manual',
        });
      } catch (error) {
        throw failed(error);
      }
      span.setAttribute('http.response.status_code', response.status);
      let text: string;
      try {
        text = method === 'HEAD' ? '' : await response.text();
      } catch (error) {
        throw failed(error);
      }
      if (response.status >= 400) {
        throw new OutboundError(
          `${request.target} answered ${response.status}: ${text.slice(
            0,
            200,
          )}`,
          {
            kind: response.status >= 500 ? 'server' : 'client',
            status: response.status,
            attempts: attempt,
          },
        );
      }
      endSpan(span);
      return {
        status: response.status,
        headers: response.headers,
        text,
        attempts: attempt,
      };
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }
}

function cancelled(
  target: string,
  attempts: number,
  signal: AbortSignal,
  cause: unknown = signal.reason,
): OutboundError {
  return new OutboundError(`${target}: call cancelled`, {
    kind: 'cancelled',
    attempts,
    cause,
  });
}

/**
 * `call`, or a rejection with `onAbort(signal)` the moment `signal` aborts, for
 * waits that do not watch the signal themselves: cockatiel's retry does not
 * cut a pending backoff short, and a shared request runs on its starter's
 * signal, not its joiners'.
 * @public
 */
export function settleOnAbort<T>(
  call: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: (signal: AbortSignal) => Error,
): Promise<T> {
  if (!signal) return call;
  if (signal.aborted) {
    call.catch(() => {});
    return Promise.reject(onAbort(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort(signal));
    signal.addEventListener('abort', abort, { once: true });
    call
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abort));
  });
}

function classifyFetchError(
  error: unknown,
  target: string,
  timeoutMs: number,
  attempts: number,
): OutboundError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    // Only the per-attempt timeout aborts the request when the caller did not.
    return new OutboundError(
      `${target} did not answer within ${timeoutMs} ms`,
      { kind: 'timeout', attempts, cause: error },
    );
  }
  // undici reports refused/reset/DNS failures as a TypeError whose cause has the code.
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  const detail =
    cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new OutboundError(`${target} is unreachable (${detail})`, {
    kind: 'connection',
    attempts,
    cause: error,
  });
}
