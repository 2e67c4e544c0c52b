import type { RequestContext } from '../telemetry/context';
import { cancelled, settleOnAbort } from './OutboundHttp';
import { OutboundError } from './retry';

/** An answer kept since `at`; `refreshing` while its successor is fetched. */
type Kept<T> = { value: T; at: number; refreshing?: boolean };

/**
 * Answers of one server kept for a short time and shared by everyone who
 * asks the same question meanwhile: many tabs, a refreshing tab and a
 * coverage run cost one call per question per TTL. In-process on purpose:
 * a shared cache would serialise every answer, and what must be shared is
 * the in-flight call itself. Failures are never kept.
 *
 * With `staleMs`, an answer past its TTL is still handed out for that much
 * longer while one caller's call fetches its successor: no caller waits for
 * a refresh of an answer everyone shares (the rules snapshot), which would
 * otherwise stall every view that arrives during it, once per TTL.
 * @internal
 */
export class SharedAnswers<T> {
  readonly #ttlMs: number;
  readonly #staleMs: number;
  readonly #now: () => number;
  readonly #target: string;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Kept<T> | { pending: Promise<T> }>();

  constructor(options: {
    ttlMs: number;
    now: () => number;
    /** Named in the cancellation error, e.g. `prometheus:main`. */
    target: string;
    maxEntries?: number;
    /** How long after the TTL a kept answer still serves while it is refreshed (default 0). */
    staleMs?: number;
  }) {
    this.#ttlMs = options.ttlMs;
    this.#staleMs = options.staleMs ?? 0;
    this.#now = options.now;
    this.#target = options.target;
    this.#maxEntries = options.maxEntries ?? 1000;
  }

  /**
   * The kept answer, the in-flight one, or a new call. `ctx.signal` cancels
   * the call this caller started, or only its own wait when it joined
   * another caller's call.
   */
  async get(
    key: string,
    ctx: RequestContext,
    load: () => Promise<T>,
  ): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry && 'value' in entry) {
      const age = this.#now() - entry.at;
      if (age < this.#ttlMs) return entry.value;
      if (age < this.#ttlMs + this.#staleMs) {
        this.#refresh(key, entry, load);
        return entry.value;
      }
    }
    if (entry && 'pending' in entry) {
      const shared = entry.pending.catch(error => {
        // The shared call was cancelled by whoever started it; a caller that
        // is still interested asks for itself.
        if (isCancellation(error) && !ctx.signal?.aborted)
          return this.get(key, ctx, load);
        throw error;
      });
      return settleOnAbort(shared, ctx.signal, () =>
        cancelled(this.#target, 0, ctx),
      );
    }

    const pending = load();
    this.#entries.set(key, { pending });
    try {
      const value = await pending;
      this.#keep(key, value);
      return value;
    } catch (error) {
      // Forget the failure so the next caller tries again.
      this.#entries.delete(key);
      throw error;
    }
  }

  /**
   * Fetches a stale entry's successor, one call at a time. It runs under
   * the context of the caller that found the entry stale: if that caller
   * goes away the call stops, and the next caller starts another. A failure
   * keeps the stale answer until it ages out; then callers wait, as without
   * `staleMs`.
   */
  #refresh(key: string, entry: Kept<T>, load: () => Promise<T>) {
    if (entry.refreshing) return;
    entry.refreshing = true;
    load().then(
      value => {
        if (this.#entries.get(key) === entry) this.#keep(key, value);
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  /** Forgets every answer, e.g. after an apply reloaded the server. */
  clear(): void {
    this.#entries.clear();
  }

  #keep(key: string, value: T) {
    this.#entries.delete(key);
    if (this.#ttlMs <= 0) return;
    this.#entries.set(key, { value, at: this.#now() });
    if (this.#entries.size > this.#maxEntries) {
      // Insertion order: the first entry is the oldest answer.
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }
}

function isCancellation(error: unknown): boolean {
  return error instanceof OutboundError && error.kind === 'cancelled';
}
