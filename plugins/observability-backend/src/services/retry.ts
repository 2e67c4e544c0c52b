import {
  ExponentialBackoff,
  RetryPolicy as CockatielRetryPolicy,
  halfJitterGenerator,
  handleWhen,
  retry,
} from 'cockatiel';

/**
 * The seed's `retry_config`: a few attempts with exponential backoff and
 * jitter, only for failures that another try can fix (timeouts, refused or
 * reset connections, 5xx and 429 answers). Any other 4xx means the request
 * itself is wrong; repeating it would only add load.
 */

/** @public */
export interface RetryPolicy {
  /** Total attempts including the first one. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Why an outbound call failed, in the seed's `retryable_errors` vocabulary,
 * plus what that vocabulary has no word for: `cancelled` (the caller's
 * `AbortSignal` stopped it), `invalid-request` (it could not be sent as
 * written, so no request left), `too-large` (the answer passed the size
 * cap), `bad-answer` (not JSON, or not the shape the API documents) and
 * `circuit-open` (refused without asking, the target is failing).
 * @public
 */
export type OutboundFailureKind =
  | 'timeout'
  | 'connection'
  | 'server'
  | 'client'
  | 'cancelled'
  | 'invalid-request'
  | 'too-large'
  | 'bad-answer'
  | 'circuit-open';

/** A failed outbound call, classified so the retry policy knows whether to go again. @public */
export class OutboundError extends Error {
  readonly kind: OutboundFailureKind;
  readonly status?: number;
  /** Attempts made before giving up; 0 when an open circuit refused the call. */
  readonly attempts: number;
  /** Why fewer attempts were made than the policy allows, when they were. */
  readonly note?: string;

  constructor(
    message: string,
    options: {
      kind: OutboundFailureKind;
      status?: number;
      attempts?: number;
      cause?: unknown;
      note?: string;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'OutboundError';
    this.kind = options.kind;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
    this.note = options.note;
  }

  /**
   * Whether another attempt could succeed. A 429 is the one 4xx that is about
   * the callee's load, not the request.
   */
  get retryable(): boolean {
    return (
      this.kind === 'timeout' ||
      this.kind === 'connection' ||
      this.kind === 'server' ||
      (this.kind === 'client' && this.status === 429)
    );
  }

  /**
   * Whether the failure says the target is unwell, for its circuit: what
   * another try could fix, and answers that are too large or malformed.
   * The latter are not retried (the same question gets the same answer)
   * but a target that keeps giving them should not be asked every view.
   */
  get targetFailed(): boolean {
    return (
      this.retryable || this.kind === 'too-large' || this.kind === 'bad-answer'
    );
  }
}

/**
 * The failures the retry acts on. Everything else (other 4xx, oversized or
 * malformed answers, cancellations, errors raised before a request was
 * sent, an open circuit) passes straight through: it is not retried.
 * @public
 */
export const retryableFailures = handleWhen(
  error => error instanceof OutboundError && error.retryable,
);

/**
 * The failures a target's circuit breaker counts ({@link
 * OutboundError.targetFailed}). Other 4xx, cancellations and requests that
 * were never sent are neither held against the target nor a success.
 * @public
 */
export const targetFailures = handleWhen(
  error => error instanceof OutboundError && error.targetFailed,
);

/**
 * The delays between attempts: the base doubles from `initialDelayMs` up to
 * `maxDelayMs`, and cockatiel's half jitter picks a value in [base/2, base)
 * so replicas that failed together do not retry in lockstep.
 * @public
 */
export function seedBackoff(policy: RetryPolicy): ExponentialBackoff<number> {
  return new ExponentialBackoff({
    initialDelay: policy.initialDelayMs,
    maxDelay: policy.maxDelayMs,
    exponent: 2,
    generator: halfJitterGenerator,
  });
}

/**
 * A cockatiel retry making `policy.attempts` attempts in total on
 * {@link retryableFailures}, waiting {@link seedBackoff} in between.
 *
 * The timer is unreferenced because cockatiel (3.x) does not cancel a
 * pending backoff when the signal aborts: callers that stop waiting on an
 * abort leave the timer behind, and it must not keep the process alive.
 * @public
 */
export function seedRetry(policy: RetryPolicy): CockatielRetryPolicy {
  return retry(retryableFailures, {
    maxAttempts: policy.attempts - 1,
    backoff: seedBackoff(policy),
  }).dangerouslyUnref();
}
