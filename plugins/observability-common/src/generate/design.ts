/**
 * The seed's request/response contract: `input_schema` (a query of 5–2000
 * characters plus optional context) in, the output object out. With an
 * entity the design is that entity's generated artifacts; without one it is
 * the seed-default design for a generic service. The context shapes it: the
 * pillar asked for narrows the design (falling back along the seed's order
 * when that pillar is not described), the stack picks the tools, a
 * non-production environment pages nobody, and the issue type orders alerts
 * and runbooks so the relevant ones come first.
 */
import { z } from 'zod';
import type { GeneratorConfig } from '../spec/config';
import { parseSpec } from '../spec/parseSpec';
import type { ObservabilitySpec } from '../spec/types';
import { generateArtifacts } from './generateArtifacts';
import { PILLAR_COMPONENTS } from './output';
import type { DesignLevel, ObservabilityOutput } from './types';

/** The seed's `input_schema`, plus Redline's optional `entityRef`. @public */
export const designInputSchema = z.object({
  query: z
    .string()
    .min(5, 'query must be at least 5 characters')
    .max(2000, 'query must be at most 2000 characters')
    .describe('Observability, monitoring, logging, or tracing request'),
  context: z
    .object({
      observability_pillar: z
        .enum(['logs', 'metrics', 'traces', 'events'])
        .optional(),
      stack: z
        .enum(['elk', 'prometheus-grafana', 'datadog', 'newrelic', 'custom'])
        .optional(),
      environment: z.enum(['development', 'staging', 'production']).optional(),
      issue_type: z
        .enum(['performance', 'error', 'availability', 'debugging'])
        .optional(),
    })
    .optional(),
  /** Catalog entity to design for, e.g. `component:default/checkout`. */
  entityRef: z.string().min(1).max(500).optional(),
});

/** @public */
export type DesignInput = z.infer<typeof designInputSchema>;

type Pillar = 'logs' | 'metrics' | 'traces' | 'events';

const STACK_TOOLS: Record<string, string[]> = {
  'prometheus-grafana': [
    'Prometheus',
    'Alertmanager',
    'Grafana',
    'Loki',
    'OpenTelemetry Collector',
  ],
  elk: ['Elasticsearch', 'Logstash', 'Kibana', 'OpenTelemetry Collector'],
  datadog: ['Datadog Agent', 'OpenTelemetry Collector'],
  newrelic: ['New Relic', 'OpenTelemetry Collector'],
  custom: ['OpenTelemetry Collector', 'Prometheus-compatible rule engine'],
};

/** Alert names most relevant to each issue type, most relevant first. */
const ISSUE_ALERTS: Record<string, string[]> = {
  performance: ['HighLatencyP99', 'SLOErrorBudgetBurn', 'TrafficDrop'],
  error: ['HighErrorRate', 'LogErrorRateFallback', 'SLOErrorBudgetBurn'],
  availability: [
    'SLOErrorBudgetBurn',
    'TrafficDrop',
    'SLOMetricAbsent',
    'HighErrorRate',
  ],
  debugging: ['SLOMetricAbsent', 'LogErrorRateFallback', 'HighErrorRate'],
};

/** Keyword guess at the pillar when the context names none. */
function pillarFromQuery(query: string): Pillar | undefined {
  const q = query.toLowerCase();
  if (/\b(trac(e|es|ing)|spans?|opentelemetry|jaeger|zipkin)\b/.test(q))
    return 'traces';
  if (/\b(logs?|logging|loki|elk|correlation)\b/.test(q)) return 'logs';
  if (
    /\b(metrics?|alerts?|alerting|dashboards?|slos?|prometheus|latency|error rate)\b/.test(
      q,
    )
  )
    return 'metrics';
  return undefined;
}

/** A component with no annotations: the seed's defaults for a generic service. */
function genericSpec(config: GeneratorConfig): ObservabilitySpec {
  return parseSpec(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'my-service', namespace: 'default' },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'group:default/my-team',
      },
    },
    config,
  ).spec;
}

