import type { MetricNames } from './types';

/**
 * The part of `app-config.yaml` (`observability.*`) that shapes generation.
 * Read by the backend from Backstage config and by the CLI from flags; kept as
 * a plain object here so `-common` stays free of `@backstage/config`.
 * @public
 */
export interface GeneratorConfig {
  /** Portal base URL, used for absolute runbook links when an entity has no `runbook-url`. */
  portalBaseUrl: string;
  metrics: MetricNames;
  alertmanager: {
    groupWait: string;
    groupInterval: string;
    repeatInterval: string;
    /** Directory holding receiver secrets referenced by `*_file` (default `/etc/alertmanager/secrets`). */
    secretsDir?: string;
  };
}

/** The seed's histogram buckets (seconds) plus common SLO boundaries. @public */
export const DEFAULT_HISTOGRAM_BUCKETS = [
  0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5,
];

/** Seed defaults: `http_requests_total{status}` and `http_request_duration_seconds`. @public */
export const DEFAULT_METRIC_NAMES: MetricNames = {
  requestsTotal: 'http_requests_total',
  statusLabel: 'status',
  durationHistogram: 'http_request_duration_seconds',
  serviceLabel: 'service',
  histogramBuckets: DEFAULT_HISTOGRAM_BUCKETS,
};

/** @public */
export const DEFAULT_GENERATOR_CONFIG: GeneratorConfig = {
  portalBaseUrl: 'http://localhost:3000',
  metrics: DEFAULT_METRIC_NAMES,
  alertmanager: { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
};

/** Fills a partial config with defaults. @public */
export function resolveGeneratorConfig(
  partial?: Partial<Omit<GeneratorConfig, 'metrics' | 'alertmanager'>> & {
    metrics?: Partial<MetricNames>;
    alertmanager?: Partial<GeneratorConfig['alertmanager']>;
  },
): GeneratorConfig {
  return {
    portalBaseUrl: (
      partial?.portalBaseUrl ?? DEFAULT_GENERATOR_CONFIG.portalBaseUrl
    ).replace(/\/+$/, ''),
    metrics: { ...DEFAULT_METRIC_NAMES, ...partial?.metrics },
    alertmanager: {
      ...DEFAULT_GENERATOR_CONFIG.alertmanager,
      ...partial?.alertmanager,
    },
  };
}
