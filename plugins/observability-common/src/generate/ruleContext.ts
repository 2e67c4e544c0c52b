/**
 * What every rule generator needs about one service: the label value
 * recorded series carry, the raw-metric selector, metric names, and a builder
 * that turns an alert's parts into a Prometheus alerting rule with escaped
 * labels and annotations. The spec comes from `parseSpec`, which already
 * validated the metric names and normalised the selector; both are used as
 * they are.
 */
import type { GeneratorConfig } from '../spec/config';
import type { Finding, MetricNames, ObservabilitySpec } from '../spec/types';
import {
  escapePromTemplateText,
  promEqualMatcher,
  sanitizeText,
} from './escape';
import { dashboardUrlFor, runbookUrlsFor } from './links';
import {
  recordedSeriesLabels,
  ruleServiceName,
  scopedServiceName,
} from './serviceScope';
import type { AlertingRule, GeneratedAlert } from './types';

// Shared by the rule generators inside this package, not exported from its
// entry point, and without a release tag: tagging it internal would make
// `stripInternal` drop it from the emitted declarations that still import it.
/** What the rule generators know about one service. */
export interface RuleContext {
  spec: ObservabilitySpec;
  config: GeneratorConfig;
  /** Value of the service label (`metrics.serviceLabel`) on recorded series and alerts (sanitised catalog text). */
  service: string;
  /** What rule groups and other generated names are named after: `scopedServiceName`. */
  scopedName: string;
  /** Labels of every recorded series (besides `slo`): `recordedSeriesLabels`. */
  recordedLabels: Record<string, string>;
  /** Matchers (no braces) for exactly {@link RuleContext.recordedLabels}: this entity's recorded series and alerts. */
  recordedMatcher: string;
  /** Label matchers (no braces) selecting this service's raw metrics. */
  selector: string;
  metrics: MetricNames;
  /** Value of the `team` label. */
  team: string;
  /** `recordedLabels` and `team` escaped for alert templates, as every alert's labels carry them. */
  escaped: { recordedLabels: Record<string, string>; team: string };
  findings: Finding[];
  /** `runbook_url` of an alert: `runbookUrlFor`, escaped for templates; once per name. */
  runbookUrl(alertName: string): { url: string; annotation: string };
  /** `dashboard_url` of every alert: `dashboardUrlFor`, escaped for templates; computed once. */
  dashboardUrlAnnotation(): string;
}

/** The context the rule generators share for one spec; never throws. */
export function createRuleContext(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): RuleContext {
  const findings: Finding[] = [];
  const metrics = spec.metrics;

  const service = ruleServiceName(spec);
  if (!sanitizeText(spec.serviceName?.value ?? '').trim()) {
    findings.push({
      id: 'generate.service-name-empty',
      severity: 'warning',
      message: `The service name is empty; rules use "${service}" instead.`,
      annotation: spec.serviceName?.annotation,
    });
  }

  // Every alert of the service links the same dashboard and, per name, the
  // same runbook; each link costs URL parsing, so it is worked out once.
  const runbookUrls = new Map<string, { url: string; annotation: string }>();
  let runbookUrlOf: ((alertName: string) => string) | undefined;
  let dashboardUrl: string | undefined;
  const team = sanitizeText(spec.team ?? '').trim() || 'unowned';
  const recordedLabels = recordedSeriesLabels(spec);
  return {
    spec,
    config,
    service,
    scopedName: scopedServiceName(spec),
    recordedLabels,
    recordedMatcher: Object.entries(recordedLabels)
      .map(([name, value]) => promEqualMatcher(name, value))
      .join(','),
    selector: spec.selector.value,
    metrics,
    team,
    escaped: {
      recordedLabels: Object.fromEntries(
        Object.entries(recordedLabels).map(([name, value]) => [
          name,
          escapePromTemplateText(value),
        ]),
      ),
      team: escapePromTemplateText(team),
    },
    findings,
    runbookUrl(alertName) {
      let hit = runbookUrls.get(alertName);
      if (!hit) {
        runbookUrlOf ??= runbookUrlsFor(spec, config);
        const url = runbookUrlOf(alertName);
        hit = { url, annotation: escapePromTemplateText(url) };
        runbookUrls.set(alertName, hit);
      }
      return hit;
    },
    dashboardUrlAnnotation: () =>
      (dashboardUrl ??= escapePromTemplateText(dashboardUrlFor(spec, config))),
  };
}

