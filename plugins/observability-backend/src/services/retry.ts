/**
 * The seed's `retry_config`: a few attempts with exponential backoff and
 * jitter, only for failures that another try can fix (timeouts, refused or
 * reset connections, 5xx answers). A 4xx means the request itself is wrong;
 * repeating it would only add load.
 */

/** @public */
export interface RetryPolicy {
  /** Total attempts including the first one. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Why an outbound call failed, in the seed's `retryable_errors` vocabulary. @public */
export type OutboundFailureKind =
  | 'timeout'
  | 'connection'
  | 'server'
  | 'client';

/** A failed outbound call, classified so the retry loop knows whether to go again. @public */
export class OutboundError extends Error {
  readonly kind: OutboundFailureKind;
  readonly status?: number;
  readonly attempts: number;

  constructor(
    message: string,
    options: {
      kind: OutboundFailureKind;
      status?: number;
      attempts?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'OutboundError';
    this.kind = options.kind;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
  }

  get retryable(): boolean {
    return this.kind !== 'client';
  }
}

/**
 * Delay before attempt `attempt + 1` (1-based `attempt`): the base doubles from
 * `initialDelayMs` up to `maxDelayMs`, and "equal jitter" picks a value in
 * [base/2, base] so replicas that failed together do not retry in lockstep.
 * @public
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** (attempt - 1),
  );
  return Math.round(base / 2 + random() * (base / 2));
}

/** Resolves after `ms`, early (rejecting) when `signal` aborts. @public */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Hooks a test or a caller can swap in. @public */
export interface RetryOptions {
  policy: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, e.g. to log "retry 2/3 in 1800 ms". */
  onRetry?: (info: {
    attempt: number;
    delayMs: number;
    error: OutboundError;
  }) => void;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error or the
 * attempts are used up. The error that escapes carries the attempt count.
 * @public
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const outbound =
        error instanceof OutboundError
          ? error
          : new OutboundError(String((error as Error)?.message ?? error), {
              kind: 'client',
              cause: error,
            });
      if (!outbound.retryable || attempt >= options.policy.attempts) {
        throw new OutboundError(outbound.message, {
          kind: outbound.kind,
          status: outbound.status,
          attempts: attempt,
          cause: outbound.cause ?? outbound,
        });
      }
      const delayMs = backoffDelay(attempt, options.policy, options.random);
      options.onRetry?.({ attempt, delayMs, error: outbound });
      await wait(delayMs);
    }
  }
}
