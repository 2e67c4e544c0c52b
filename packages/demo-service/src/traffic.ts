/**
 * A steady trickle of requests so Prometheus always has a rate to compute:
 * an SLO burn rate is a ratio, and a ratio of nothing is no alert.
 */

/** Options for {@link startTrafficGenerator}. @public */
export interface TrafficOptions {
  /** Base URL of the service, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Requests per second (spread evenly). Default 10. */
  ratePerSecond?: number;
  /** Called with each response status (or 0 for a network error). */
  onResponse?: (status: number, endpoint: string) => void;
}

/** A running generator. @public */
export interface TrafficGenerator {
  /** Requests sent so far, by status (0 = network error). */
  readonly counts: Record<number, number>;
  stop(): Promise<void>;
}

const MIX: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown }> = [
  { method: 'GET', path: '/api/orders' },
  { method: 'GET', path: '/api/orders' },
  {
    method: 'POST',
    path: '/api/orders',
    body: { items: [{ sku: 'demo-1', quantity: 1 }] },
  },
  { method: 'GET', path: '/api/orders/unknown-order' },
];

/** Starts sending a mix of requests until `stop()` is called. @public */
export function startTrafficGenerator(
  options: TrafficOptions,
): TrafficGenerator {
  const rate = options.ratePerSecond ?? 10;
  if (!(rate > 0 && rate <= 1000))
    throw new Error(`ratePerSecond must be in (0, 1000], got ${rate}`);
  const counts: Record<number, number> = {};
  const inFlight = new Set<Promise<void>>();
  let n = 0;

  const fire = () => {
    const call = MIX[n++ % MIX.length];
    const promise = fetch(new URL(call.path, options.baseUrl), {
      method: call.method,
      headers: call.body ? { 'content-type': 'application/json' } : undefined,
      body: call.body ? JSON.stringify(call.body) : undefined,
      signal: AbortSignal.timeout(30_000),
    })
      .then(async res => {
        await res.arrayBuffer();
        return res.status;
      })
      .catch(() => 0)
      .then(status => {
        counts[status] = (counts[status] ?? 0) + 1;
        options.onResponse?.(status, call.path);
      })
      .finally(() => inFlight.delete(promise));
    inFlight.add(promise);
  };

  const timer = setInterval(fire, Math.max(1, Math.round(1000 / rate)));
  return {
    counts,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