/** Selector for a raw metric: the service's matchers plus extra ones. */
export function select(
  ctx: RuleContext,
  metric: string,
  ...extra: string[]
): string {
  return `${metric}{${[ctx.selector, ...extra].join(',')}}`;
}

/** A template action of our own, inserted into {@link tmpl} text unescaped. */
export class TemplateAction {
  constructor(readonly action: string) {}
}

/** `$value` as a percentage, e.g. `1.667%`. */
export const VALUE_AS_PERCENTAGE = new TemplateAction(
  '{{ $value | humanizePercentage }}',
);
/** `$value` (seconds) as a duration, e.g. `995ms`. */
export const VALUE_AS_DURATION = new TemplateAction(
  '{{ $value | humanizeDuration }}',
);

/**
 * Alert template text: literal parts and {@link TemplateAction}s are ours,
 * every interpolated string is catalog text and is escaped.
 */
export function tmpl(
  strings: TemplateStringsArray,
  ...values: Array<string | number | TemplateAction>
): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value instanceof TemplateAction) out += value.action;
    else if (typeof value === 'number') out += String(value);
    else out += escapePromTemplateText(value);
    out += strings[i + 1];
  }
  return out;
}

/** Parts of one alert; the builder adds the shared labels and links. */
export interface AlertParts {
  name: string;
  key: string;
  expr: string;
  for?: string;
  severity: GeneratedAlert['severity'];
  /** Extra labels (raw values; escaped here), under Redline's own label names. */
  labels?: Record<string, string>;
  /** Already template-safe (built with `tmpl`). */
  summary: string;
  /** Already template-safe (built with `tmpl`). */
  description: string;
}

/**
 * An alerting rule plus its summary. Alert labels and annotations are Go
 * templates in Prometheus, so every value is escaped; `$value` actions come
 * only from our own literal text.
 */
export function buildAlert(
  ctx: RuleContext,
  parts: AlertParts,
): { rule: AlertingRule; alert: GeneratedAlert } {
  // The keys of `{ severity, ...recordedLabels, team, ...parts.labels }` in
  // that order. The recorded labels make ALERTS and Alertmanager tell apart
  // same-named services of different namespaces, as the series do.
  const labels: Record<string, string> = {
    severity: escapePromTemplateText(parts.severity),
    ...ctx.escaped.recordedLabels,
    team: ctx.escaped.team,
  };
  if (parts.labels) {
    for (const key of Object.keys(parts.labels)) {
      labels[key] = escapePromTemplateText(parts.labels[key]);
    }
  }
  const runbook = ctx.runbookUrl(parts.name);
  const runbookUrl = runbook.url;
  const annotations = {
    summary: parts.summary,
    description: parts.description,
    runbook_url: runbook.annotation,
    dashboard_url: ctx.dashboardUrlAnnotation(),
  };
  // Two literals rather than a conditional spread: the same keys in the same
  // order, without an intermediate object per alert.
  const rule: AlertingRule = parts.for
    ? {
        alert: parts.name,
        expr: parts.expr,
        for: parts.for,
        labels,
        annotations,
      }
    : { alert: parts.name, expr: parts.expr, labels, annotations };
  const runbookPath = `runbooks/${parts.name}.md`;
  const alert: GeneratedAlert = parts.for
    ? {
        name: parts.name,
        key: parts.key,
        severity: parts.severity,
        for: parts.for,
        expr: parts.expr,
        labels,
        annotations,
        runbookUrl,
        runbookPath,
      }
    : {
        name: parts.name,
        key: parts.key,
        severity: parts.severity,
        expr: parts.expr,
        labels,
        annotations,
        runbookUrl,
        runbookPath,
      };
  return { rule, alert };
}
