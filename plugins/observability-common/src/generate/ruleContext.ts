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
import { dashboardUrlFor, runbookUrlFor } from './links';
import type { AlertingRule, GeneratedAlert } from './types';

/** @internal */
export interface RuleContext {
  spec: ObservabilitySpec;
  config: GeneratorConfig;
  /** Value of the service label (`metrics.serviceLabel`) on recorded series and alerts (sanitised catalog text). */
  service: string;
  /** `<serviceLabel>="…"`: selects this service's recorded series and alerts. */
  recordedMatcher: string;
  /** Label matchers (no braces) selecting this service's raw metrics. */
  selector: string;
  metrics: MetricNames;
  /** Value of the `team` label. */
  team: string;
  findings: Finding[];
}

/** The context the rule generators share for one spec; never throws. */
export function createRuleContext(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): RuleContext {
  const findings: Finding[] = [];
  const metrics = spec.metrics;

  let service = sanitizeText(spec.serviceName?.value ?? '').trim();
  if (!service) {
    service = sanitizeText(spec.name ?? '').trim() || 'unknown';
    findings.push({
      id: 'generate.service-name-empty',
      severity: 'warning',
      message: `The service name is empty; rules use "${service}" instead.`,
      annotation: spec.serviceName?.annotation,
    });
  }

  return {
    spec,
    config,
    service,
    recordedMatcher: promEqualMatcher(metrics.serviceLabel, service),
    selector: spec.selector.value,
    metrics,
    team: sanitizeText(spec.team ?? '').trim() || 'unowned',
    findings,
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
  values.forEach((value, i) => {
    let part: string;
    if (value instanceof TemplateAction) part = value.action;
    else if (typeof value === 'number') part = String(value);
    else part = escapePromTemplateText(value);
    out += `${part}${strings[i + 1]}`;
  });
  return out;
}

/** Parts of one alert; the builder adds the shared labels and links. */
export interface AlertParts {
  name: string;
  key: string;
  expr: string;
  for?: string;
  severity: GeneratedAlert['severity'];
  /** Extra labels (raw values; escaped here). */
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
  const rawLabels: Record<string, string> = {
    severity: parts.severity,
    [ctx.metrics.serviceLabel]: ctx.service,
    team: ctx.team,
    ...parts.labels,
  };
  const labels = Object.fromEntries(
    Object.entries(rawLabels).map(([k, v]) => [k, escapePromTemplateText(v)]),
  );
  const runbookUrl = runbookUrlFor(ctx.spec, ctx.config, parts.name);
  const annotations = {
    summary: parts.summary,
    description: parts.description,
    runbook_url: escapePromTemplateText(runbookUrl),
    dashboard_url: escapePromTemplateText(
      dashboardUrlFor(ctx.spec, ctx.config),
    ),
  };
  const rule: AlertingRule = {
    alert: parts.name,
    expr: parts.expr,
    ...(parts.for ? { for: parts.for } : {}),
    labels,
    annotations,
  };
  return {
    rule,
    alert: {
      name: parts.name,
      key: parts.key,
      severity: parts.severity,
      ...(parts.for ? { for: parts.for } : {}),
      expr: parts.expr,
      labels,
      annotations,
      runbookUrl,
      runbookPath: `runbooks/${parts.name}.md`,
    },
  };
}
