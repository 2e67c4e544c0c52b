import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  timeout,
  wrap,
} from 'cockatiel';
import {
  CORRELATION_HEADER,
  RequestContext,
  passedDeadline,
} from '../telemetry/context';
import { endSpan, startClientSpan } from '../telemetry/tracing';
import { OutboundError, RetryPolicy, seedRetry, targetFailures } from './retry';

/**
 * Default cap of one answer's body. Well above what the view's questions
 * return (label sets, one range query, one service's alerts) and a rules
 * file set of a few thousand rules; raise it for larger rule sets.
 * @public
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

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
   * After as many consecutive failed attempts at a target as one call makes
   * (timeouts, connection errors, 5xx, 429, oversized or malformed
   * answers), whoever they came from, calls to it fail at once for this
   * long, including retries already under way; then one trial attempt
   * decides whether it is back. 0 (default) disables this.
   */
  openCircuitMs?: number;
  /** Answers with a larger body fail as `too-large` (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  maxResponseBytes?: number;
  /** Observes every scheduled backoff, e.g. for tests or metrics. */
  onRetry?: (event: OutboundRetryEvent) => void;
  fetch?: typeof fetch;
}

/** One outbound request. @public */
export interface OutboundRequest {
  /** Short name of the callee for spans, logs and its circuit, e.g. `prometheus:main`. */
  target: string;
  url: string;
  method?: 'GET' | 'POST' | 'HEAD' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Set to false for calls that must not repeat (none today; kept explicit). */
  retry?: boolean;
  /**
   * Which calls share a circuit. Default: the URL's origin, i.e. the server
   * (scheme, host and port), however many names it is configured under.
   */
  circuit?: string;
  /** Only the status matters (a link check): the body is dropped unread. */
  discardBody?: boolean;
  /**
   * A cap for this call instead of `observability.outbound.maxResponseBytes`,
   * for answers known to grow with the catalog, and the setting that sets it.
   */
  maxResponse?: { bytes: number; setting: string };
}

/** An answered request (2xx, or 4xx when `acceptStatus` allows it). @public */
export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
  attempts: number;
}

/** Why a circuit opened, in words that hold for every call to the target. */
interface Circuit {
  breaker: CircuitBreakerPolicy;
  opened?: { at: number; failure: string };
  /** How often it opened, so a call sees whether that happened during it. */
  breaks: number;
}

/** Circuits kept before closed ones (which carry nothing) are dropped. */
const MAX_CIRCUITS = 1000;

/**
 * The one way this plugin talks to the outside. Each call runs through
 * cockatiel's `circuitBreaker(retry(timeout(fetch)))`: a timeout per
 * attempt, the seed's retry policy, and a circuit per target (see
 * {@link OutboundRequest.circuit}) that one fully failed call opens; every
 * attempt looks at it first, so the pending retries of concurrent questions
 * to that target fail fast instead of each using up its attempts. Bodies are read as a
 * stream up to a cap, and JSON is parsed (and its shape checked) inside the
 * attempt, so an oversized or malformed answer counts against the target.
 * Every attempt gets a CLIENT span and the correlation ID and `traceparent`
 * headers. `ctx.signal` cancels the call: the in-flight request is aborted
 * and no further attempt is made.
 * @public
 */
export class OutboundHttp {
  readonly #policy: RetryPolicy;
  readonly #defaultTimeoutMs: number;
  readonly #openCircuitMs: number;
  readonly #maxResponseBytes: number;
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
    this.#maxResponseBytes =
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
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
  send(
    request: OutboundRequest,
    ctx: RequestContext,
  ): Promise<OutboundResponse> {
    return this.#execute(request, ctx, response => response);
  }

