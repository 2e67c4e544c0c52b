import {
  DEFAULT_METRIC_NAMES,
  findMetricNameProblems,
  resolveGeneratorConfig,
} from './config';
import type { Finding } from './types';

describe('resolveGeneratorConfig', () => {
  it('keeps valid names, treats undefined overrides as absent and trims the portal URL', () => {
    const config = resolveGeneratorConfig({
      portalBaseUrl: 'https://portal.example.com//',
      metrics: { serviceLabel: 'app', statusLabel: undefined },
    });
    expect(config.portalBaseUrl).toBe('https://portal.example.com');
    expect(config.metrics).toEqual({
      ...DEFAULT_METRIC_NAMES,
      serviceLabel: 'app',
    });
  });

  it('replaces each invalid name by its default, with one finding naming the key', () => {
    const findings: Finding[] = [];
    const config = resolveGeneratorConfig(
      {
        metrics: {
          requestsTotal: 'requests-total',
          durationHistogram: 'latency_seconds',
          statusLabel: 'code:class',
          serviceLabel: '1app',
        },
      },
      findings,
    );
    expect(config.metrics).toMatchObject({
      requestsTotal: 'http_requests_total',
      durationHistogram: 'latency_seconds',
      statusLabel: 'status',
      serviceLabel: 'service',
    });
    expect(findings.map(f => [f.id, f.value])).toEqual([
      ['generate.metric-name-invalid', 'requests-total'],
      ['generate.label-name-invalid', 'code:class'],
      ['generate.label-name-invalid', '1app'],
    ]);
    expect(findings[2].message).toContain('observability.metrics.serviceLabel');
  });
});

describe('findMetricNameProblems', () => {
  it('names the key, the kind of name and the syntax it must follow', () => {
    expect(findMetricNameProblems({ serviceLabel: 'app-name' })).toEqual([
      {
        key: 'serviceLabel',
        value: 'app-name',
        kind: 'label',
        expected: '[a-zA-Z_][a-zA-Z0-9_]*, not starting with __',
      },
    ]);
    expect(
      findMetricNameProblems({ requestsTotal: 'ns:requests_total' }),
    ).toEqual([]);
  });

  it('refuses the names Prometheus reserves for itself', () => {
    expect(
      findMetricNameProblems({
        requestsTotal: '__proto__',
        serviceLabel: '__name__',
      }).map(p => p.key),
    ).toEqual(['requestsTotal', 'serviceLabel']);
  });
});
