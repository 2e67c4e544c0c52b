/**
 * The fault switch: what share of requests fail and how much latency is added.
 * The end-to-end test flips it to 100 % errors to prove an alert fires; the
 * demo uses it to make the Observability tab move.
 */

/** Current fault settings. @public */
export interface FaultSettings {
  /** Share of business requests answered with HTTP 500, 0..1. */
  errorRate: number;
  /** Extra delay added to every business request, in milliseconds. */
  latencyMs: number;
}

/** Result of validating untrusted fault input (HTTP body or env). @public */
export type FaultParseResult =
  | { ok: true; value: Partial<FaultSettings> }
  | { ok: false; field: string; message: string };

/** Upper bound for injected latency: long enough for any SLO, short enough not to hang a test. */
export const MAX_LATENCY_MS = 60_000;

/**
 * Validates a partial update. Unknown fields are rejected so a typo such as
 * `errorRatio` is reported instead of silently doing nothing.
 * @public
 */
export function parseFaultUpdate(input: unknown): FaultParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      field: 'body',
      message:
        'expected a JSON object like {"errorRate": 0.5, "latencyMs": 200}',
    };
  }
  const value: Partial<FaultSettings> = {};
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    if (key === 'errorRate') {
      if (
        typeof raw !== 'number' ||
        !Number.isFinite(raw) ||
        raw < 0 ||
        raw > 1
      ) {
        return {
          ok: false,
          field: 'errorRate',
          message: `errorRate must be a number between 0 and 1, got ${JSON.stringify(
            raw,
          )}`,
        };
      }
      value.errorRate = raw;
    } else if (key === 'latencyMs') {
      if (
        typeof raw !== 'number' ||
        !Number.isInteger(raw) ||
        raw < 0 ||
        raw > MAX_LATENCY_MS
      ) {
        return {
          ok: false,
          field: 'latencyMs',
          message: `latencyMs must be an integer between 0 and ${MAX_LATENCY_MS}, got ${JSON.stringify(
            raw,
          )}`,
        };
      }
      value.latencyMs = raw;
    } else {
      return {
        ok: false,
        field: key,
        message: `unknown field '${key}': expected errorRate or latencyMs`,
      };
    }
  }
  return { ok: true, value };
}

/**
 * Holds the fault settings and decides, per request, whether to fail. The
 * random source is injectable so tests can make "30 % errors" exact.
 * @public
 */
export class FaultInjector {
  #settings: FaultSettings;
  readonly #random: () => number;

  constructor(
    initial?: Partial<FaultSettings>,
    random: () => number = Math.random,
  ) {
    this.#settings = { errorRate: 0, latencyMs: 0, ...initial };
    this.#random = random;
  }

  get settings(): FaultSettings {
    return { ...this.#settings };
  }

  update(change: Partial<FaultSettings>): FaultSettings {
    this.#settings = { ...this.#settings, ...change };
    return this.settings;
  }

  /** True when this request should be answered with an injected error. */
  shouldFail(): boolean {
    const { errorRate } = this.#settings;
    if (errorRate <= 0) return false;
    if (errorRate >= 1) return true;
    return this.#random() < errorRate;
  }
}
