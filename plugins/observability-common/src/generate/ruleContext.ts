/**
 * What every rule generator needs about one service, validated once: the
 * label value recorded series carry, the raw-metric selector, metric names,
 * and a builder that turns an alert's parts into a Prometheus alerting rule
 * with escaped labels and annotations.
 */
import { DEFAULT_METRIC_NAMES, type GeneratorConfig } from '../spec/config';
import { parseLabelMatchers } from '../spec/labelMatchers';
import type { Finding, MetricNames, ObservabilitySpec } from '../spec/types';
import {
  escapePromLabelValue,
  escapePromTemplateText,
  isValidLabelName,
  isValidMetricName,
  promEqualMatcher,
  sanitizeText,
} from './escape';
import { dashboardUrlFor, runbookUrlFor } from './links';
import type { AlertingRule, GeneratedAlert } from './types';

/** Label every Redline series and alert carries to name its service. */
export const SERVICE_LABEL = 'service';

/** @internal */
export interface RuleContext {
  spec: ObservabilitySpec;
  config: GeneratorConfig;
  /** Value of the `service` label on recorded series and alerts (sanitised catalog text). */
  service: string;
  /** `service="…"`: selects this service's recorded series. */
  recordedMatcher: string;
  /** Label matchers (no braces) selecting this service's raw metrics. */
  selector: string;
  metrics: MetricNames;
  /** Value of the `team` label. */
  team: string;
  findings: Finding[];
}

/**
 * The selector re-serialised from parsed matchers (never the raw annotation
 * text), or undefined when it is not a plain list of label matchers.
 */
function normaliseSelector(raw: string): string | undefined {
  const parsed = parseLabelMatchers(raw);
  if (!parsed.ok) return undefined;
  return parsed.matchers
    .map(m => `${m.name}${m.op}"${escapePromLabelValue(m.value)}"`)
    .join(',');
}

function validMetrics(
  metrics: MetricNames | undefined,
  findings: Finding[],
): MetricNames {
  const out: MetricNames = { ...DEFAULT_METRIC_NAMES, ...metrics };
  const names = ['requestsTotal', 'durationHistogram'] as const;
  const labels = ['statusLabel', 'serviceLabel'] as const;
  for (const key of names) {
    if (!isValidMetricName(out[key])) {
      findings.push({
        id: 'generate.metric-name-invalid',
        severity: 'error',
        message: `Configured metric name for ${key} is not a valid Prometheus metric name; using the default ${DEFAULT_METRIC_NAMES[key]}.`,
        value: String(out[key]),
        expected: '[a-zA-Z_:][a-zA-Z0-9_:]*',
      });
      out[key] = DEFAULT_METRIC_NAMES[key];
    }
  }
  for (const key of labels) {
    if (!isValidLabelName(out[key])) {
      findings.push({
        id: 'generate.label-name-invalid',
        severity: 'error',
        message: `Configured label name for ${key} is not a valid Prometheus label name; using the default ${DEFAULT_METRIC_NAMES[key]}.`,
        value: String(out[key]),
        expected: '[a-zA-Z_][a-zA-Z0-9_]*',
      });
      out[key] = DEFAULT_METRIC_NAMES[key];
    }
  }
  if (!Array.isArray(out.histogramBuckets))
    out.histogramBuckets = DEFAULT_METRIC_NAMES.histogramBuckets;
  return out;
}

/** Validates what the rule generators read from a spec; never throws. */
export function createRuleContext(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): RuleContext {
  const findings: Finding[] = [];
  const metrics = validMetrics(spec.metrics ?? config.metrics, findings);

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

  let selector = normaliseSelector(spec.selector?.value ?? '');
  if (!selector) {
    selector = promEqualMatcher(metrics.serviceLabel, service);
    findings.push({
      id: 'generate.selector-invalid',
      severity: 'error',
      message: `The metrics selector is not a valid list of PromQL label matchers; rules select ${selector} instead.`,
      annotation: spec.selector?.annotation,
      value: spec.selector?.value,
      expected: 'label matchers without braces, e.g. service="checkout"',
      fix: `metadata:\n  annotations:\n    redline.dev/metrics-selector: '${selector.replace(
        /'/g,
        "''",
      )}'`,
    });
  }

  return {
    spec,
    config,
    service,
    recordedMatcher: promEqualMatcher(SERVICE_LABEL, service),
    selector,
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
    [SERVICE_LABEL]: ctx.service,
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
