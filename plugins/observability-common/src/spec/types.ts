/**
 * The observability spec: everything Redline knows about one catalog entity,
 * normalised from its annotations and the portal's configuration. Every
 * generator and check reads this type and nothing else, which keeps the data
 * path entity -> spec -> artifacts -> checks -> UI one-directional.
 */

/** Where a value came from, shown next to it in the UI so teams know what to change. @public */
export type ValueSource = 'default' | 'annotation' | 'config';

/** A value and its provenance. @public */
export interface Sourced<T> {
  value: T;
  source: ValueSource;
  /** The annotation that set it, when `source` is `annotation`. */
  annotation?: string;
}

/** Severity shared by spec findings, check results and lint findings. @public */
export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * A problem found while reading metadata or generating artifacts. Invalid
 * input never throws: it becomes one of these, naming the annotation, the
 * value and what was expected.
 * @public
 */
export interface Finding {
  /** Stable identifier, e.g. `annotation.invalid`, `slo.tier-skipped`. */
  id: string;
  severity: FindingSeverity;
  message: string;
  annotation?: string;
  value?: string;
  expected?: string;
  /** How to fix it; for annotations, a YAML snippet a user can paste. */
  fix?: string;
}

/** A declared service-level objective. @public */
export interface SloSpec {
  /** `availability` (non-5xx share) or `latency` (share faster than a threshold). */
  slo: 'availability' | 'latency';
  /** Objective in percent, e.g. 99.9. Always in (0, 100). */
  objectivePercent: number;
  /** Latency SLOs only: requests slower than this count as bad, measured at the histogram bucket at or below it. */
  thresholdSeconds?: number;
  /**
   * Nominal length of the compliance window in days (30 unless
   * `redline.dev/slo-window` says otherwise; a calendar month counts 30, a
   * calendar week 7): what burn-rate factors are scaled by.
   */
  windowDays: number;
  /** The compliance window itself (`redline.dev/slo-window`). */
  window: SloWindow;
  annotation: string;
}

/**
 * An SLO's compliance window: rolling (the last N days, always) or calendar
 * (since the start of the current month or ISO week, in UTC).
 * @public
 */
export type SloWindow =
  | { type: 'rolling'; days: 7 | 28 | 30 }
  | { type: 'calendar'; period: 'month' | 'week' };

/** The seed's RED thresholds, each with its provenance. @public */
export interface RedThresholds {
  /** Alert when traffic falls more than this far below its usual rate, the TrafficDrop baseline (seed: 50 %). */
  rateDropPercent: Sourced<number>;
  /** Alert when the 5m error ratio exceeds this (seed: 1 % for 5m). */
  errorRatePercent: Sourced<number>;
  /** Alert when the 5m P99 latency exceeds this (seed: 500 ms for 5m). */
  latencyP99Ms: Sourced<number>;
  /** TrafficDrop stays silent while the usual rate is at most this many requests/s; absent means the default. */
  trafficDropMinRate?: Sourced<number>;
}

/**
 * Metric and label names; defaults are the seed's, overridable in app-config.
 * In a spec they are always valid Prometheus names (checked by
 * `resolveGeneratorConfig`).
 * @public
 */
export interface MetricNames {
  /** Counter of requests, e.g. `http_requests_total`. */
  requestsTotal: string;
  /** Label on the counter carrying the HTTP status code, e.g. `status`. */
  statusLabel: string;
  /** Histogram base name, e.g. `http_request_duration_seconds`. */
  durationHistogram: string;
  /** Label identifying the service in every series, e.g. `service`; generated series and alerts carry it too. */
  serviceLabel: string;
  /**
   * Bucket boundaries (seconds) services are expected to expose. In a spec,
   * the service's live `le` values when the caller passed them to
   * `parseSpec`. A latency SLO is measured at the one at or below its threshold.
   */
  histogramBuckets: number[];
}

/** Where an alert for this entity should go. Secrets never come from here. @public */
export interface RoutingSpec {
  /** PagerDuty service id (`pagerduty.com/service-id`) or integration key annotation present. */
  pagerduty?: { serviceId?: string; hasIntegrationKey: boolean };
  /** Opsgenie team (`opsgenie.com/team`). */
  opsgenie?: { team: string };
  /** Slack channel (`redline.dev/slack-channel`), without a leading `#`. */
  slackChannel?: string;
  /** Generic webhook receiver URL (`redline.dev/alert-webhook`), http(s) only. */
  webhookUrl?: string;
}

/** Links to the logs and traces pillars and to hand-written material. @public */
export interface LinkSpec {
  runbookUrl?: string;
  dashboardUrl?: string;
  /** Template with `{service}` and `{correlation_id}` placeholders. */
  logQueryUrl?: string;
  /** Template with `{service}` and `{trace_id}` placeholders. */
  traceUrl?: string;
  /**
   * Loki (or other LogQL) stream selector for the log-based fallback alert,
   * e.g. `{app="checkout"}`. Always valid, re-serialised from its parsed
   * matchers.
   */
  logSelector?: string;
}

/** Everything Redline knows about one entity. @public */
export interface ObservabilitySpec {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  /** Owner entity ref, e.g. `group:default/payments`. Empty string when the entity has no owner. */
  owner: string;
  /** Short team name used as the `team` label (owner's name part), `unowned` when there is none. */
  team: string;
  system?: string;
  lifecycle?: string;
  tier?: string;
  serviceName: Sourced<string>;
  /**
   * PromQL label matchers without braces, e.g. `service="checkout"`. Always
   * valid PromQL in canonical form (re-serialised from its parsed matchers),
   * byte for byte what generated rules select with.
   */
  selector: Sourced<string>;
  thresholds: RedThresholds;
  slos: SloSpec[];
  links: LinkSpec;
  routing: RoutingSpec;
  metrics: MetricNames;
  /** Named Prometheus / Alertmanager instance from config, chosen by annotation. */
  prometheusInstance?: string;
  alertmanagerInstance?: string;
  /**
   * Named rule target from config (`observability.ruleTargets`) that Apply
   * writes to and that alone a sync declares the entity to; absent: Apply
   * writes to the Prometheus instance's rules directory.
   */
  ruleTarget?: string;
  /** The redline.dev/* annotations that were present and valid, for the confidence score. */
  describedAnnotations: string[];
  /**
   * Every observability annotation the entity carries, valid or not (see
   * `isObservabilityAnnotation`): an entity whose annotations are all
   * invalid is described wrongly, not undescribed.
   */
  presentAnnotations: string[];
  /** The Component's `spec.type`, lower-cased; absent for other kinds. */
  componentType?: string;
  /**
   * Whether it serves requests (see `entityRole`): only then does it get RED
   * targets, SLOs and alerts, and count as a service.
   */
  servesRequests: boolean;
}

/** Result of reading an entity. @public */
export interface ParsedSpec {
  spec: ObservabilitySpec;
  findings: Finding[];
}