  /**
   * Like {@link OutboundHttp.send}, parsing the body as JSON and passing it
   * through `validate` (which throws an {@link OutboundError}, see
   * `unexpectedShape`) when given.
   */
  json<T>(
    request: OutboundRequest,
    ctx: RequestContext,
    validate?: (value: unknown) => T,
  ): Promise<T> {
    return this.#execute(
      {
        ...request,
        headers: { accept: 'application/json', ...request.headers },
      },
      ctx,
      response => {
        let value: unknown;
        try {
          value = JSON.parse(response.text);
        } catch (error) {
          // The parser's message quotes the body; the reason must not.
          throw new OutboundError(
            `${request.target} answered with invalid JSON`,
            { kind: 'bad-answer', attempts: response.attempts, cause: error },
          );
        }
        return validate ? validate(value) : (value as T);
      },
    );
  }

  async #execute<T>(
    request: OutboundRequest,
    ctx: RequestContext,
    read: (response: OutboundResponse) => T,
  ): Promise<T> {
    const signal = ctx.signal;
    let started = 0;
    if (signal?.aborted) throw cancelled(request.target, started, ctx);
    // Thrown before any policy: a request that cannot be sent is neither
    // retried nor held against a server it never reached.
    const url = parseUrl(request);

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
    const circuit = this.#circuit(request.circuit ?? url.origin);
    let ownFailure: OutboundError | undefined;
    const breaksAtStart = circuit?.breaks;

    const attempts = wrap(
      retry,
      timeout(timeoutMs, TimeoutStrategy.Cooperative),
    );
    const run = () =>
      attempts.execute(async context => {
        // cockatiel still runs the attempt due after a backoff the caller
        // stopped waiting for; it must not reach the network.
        if (signal?.aborted) throw cancelled(request.target, started, ctx);
        // Another question to the target used up its attempts meanwhile:
        // this one's retries would only add load to a failing server.
        if (
          circuit &&
          circuit.breaks !== breaksAtStart &&
          circuit.breaker.state !== CircuitState.Closed
        )
          throw this.#refused(circuit, request.target);
        started = context.attempt + 1;
        try {
          return read(
            await this.#attempt(
              request,
              url,
              started,
              timeoutMs,
              ctx,
              context.signal,
            ),
          );
        } catch (error) {
          ownFailure = asOutboundError(error, request.target, started);
          throw ownFailure;
        }
      }, signal);
    const call = circuit ? this.#through(circuit, request.target, run) : run();

    try {
      return await settleOnAbort(call, signal, () =>
        cancelled(request.target, started, ctx),
      );
    } catch (error) {
      if (error instanceof TaskCancelledError && signal?.aborted) {
        throw cancelled(request.target, started, ctx);
      }
      // A call whose retry the circuit refused failed for its own reason:
      // say that one (about its own request) rather than the circuit's.
      if (
        error instanceof OutboundError &&
        error.kind === 'circuit-open' &&
        ownFailure
      ) {
        throw new OutboundError(ownFailure.message, {
          kind: ownFailure.kind,
          status: ownFailure.status,
          attempts: ownFailure.attempts,
          cause: ownFailure,
          note: `no more attempts: another request to it failed ${
            this.#policy.attempts
          } times and opened its circuit`,
        });
      }
      throw error;
    }
  }

  /** A call through the target's circuit; refused at once while it is open or testing. */
  async #through<T>(
    circuit: Circuit,
    target: string,
    call: () => Promise<T>,
  ): Promise<T> {
    // cockatiel queues calls behind a half-open trial and re-runs them
    // without their signal; against a hanging target that queue is the
    // pile-up the circuit is there to prevent, so they are refused instead.
    if (circuit.breaker.state === CircuitState.HalfOpen)
      throw this.#refused(circuit, target);
    try {
      // No signal for the breaker: the caller's signal is watched by the
      // retry inside and by `settleOnAbort` outside.
      return await circuit.breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError)
        throw this.#refused(circuit, target);
      throw error;
    }
  }

  /** The circuit of `key`, shared by every call to it; none when disabled. */
  #circuit(key: string): Circuit | undefined {
    if (this.#openCircuitMs <= 0) return undefined;
    let circuit = this.#circuits.get(key);
    if (!circuit) {
      if (this.#circuits.size >= MAX_CIRCUITS) this.#dropClosedCircuits();
      const entry: Circuit = {
        // One call that used up its retries (or got an answer no retry
        // fixes: too large, malformed) is enough: waiting out the retries
        // again on every view is what the circuit is there to stop. The
        // other questions in flight see it open before their next attempt.
        breaker: circuitBreaker(targetFailures, {
          halfOpenAfter: this.#openCircuitMs,
          breaker: new ConsecutiveBreaker(1),
        }),
        breaks: 0,
      };
      entry.breaker.onBreak(reason => {
        entry.breaks++;
        entry.opened = {
          at: Date.now(),
          failure:
            'error' in reason && reason.error instanceof OutboundError
              ? describeFailure(reason.error)
              : 'failing',
        };
      });
      this.#circuits.set(key, entry);
      circuit = entry;
    }
    return circuit;
  }

  #dropClosedCircuits() {
    for (const [key, circuit] of this.#circuits) {
      if (circuit.breaker.state === CircuitState.Closed)
        this.#circuits.delete(key);
    }
  }

  /**
   * The fast failure of an open circuit. It names the caller's own target
   * and only the kind of failure: the message of the attempt that opened it
   * belongs to another request (its URL, its answer, maybe another entity).
   */
  #refused(circuit: Circuit, target: string): OutboundError {
    const at = circuit.opened?.at ?? Date.now();
    const ago = Date.now() - at;
    return new OutboundError(
      `${target} is failing (${
        circuit.opened?.failure ?? 'failing'
      }, circuit opened ${Math.round(
        ago / 1000,
      )} s ago); not asked again for ${Math.max(
        1,
        Math.ceil((this.#openCircuitMs - ago) / 1000),
      )} s`,
      { kind: 'circuit-open', attempts: 0 },
    );
  }

  async #attempt(
    request: OutboundRequest,
    url: URL,
    attempt: number,
    timeoutMs: number,
    ctx: RequestContext,
    attemptSignal: AbortSignal,
  ): Promise<OutboundResponse> {
    const method = request.method ?? 'GET';
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
        ? cancelled(request.target, attempt, ctx, error)
        : classifyFetchError(error, request.target, timeoutMs, attempt);
    // Dropping an oversized answer closes its connection too.
    const drop = new AbortController();
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
          signal: AbortSignal.any([attemptSignal, drop.signal]),
          redirect: 'manual',
        });
      } catch (error) {
        throw failed(error);
      }
      span.setAttribute('http.response.status_code', response.status);
      const text =
        method === 'HEAD' || request.discardBody
          ? await discard(response)
          : await this.#readCapped(response, request, attempt, {
              failed,
              drop,
            });
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

  /**
   * The body as text, read as a stream and abandoned (connection closed) as
   * soon as it passes the cap, so an oversized answer never sits in memory
   * whole. A declared Content-Length over the cap is refused unread.
   */
  async #readCapped(
    response: Response,
    { target, maxResponse }: OutboundRequest,
    attempts: number,
    io: { failed: (error: unknown) => OutboundError; drop: AbortController },
  ): Promise<string> {
    const max = maxResponse?.bytes ?? this.#maxResponseBytes;
    const setting =
      maxResponse?.setting ?? 'observability.outbound.maxResponseBytes';
    const tooLarge = () => {
      io.drop.abort();
      return new OutboundError(
        `${target} answered with more than ${formatBytes(max)} (${setting})`,
        { kind: 'too-large', status: response.status, attempts },
      );
    };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const reader = response.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw io.failed(error);
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(chunk.value);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }
}

