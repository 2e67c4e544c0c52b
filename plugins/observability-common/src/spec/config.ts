import {
  isValidLabelName,
  isValidMetricName,
  LABEL_NAME_SYNTAX,
  METRIC_NAME_SYNTAX,
} from './names';
import type { Finding, MetricNames } from './types';

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
  /**
   * Hosts a `redline.dev/alert-webhook` may point at
   * (`observability.alertWebhook.allowedHosts`: exact names or `*.example.com`).
   * Absent or empty: any public host, never an internal one (see
   * `isInternalHost`).
   */
  alertWebhook?: { allowedHosts?: string[] };
  /**
   * Where the always-firing Watchdog alert's heartbeats go
   * (`observability.watchdog`): a dead-man's-switch endpoint that alarms
   * when they stop. No URL: the Watchdog fires but notifies nobody.
   */
  watchdog?: { heartbeatUrl?: string; repeatInterval?: string };
  /**
   * Component `spec.type`s that serve requests and so get RED targets, SLOs
   * and alerts (`observability.servingComponentTypes`; default
   * `['service']`, see `entityRole`).
   */
  servingComponentTypes?: string[];
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

/** A configured metric or label name Prometheus would reject. @public */
export interface MetricNameProblem {
  /** Key under `observability.metrics`, e.g. `serviceLabel`. */
  key: 'requestsTotal' | 'durationHistogram' | 'statusLabel' | 'serviceLabel';
  value: unknown;
  /** Which Prometheus name syntax the key must follow. */
  kind: 'metric' | 'label';
  /** That syntax, e.g. `[a-zA-Z_][a-zA-Z0-9_]*`. */
  expected: string;
}

const NAME_KEYS = [
  ['requestsTotal', 'metric'],
  ['durationHistogram', 'metric'],
  ['statusLabel', 'label'],
  ['serviceLabel', 'label'],
] as const;

/**
 * The names among `metrics` that are not valid Prometheus metric or label
 * names; absent keys are fine (the defaults apply).
 * @public
 */
export function findMetricNameProblems(
  metrics: Partial<MetricNames> | undefined,
): MetricNameProblem[] {
  const problems: MetricNameProblem[] = [];
  for (const [key, kind] of NAME_KEYS) {
    const value = metrics?.[key];
    if (value === undefined) continue;
    const valid =
      (kind === 'metric'
        ? isValidMetricName(value)
        : isValidLabelName(value)) &&
      // Prometheus reserves names starting with `__` for itself (`__name__`);
      // a configured one would collide with them in every generated query.
      !String(value).startsWith('__');
    if (!valid) {
      problems.push({
        key,
        value,
        kind,
        expected: `${
          kind === 'metric' ? METRIC_NAME_SYNTAX : LABEL_NAME_SYNTAX
        }, not starting with __`,
      });
    }
  }
  return problems;
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  // parseSpec resolves the (already resolved) config of every entity: when
  // nothing is undefined, the object spreads to the same properties as is.
  if (value && !hasUndefined(value)) return value;
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function hasUndefined(value: object): boolean {
  for (const key in value) {
    if (
      Object.prototype.hasOwnProperty.call(value, key) &&
      (value as Record<string, unknown>)[key] === undefined
    )
      return true;
  }
  return false;
}

/**
 * Fills a partial config with defaults. This is where configured metric and
 * label names are validated, once: an invalid one is replaced by its default
 * and, when `findings` is given, reported there (`generate.metric-name-invalid`
 * / `generate.label-name-invalid`), so everything downstream can splice the
 * names into PromQL as they are.
 * @public
 */
export function resolveGeneratorConfig(
  partial?: Partial<Omit<GeneratorConfig, 'metrics' | 'alertmanager'>> & {
    metrics?: Partial<MetricNames>;
    alertmanager?: Partial<GeneratorConfig['alertmanager']>;
  },
  findings?: Finding[],
): GeneratorConfig {
  const metrics: MetricNames = {
    ...DEFAULT_METRIC_NAMES,
    ...definedOnly(partial?.metrics),
  };
  for (const problem of findMetricNameProblems(metrics)) {
    const fallback = DEFAULT_METRIC_NAMES[problem.key];
    findings?.push({
      id:
        problem.kind === 'metric'
          ? 'generate.metric-name-invalid'
          : 'generate.label-name-invalid',
      severity: 'error',
      message: `Configured ${problem.kind} name observability.metrics.${problem.key} is not a valid Prometheus ${problem.kind} name; using the default ${fallback}.`,
      value: String(problem.value),
      expected: problem.expected,
    });
    metrics[problem.key] = fallback;
  }
  if (!Array.isArray(metrics.histogramBuckets))
    metrics.histogramBuckets = DEFAULT_METRIC_NAMES.histogramBuckets;
  return {
    portalBaseUrl: (
      partial?.portalBaseUrl ?? DEFAULT_GENERATOR_CONFIG.portalBaseUrl
    ).replace(/\/+$/, ''),
    metrics,
    alertmanager: {
      ...DEFAULT_GENERATOR_CONFIG.alertmanager,
      ...partial?.alertmanager,
    },
    ...(partial?.alertWebhook?.allowedHosts?.length
      ? {
          alertWebhook: {
            allowedHosts: partial.alertWebhook.allowedHosts.map(h =>
              h.toLocaleLowerCase('en-US'),
            ),
          },
        }
      : {}),
    ...(partial?.watchdog?.heartbeatUrl || partial?.watchdog?.repeatInterval
      ? { watchdog: partial.watchdog }
      : {}),
    ...(partial?.servingComponentTypes?.length
      ? { servingComponentTypes: partial.servingComponentTypes }
      : {}),
  };
}
