/**
 * The seed's output object (`observability_design`, `configuration`,
 * `alerts`, `runbooks`, `confidence_score`) for one entity, with the seed's
 * fallback order applied and stated: FULL_OBSERVABILITY_DESIGN when metrics,
 * logs and traces are all described, LOGGING_ONLY when traces are missing but
 * a logs source exists, BASIC_METRICS when there is no logs source either.
 */
import type { ObservabilitySpec } from '../spec/types';
import type {
  ConfidenceScore,
  DesignLevel,
  GeneratedAlert,
  ObservabilityOutput,
  Runbook,
} from './types';

/** One `configuration` entry: the component it configures and its file content. @public */
export interface ConfigurationEntry {
  component: string;
  config: string;
}

/** Pillars each rung of the fallback order designs for. @public */
export const DESIGN_LEVEL_PILLARS: Record<DesignLevel, string[]> = {
  FULL_OBSERVABILITY_DESIGN: ['metrics', 'logs', 'traces'],
  LOGGING_ONLY: ['metrics', 'logs'],
  BASIC_METRICS: ['metrics'],
};

/** Configuration components that belong to each pillar. @public */
export const PILLAR_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  metrics: ['prometheus', 'prometheus-operator', 'alertmanager', 'grafana'],
  logs: ['loki'],
  traces: ['opentelemetry-collector'],
  // Alert notifications are the events Redline designs: routing, grouping, inhibition.
  events: ['alertmanager'],
};

/** @public */
export interface DesignLevelDecision {
  level: DesignLevel;
  reason: string;
}

/**
 * Picks the rung of the seed's fallback order the metadata supports.
 * @public
 */
export function chooseDesignLevel(
  spec: ObservabilitySpec,
): DesignLevelDecision {
  const logs = Boolean(spec.links.logQueryUrl || spec.links.logSelector);
  const traces = Boolean(spec.links.traceUrl);
  if (logs && traces) {
    return {
      level: 'FULL_OBSERVABILITY_DESIGN',
      reason:
        'Metrics, a logs source and a trace source are declared, so the full design applies.',
    };
  }
  if (logs) {
    return {
      level: 'LOGGING_ONLY',
      reason:
        'No trace source is declared (redline.dev/trace-url), so the design falls back from FULL_OBSERVABILITY_DESIGN to LOGGING_ONLY: RED metric alerts plus the logs pillar (correlation-ID log search, log-based fallback alert).',
    };
  }
  return {
    level: 'BASIC_METRICS',
    reason: `No logs source is declared (redline.dev/log-query-url or redline.dev/log-selector)${
      traces ? '' : ' and no trace source (redline.dev/trace-url)'
    }, so the design falls back past LOGGING_ONLY to BASIC_METRICS: RED metric alerts, SLO rules when declared, dashboard and routing.`,
  };
}

/** The alert as the output object lists it (snake_case like the rest of the seed's schema). @public */
export function alertForOutput(alert: GeneratedAlert): Record<string, unknown> {
  return {
    name: alert.name,
    key: alert.key,
    severity: alert.severity,
    ...(alert.for ? { for: alert.for } : {}),
    expr: alert.expr,
    labels: alert.labels,
    annotations: alert.annotations,
    runbook_url: alert.runbookUrl,
    runbook_path: alert.runbookPath,
  };
}

/** Tools the design relies on, in the order an operator meets them. */
function toolsFor(spec: ObservabilitySpec, pillars: string[]): string[] {
  const tools = ['Prometheus', 'Alertmanager', 'Grafana'];
  if (pillars.includes('logs'))
    tools.push(spec.links.logSelector ? 'Loki' : 'Log aggregator');
  if (pillars.includes('traces')) tools.push('OpenTelemetry Collector');
  if (spec.routing.pagerduty) tools.push('PagerDuty');
  if (spec.routing.opsgenie) tools.push('Opsgenie');
  if (spec.routing.slackChannel) tools.push('Slack');
  return tools;
}

/** Inputs of {@link buildObservabilityOutput}. @public */
export interface ObservabilityOutputInput {
  spec: ObservabilitySpec;
  alerts: GeneratedAlert[];
  runbooks: Runbook[];
  /** Every generated configuration; entries outside the chosen pillars are left out. */
  configuration: ConfigurationEntry[];
  dashboards: Array<Record<string, unknown>>;
  confidence: ConfidenceScore;
}

/**
 * Assembles the output object. Alerts belonging to a pillar the design does
 * not include (the log-based fallback in BASIC_METRICS cannot occur, it needs
 * a log selector) are kept, since rules that exist must be listed.
 * @public
 */
export function buildObservabilityOutput(
  input: ObservabilityOutputInput,
): ObservabilityOutput {
  const { level, reason } = chooseDesignLevel(input.spec);
  const pillars = DESIGN_LEVEL_PILLARS[level];
  const components = new Set(pillars.flatMap(p => PILLAR_COMPONENTS[p] ?? []));
  return {
    observability_design: {
      pillars,
      tools: toolsFor(input.spec, pillars),
      dashboards: input.dashboards,
      level,
      level_reason: reason,
    },
    configuration: input.configuration.filter(c => components.has(c.component)),
    alerts: input.alerts.map(alertForOutput),
    runbooks: input.runbooks.map(r => r.markdown),
    confidence_score: input.confidence.score,
  };
}
