/**
 * Route matching with a fixed set of endpoint templates. Metrics are labelled
 * with the template (`/api/orders/:id`), never the raw path: raw paths are the
 * seed's "high cardinality metrics" trap.
 */

/** The endpoints the demo service answers. @public */
export type EndpointTemplate =
  | '/api/orders'
  | '/api/orders/:id'
  | '/healthz'
  | '/metrics'
  | '/admin/faults'
  | 'unmatched';

/** A matched route. @public */
export interface RouteMatch {
  endpoint: EndpointTemplate;
  params: Record<string, string>;
  /** Counted in the RED metrics; operational endpoints (scrapes, health, admin) are not. */
  measured: boolean;
  /** Subject to injected errors and latency: the business endpoints only. */
  faulty: boolean;
}

/** Maps a request path to its endpoint template. @public */
export function matchRoute(pathname: string): RouteMatch {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/api/orders')
    return {
      endpoint: '/api/orders',
      params: {},
      measured: true,
      faulty: true,
    };
  const order = /^\/api\/orders\/([^/]+)$/.exec(path);
  if (order) {
    return {
      endpoint: '/api/orders/:id',
      params: { id: decodeURIComponentSafe(order[1]) },
      measured: true,
      faulty: true,
    };
  }
  if (path === '/healthz')
    return { endpoint: '/healthz', params: {}, measured: false, faulty: false };
  if (path === '/metrics')
    return { endpoint: '/metrics', params: {}, measured: false, faulty: false };
  if (path === '/admin/faults')
    return {
      endpoint: '/admin/faults',
      params: {},
      measured: false,
      faulty: false,
    };
  // Unknown paths still count as traffic (a client hitting a wrong URL is a
  // symptom worth seeing) but share one label value.
  return { endpoint: 'unmatched', params: {}, measured: true, faulty: false };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
