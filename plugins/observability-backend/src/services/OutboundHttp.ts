import { CORRELATION_HEADER, RequestContext } from '../telemetry/context';
import { endSpan, startClientSpan } from '../telemetry/tracing';
import { OutboundError, RetryOptions, RetryPolicy, withRetry } from './retry';

/** @public */
export interface OutboundHttpOptions {
  retry: RetryPolicy;
  /** Timeout of one attempt unless the request sets its own. */
  timeoutMs: number;
  /**
   * After a target failed every attempt (timeouts, connection errors, 5xx),
   * calls to it fail at once for this long instead of retrying again.
   * 0 (default) disables this.
   */
  openCircuitMs?: number;
  /** Tests pass a recording sleep to assert the backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** One outbound request. @public */
export interface OutboundRequest {
  /** Short name of the callee for spans and logs, e.g. `prometheus:main`. */
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

/**
 * The one way this plugin talks to the outside: timeout per attempt, the
 * seed's retry policy, a CLIENT span per attempt (OpenTelemetry counts each
 * resend as its own span) and the correlation ID and `traceparent` headers.
 * @public
 */
export class OutboundHttp {
  readonly #policy: RetryPolicy;
  readonly #defaultTimeoutMs: number;
  readonly #sleep?: RetryOptions['sleep'];
  readonly #random?: RetryOptions['random'];
  readonly #fetch: typeof fetch;
  readonly #openCircuitMs: number;
  readonly #now: () => number;
  /** Targets whose last call failed every attempt, and when. */
  readonly #openCircuits = new Map<
    string,
    { at: number; error: OutboundError }
  >();

  static create(options: OutboundHttpOptions): OutboundHttp {
    return new OutboundHttp(options);
  }

  private constructor(options: OutboundHttpOptions) {
    this.#policy = options.retry;
    this.#defaultTimeoutMs = options.timeoutMs;
    this.#sleep = options.sleep;
    this.#random = options.random;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#openCircuitMs = options.openCircuitMs ?? 0;
    this.#now = options.now ?? Date.now;
  }

  get retryPolicy(): RetryPolicy {
    return this.#policy;
  }

  /** Sends `request`; throws {@link OutboundError} after the last failed attempt. */
  async send(
    request: OutboundRequest,
    ctx: RequestContext,
  ): Promise<OutboundResponse> {
    const open = this.#openCircuits.get(request.target);
    if (open) {
      const ago = this.#now() - open.at;
      if (ago < this.#openCircuitMs) {
        // A target that just failed every attempt is not hammered again by
        // every view: callers degrade at once with the original reason.
        throw new OutboundError(
          `${open.error.message} (${Math.round(ago / 1000)} s ago, after ${
            open.error.attempts
          } attempts; next try in ${Math.ceil(
            (this.#openCircuitMs - ago) / 1000,
          )} s)`,
          {
            kind: open.error.kind,
            status: open.error.status,
            attempts: 0,
            cause: open.error,
          },
        );
      }
      this.#openCircuits.delete(request.target);
    }
    const policy =
      request.retry === false ? { ...this.#policy, attempts: 1 } : this.#policy;
    try {
      return await withRetry(attempt => this.#attempt(request, attempt, ctx), {
        policy,
        sleep: this.#sleep,
        random: this.#random,
        onRetry: ({ attempt, delayMs, error }) =>
          ctx.logger.warn(
            `${request.target}: attempt ${attempt}/${policy.attempts} failed (${error.kind}: ${error.message}); retrying in ${delayMs} ms`,
          ),
      });
    } catch (error) {
      if (
        this.#openCircuitMs > 0 &&
        error instanceof OutboundError &&
        error.retryable
      ) {
        this.#openCircuits.set(request.target, { at: this.#now(), error });
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

  async #attempt(
    request: OutboundRequest,
    attempt: number,
    ctx: RequestContext,
  ): Promise<OutboundResponse> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url);
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
    const timeoutMs = request.timeoutMs ?? this.#defaultTimeoutMs;
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
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch (error) {
        throw classifyFetchError(error, request.target, timeoutMs);
      }
      span.setAttribute('http.response.status_code', response.status);
      let text: string;
      try {
        text = method === 'HEAD' ? '' : await response.text();
      } catch (error) {
        throw classifyFetchError(error, request.target, timeoutMs);
      }
      if (response.status >= 500) {
        throw new OutboundError(
          `${request.target} answered ${response.status}: ${text.slice(
            0,
            200,
          )}`,
          { kind: 'server', status: response.status },
        );
      }
      if (response.status >= 400) {
        throw new OutboundError(
          `${request.target} answered ${response.status}: ${text.slice(
            0,
            200,
          )}`,
          { kind: 'client', status: response.status },
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

function classifyFetchError(
  error: unknown,
  target: string,
  timeoutMs: number,
): OutboundError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new OutboundError(
      `${target} did not answer within ${timeoutMs} ms`,
      {
        kind: 'timeout',
        cause: error,
      },
    );
  }
  // undici reports refused/reset/DNS failures as a TypeError whose cause has the code.
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  const detail =
    cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new OutboundError(`${target} is unreachable (${detail})`, {
    kind: 'connection',
    cause: error,
  });
}
