import { resolveGeneratorConfig } from '../spec/config';
import { designInputSchema, designObservability } from './design';
import { observabilityOutputSchema } from './outputSchema';
import { makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig();

describe('designInputSchema', () => {
  it("accepts the seed's input and rejects what its schema rejects", () => {
    expect(
      designInputSchema.safeParse({
        query: 'alerting for checkout',
        context: {
          observability_pillar: 'metrics',
          stack: 'prometheus-grafana',
          environment: 'production',
          issue_type: 'error',
        },
        entityRef: 'component:default/checkout',
      }).success,
    ).toBe(true);
    const tooShort = designInputSchema.safeParse({ query: 'abc' });
    expect(tooShort.success).toBe(false);
    expect(tooShort.error!.issues[0].path).toEqual(['query']);
    expect(
      designInputSchema.safeParse({ query: 'x'.repeat(2001) }).success,
    ).toBe(false);
    const badStack = designInputSchema.safeParse({
      query: 'hello world',
      context: { stack: 'splunk' },
    });
    expect(badStack.error!.issues[0].path).toEqual(['context', 'stack']);
  });
});

describe('designObservability', () => {
  it('returns a schema-valid design for an entity', () => {
    const output = designObservability(
      { query: 'design observability for checkout' },
      makeSpec(),
      config,
    );
    expect(observabilityOutputSchema.safeParse(output).success).toBe(true);
    expect(output.observability_design.level).toBe('FULL_OBSERVABILITY_DESIGN');
  });

  it('narrows to the pillar asked for', () => {
    const logs = designObservability(
      {
        query: 'how do I find errors?',
        context: { observability_pillar: 'logs' },
      },
      makeSpec(),
      config,
    );
    expect(logs.observability_design.pillars).toEqual(['logs']);
    expect(logs.configuration.map(c => c.component)).toEqual(['loki']);
    expect(logs.observability_design.dashboards).toEqual([]);

    const traces = designObservability(
      { query: 'set up distributed tracing' },
      makeSpec(),
      config,
    );
    expect(traces.observability_design.pillars).toEqual(['traces']);
    expect(traces.configuration.map(c => c.component)).toEqual([
      'opentelemetry-collector',
    ]);
    expect(traces.observability_design.level_reason).toContain(
      'inferred from the query',
    );
  });

  it('falls back along the seed order when the pillar is not described', () => {
    const spec = makeSpec({ links: {} });
    const output = designObservability(
      { query: 'logging please', context: { observability_pillar: 'logs' } },
      spec,
      config,
    );
    expect(output.observability_design.level).toBe('BASIC_METRICS');
    expect(output.observability_design.pillars).toEqual(['metrics']);
    expect(output.observability_design.level_reason).toContain(
      '"logs" pillar was asked for',
    );
  });

  it('picks tools by stack, pages nobody outside production, and orders by issue type', () => {
    const output = designObservability(
      {
        query: 'latency alerts',
        context: {
          stack: 'datadog',
          environment: 'staging',
          issue_type: 'performance',
        },
      },
      makeSpec(),
      config,
    );
    expect(output.observability_design.tools[0]).toBe('Datadog Agent');
    expect(output.alerts.every(a => a.severity !== 'critical')).toBe(true);
    expect(output.alerts[0].name).toBe('HighLatencyP99');
    expect(output.runbooks[0]).toMatch(/^# HighLatencyP99/);
    expect(output.observability_design.level_reason).toContain(
      'Environment "staging"',
    );
  });

  it('designs for a generic service when no entity is given', () => {
    const output = designObservability(
      { query: 'what should I monitor?' },
      undefined,
      config,
    );
    expect(observabilityOutputSchema.safeParse(output).success).toBe(true);
    expect(output.confidence_score).toBeLessThanOrEqual(0.3);
    expect(output.observability_design.level).toBe('BASIC_METRICS');
    expect(output.alerts.map(a => a.name)).toEqual(
      expect.arrayContaining([
        'HighErrorRate',
        'HighLatencyP99',
        'TrafficDrop',
      ]),
    );
  });
});