function rank(name: unknown, order: string[]): number {
  const i = order.indexOf(String(name));
  return i < 0 ? order.length : i;
}

/**
 * Answers a design request. Never throws for input that passed
 * {@link designInputSchema}.
 * @public
 */
export function designObservability(
  input: DesignInput,
  spec: ObservabilitySpec | undefined,
  config: GeneratorConfig,
): ObservabilityOutput {
  const subject = spec ?? genericSpec(config);
  const artifacts = generateArtifacts(subject, config);
  const base = artifacts.output;
  const context = input.context ?? {};
  const reasons: string[] = [];
  if (!spec) {
    reasons.push(
      'No entity given: this is the seed-default design for a generic service named "my-service", and the confidence score is capped at 0.3.',
    );
  }

  const level: DesignLevel = base.observability_design.level ?? 'BASIC_METRICS';
  reasons.push(base.observability_design.level_reason ?? '');
  let pillars = base.observability_design.pillars;
  let components = new Set(base.configuration.map(c => c.component));

  const asked: Pillar | undefined =
    context.observability_pillar ?? pillarFromQuery(input.query);
  if (asked) {
    if (!context.observability_pillar)
      reasons.push(`Pillar "${asked}" inferred from the query.`);
    const available =
      asked === 'events' || asked === 'metrics' || pillars.includes(asked);
    if (available) {
      pillars = [asked];
      components = new Set(PILLAR_COMPONENTS[asked]);
      reasons.push(`Narrowed to the "${asked}" pillar as asked.`);
    } else {
      reasons.push(
        `The "${asked}" pillar was asked for but this entity does not describe it; following the fallback order, the design stays at ${level}.`,
      );
    }
  }
  // Trace pipelines are configuration, not dependent on an existing trace link.
  if (asked === 'traces') components.add('opentelemetry-collector');
  const allConfiguration = artifacts.output.configuration.concat(
    artifacts.files
      .filter(f => f.id === 'otel-collector')
      .map(f => ({ component: 'opentelemetry-collector', config: f.content })),
  );
  const configuration = allConfiguration.filter(
    (c, i, all) =>
      components.has(c.component) &&
      all.findIndex(d => d.component === c.component) === i,
  );

  const stack = context.stack ?? 'prometheus-grafana';
  const tools = [...STACK_TOOLS[stack]];
  if (stack !== 'prometheus-grafana') {
    reasons.push(
      `Stack "${stack}": Redline writes Prometheus-format rules; ship telemetry through the OpenTelemetry Collector and recreate the listed alerts (same expressions and thresholds) in ${tools[0]}.`,
    );
  }

  let alerts = base.alerts;
  if (context.environment && context.environment !== 'production') {
    alerts = alerts.map(a => ({
      ...a,
      severity: a.severity === 'critical' ? 'warning' : a.severity,
    }));
    reasons.push(
      `Environment "${context.environment}": critical alerts are downgraded to warning so nothing pages outside production.`,
    );
  }
  let runbooks = base.runbooks;
  if (context.issue_type) {
    const order = ISSUE_ALERTS[context.issue_type];
    alerts = [...alerts].sort(
      (a, b) => rank(a.name, order) - rank(b.name, order),
    );
    const runbookOrder = artifacts.runbooks.map(r => r.alert);
    runbooks = [...runbooks]
      .map((markdown, i) => ({ markdown, name: runbookOrder[i] }))
      .sort((a, b) => rank(a.name, order) - rank(b.name, order))
      .map(r => r.markdown);
    reasons.push(
      `Issue type "${context.issue_type}": the most relevant alerts and runbooks come first.`,
    );
  }

  return {
    observability_design: {
      pillars,
      tools,
      dashboards: pillars.includes('metrics')
        ? base.observability_design.dashboards
        : [],
      level,
      level_reason: reasons.filter(Boolean).join(' '),
    },
    configuration,
    alerts,
    runbooks,
    confidence_score: spec
      ? base.confidence_score
      : Math.min(base.confidence_score, 0.3),
  };
}
