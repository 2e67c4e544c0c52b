/**
 * RED metrics (Rate, Errors, Duration) exactly as the seed names them, on a
 * private registry so two services in one process (tests) never share series.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  DEFAULT_HISTOGRAM_BUCKETS,
  DEFAULT_METRIC_NAMES,
} from '@redline/backstage-plugin-observability-common';

/** The instruments a request handler records into. @public */
export interface RedMetrics {
  registry: Registry;
  requests: Counter<'method' | 'endpoint' | 'status'>;
  duration: Histogram<'method' | 'endpoint' | 'status'>;
  activeConnections: Gauge;
}

/**
 * Creates the RED instruments. The `service` label is a registry default
 * label, so every series carries the value Redline's generated selector
 * (`service="checkout"`) matches, as a relabelled scrape would in production.
 * @public
 */
export function createRedMetrics(serviceName: string): RedMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({
    [DEFAULT_METRIC_NAMES.serviceLabel]: serviceName,
  });

  const requests = new Counter({
    name: DEFAULT_METRIC_NAMES.requestsTotal,
    help: 'Total HTTP requests',
    labelNames: ['method', 'endpoint', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: DEFAULT_METRIC_NAMES.durationHistogram,
    help: 'HTTP request latency',
    labelNames: ['method', 'endpoint', 'status'] as const,
    // The generator checks latency SLO thresholds against these buckets, so
    // the service must expose exactly the same boundaries.
    buckets: [...DEFAULT_HISTOGRAM_BUCKETS],
    registers: [registry],
  });
  const activeConnections = new Gauge({
    name: 'active_connections',
    help: 'Number of requests being served',
    registers: [registry],
  });
  return { registry, requests, duration, activeConnections };
}
