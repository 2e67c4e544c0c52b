import { parse } from 'yaml';
import { resolveGeneratorConfig } from '../spec/config';
import { parseSpec } from '../spec/parseSpec';
import {
  generateLokiRules,
  generateOtelCollectorConfig,
  renderLokiRulesYaml,
} from './pillars';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

describe('generateOtelCollectorConfig', () => {
  it('keeps only this service’s spans, tags the team and exports to an endpoint from the environment', () => {
    const doc = parse(generateOtelCollectorConfig(makeSpec(), config));
    expect(doc.processors['filter/redline-checkout'].traces.span).toEqual([
      'resource.attributes["service.name"] != "checkout"',
    ]);
    expect(
      doc.processors['resource/redline-checkout'].attributes,
    ).toContainEqual({
      key: 'team',
      value: 'payments',
      action: 'upsert',
    });
    expect(doc.exporters['otlp/traces'].endpoint).toBe(
      '${env:TRACES_OTLP_ENDPOINT}',
    );
    expect(doc.service.pipelines['traces/redline-checkout']).toEqual({
      receivers: ['otlp'],
      processors: [
        'memory_limiter',
        'filter/redline-checkout',
        'resource/redline-checkout',
        'batch',
      ],
      exporters: ['otlp/traces'],
    });
  });

  it('quotes hostile service names inside OTTL and keeps component ids simple', () => {
    const spec = makeSpec({
      serviceName: { value: 'a"b\\c d', source: 'annotation' },
    });
    const doc = parse(generateOtelCollectorConfig(spec, config));
    const filters = Object.keys(doc.processors).filter(k =>
      k.startsWith('filter/'),
    );
    expect(filters).toEqual(['filter/redline-a-b-c-d']);
    expect(doc.processors[filters[0]].traces.span[0]).toBe(
      'resource.attributes["service.name"] != "a\\"b\\\\c d"',
    );
  });
});

describe('generateLokiRules', () => {
  it('is absent when no logs source is declared', () => {
    expect(generateLokiRules(makeBareSpec(), config)).toBeUndefined();
  });

  it('alerts on the share of error-level log lines, guarded against no logs', () => {
    const result = generateLokiRules(makeSpec(), config)!;
    expect(result.findings).toEqual([]);
    const [alert] = result.alerts;
    expect(alert).toMatchObject({
      name: 'LogErrorRateFallback',
      severity: 'warning',
      for: '5m',
      labels: {
        severity: 'warning',
        service: 'checkout',
        team: 'payments',
        signal: 'logs',
      },
      runbookPath: 'runbooks/LogErrorRateFallback.md',
    });
    expect(alert.expr).toBe(
      [
        'sum(count_over_time({app="checkout"} |~ `(?i)"?(level|severity)"?\\s*[=:]\\s*"?(error|err|critical|fatal|50|60)\\b` [5m]))',
        '/',
        '(sum(count_over_time({app="checkout"} [5m])) > 0)',
        '> 0.01',
      ].join('\n'),
    );
    expect(alert.annotations.description).toContain(
      '{{ $value | humanizePercentage }}',
    );
    const doc = parse(renderLokiRulesYaml(result.rules));
    expect(doc.groups[0].rules[0].alert).toBe('LogErrorRateFallback');
    expect(doc.groups[0].rules[0].expr).toBe(alert.expr);
  });

  it('generates nothing for a selector that is not a stream selector: parseSpec reports it and drops it', () => {
    for (const logSelector of [
      'app="x"',
      '{app="x"} or vector(1)',
      '{app="x"}} |= "a"',
      '{}',
    ]) {
      const { spec, findings } = parseSpec(
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'checkout',
            annotations: { 'redline.dev/log-selector': logSelector },
          },
          spec: { type: 'service', owner: 'payments' },
        },
        config,
      );
      expect(findings).toContainEqual(
        expect.objectContaining({
          id: 'annotation.invalid',
          annotation: 'redline.dev/log-selector',
        }),
      );
      expect(spec.links.logSelector).toBeUndefined();
      expect(generateLokiRules(spec, config)).toBeUndefined();
    }
  });
});