/**
 * The failure of a call `ctx.signal` stopped; when that was the context's
 * deadline it says how long the target had, for the reason the view shows.
 * @public
 */
export function cancelled(
  target: string,
  attempts: number,
  ctx: RequestContext,
  cause: unknown = ctx.signal?.reason,
): OutboundError {
  const message = passedDeadline(ctx)
    ? `${target} did not answer within ${formatSeconds(
        ctx.deadlineMs!,
      )} (the deadline of this request)`
    : `${target}: call cancelled`;
  return new OutboundError(message, { kind: 'cancelled', attempts, cause });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`
    : `${bytes} bytes`;
}

/** The request's URL, or why it cannot be sent. */
function parseUrl(request: OutboundRequest): URL {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (error) {
    throw new OutboundError(`${request.target}: invalid URL`, {
      kind: 'invalid-request',
      attempts: 0,
      cause: error,
    });
  }
  // fetch refuses these too, but only after the policies saw a "network
  // error"; and a URL with userinfo is never one Redline should follow.
  if (url.username !== '' || url.password !== '') {
    throw new OutboundError(`${request.target}: URL with credentials refused`, {
      kind: 'invalid-request',
      attempts: 0,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError(
      `${request.target}: unsupported scheme ${url.protocol}`,
      { kind: 'invalid-request', attempts: 0 },
    );
  }
  return url;
}

/** A failure of the attempt or of reading its answer, as an {@link OutboundError}. */
function asOutboundError(
  error: unknown,
  target: string,
  attempts: number,
): OutboundError {
  if (error instanceof OutboundError) return error;
  // A validator that threw something else still means a malformed answer;
  // its message may be JavaScript's, so it only goes into `cause`.
  return new OutboundError(`${target} answered with an unexpected shape`, {
    kind: 'bad-answer',
    attempts,
    cause: error,
  });
}

/** How a target failed, without anything of the request that failed. */
function describeFailure(error: OutboundError): string {
  switch (error.kind) {
    case 'timeout':
      return 'no answer in time';
    case 'connection':
      return 'unreachable';
    case 'server':
    case 'client':
      return `answered ${error.status ?? 'an error'}`;
    case 'too-large':
      return 'answers too large';
    case 'bad-answer':
      return 'malformed answers';
    default:
      return 'failing';
  }
}

async function discard(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => {});
  return '';
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
  // undici reports refused/reset/DNS failures as a TypeError("fetch failed")
  // whose cause has the code; a TypeError without a cause is a request it
  // would not send at all.
  if (error instanceof TypeError && error.cause === undefined) {
    return new OutboundError(`${target}: request not sent (${error.name})`, {
      kind: 'invalid-request',
      attempts,
      cause: error,
    });
  }
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
