import type { Entity } from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEntity } from '../describe/describeEntity';
import { parseSpec } from '../spec/parseSpec';
import { DEFAULT_METRIC_NAMES, resolveGeneratorConfig } from '../spec/config';
import { openSloFileReference, withOpenSloText } from './entityOpenSlo';
import { exportOpenSlo, renderOpenSloYaml } from './exportOpenSlo';
import { importOpenSlo } from './importOpenSlo';
import { OPENSLO_ANNOTATION, parseOpenSloDocuments } from './parseDocuments';

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});
const target = {
  metrics: DEFAULT_METRIC_NAMES,
  selector: 'service="checkout"',
  serviceName: 'checkout',
};

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

function fixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

function importText(text: string) {
  const parsed = parseOpenSloDocuments(text);
  const imported = importOpenSlo(parsed.documents, target);
  return { ...imported, findings: [...parsed.findings, ...imported.findings] };
}

const ids = (findings: Array<{ id: string }>) => findings.map(f => f.id).sort();

describe('the specification’s examples', () => {
  it.each([
    [
      'budgeting-method-occurences-slo.yaml',
      [
        'openslo.service-differs',
        'openslo.slo-unsupported',
        'openslo.time-window-unsupported',
      ],
    ],
    [
      'budgeting-method-ratio-timeslices.yaml',
      [
        'openslo.objective-unsupported',
        'openslo.service-differs',
        'openslo.slo-unsupported',
        'openslo.slo-unsupported',
        'openslo.time-window-unsupported',
      ],
    ],
    [
      'budgeting-method-timeslices-slo.yaml',
      [
        'openslo.objective-unsupported',
        'openslo.objective-unsupported',
        'openslo.service-differs',
        'openslo.slo-unsupported',
        'openslo.slo-unsupported',
        'openslo.time-window-unsupported',
      ],
    ],
    [
      'treat-low-traffic-as-equally-important-timeslices-slo.yaml',
      [
        'openslo.objective-unsupported',
        'openslo.service-differs',
        'openslo.slo-unsupported',
        'openslo.slo-unsupported',
        'openslo.time-window-unsupported',
        'openslo.time-window-unsupported',
      ],
    ],
    [
      'readme-examples.yaml',
      [
        'openslo.budgeting-method-missing',
        'openslo.datasource-unsupported',
        'openslo.duplicate',
        'openslo.service-differs',
        'openslo.slo-unsupported',
        'openslo.unused',
        'openslo.unused',
        'openslo.unused',
      ],
    ],
  ])(
    '%s parses; what Redline cannot generate is a finding',
    (file, expected) => {
      const parsed = parseOpenSloDocuments(fixture(file));
      expect(parsed.findings).toEqual([]);
      expect(parsed.documents.length).toBeGreaterThan(0);
      const imported = importOpenSlo(parsed.documents, target);
      expect(imported.slos).toEqual([]);
      expect(ids(imported.findings)).toEqual(expected);
      for (const f of imported.findings)
        expect(f.annotation).toBe(OPENSLO_ANNOTATION);
    },
  );

  it('names every reason an SLO is not generated', () => {
    const messages = importText(
      fixture('budgeting-method-ratio-timeslices.yaml'),
    ).findings.map(f => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('budgetingMethod RatioTimeslices'),
        expect.stringContaining(
          'type "Any", and Redline generates Prometheus rules only',
        ),
        expect.stringContaining(
          'the rolling window 2w is not one Redline generates for',
        ),
      ]),
    );
  });
});

describe('import', () => {
  const base = parseSpec(
    entity({
      'redline.dev/slo-availability': '99.9',
      'redline.dev/slo-latency': '99% < 300ms',
    }),
    config,
  ).spec;
  const exported = renderOpenSloYaml(exportOpenSlo(base).documents);

  it('reads back the SLOs it exported', () => {
    const imported = importText(exported);
    expect(imported.findings).toEqual([]);
    expect(imported.slos).toEqual([
      {
        slo: 'availability',
        objectivePercent: 99.9,
        source: 'checkout-availability',
      },
      {
        slo: 'latency',
        objectivePercent: 99,
        thresholdSeconds: 0.3,
        source: 'checkout-latency',
      },
    ]);
    expect(imported.window).toEqual({ type: 'rolling', days: 30 });
  });

  it.each(['7d', '28d', '30d', 'month', 'week'])(
    'keeps the %s window: same rules byte for byte',
    window => {
      const annotations = {
        'redline.dev/slo-availability': '99.95',
        'redline.dev/slo-latency': '99.5% < 250ms',
        'redline.dev/slo-window': window,
      };
      const before = describeEntity(entity(annotations), config);
      const yaml = renderOpenSloYaml(exportOpenSlo(before.spec).documents);
      const after = describeEntity(
        entity({ [OPENSLO_ANNOTATION]: yaml }),
        config,
      );
      expect(
        after.findings.filter(f => f.annotation === OPENSLO_ANNOTATION),
      ).toEqual([]);
      const rules = (d: typeof before) =>
        d.artifacts.files.find(f => f.path === 'prometheus-rules.yaml')!
          .content;
      expect(rules(after)).toBe(rules(before));
      expect(after.spec.slos[0].window).toEqual(before.spec.slos[0].window);
    },
  );

  const handWritten = (overrides: {
    good?: string;
    total?: string;
    window?: string;
    condition?: string;
  }) => `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - ${overrides.window ?? 'duration: 28d\n      isRolling: true'}
  objectives:
    - targetPercent: 99.5
  indicator:
    metadata:
      name: latency
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: prometheus
            spec:
              query: ${
                overrides.good ??
                'sum(http_request_duration_seconds_bucket{service="checkout", le="0.25"})'
              }
        total:
          metricSource:
            type: prometheus
            spec:
              query: ${
                overrides.total ??
                'sum(http_request_duration_seconds_count{service="checkout"})'
              }
  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: fast
      spec:
        conditions:
          - kind: AlertCondition
            metadata:
              name: fast
            spec:
              severity: critical
              condition: { op: gt, threshold: ${
                overrides.condition ?? '13.44'
              }, lookbackWindow: 1h }
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata:
              name: am
            spec:
              target: Alertmanager
`;

  it('recognises a hand-written latency SLI with le="<seconds>" and a matching burn tier', () => {
    const imported = importText(handWritten({}));
    expect(imported.findings).toEqual([]);
    expect(imported.slos).toEqual([
      {
        slo: 'latency',
        objectivePercent: 99.5,
        thresholdSeconds: 0.25,
        source: 'checkout-latency',
      },
    ]);
    expect(imported.window).toEqual({ type: 'rolling', days: 28 });
  });

  it('refuses a query that is not the entity’s, saying which queries it expects', () => {
    const imported = importText(
      handWritten({ total: 'sum(rate(other_total[5m]))' }),
    );
    expect(imported.slos).toEqual([]);
    expect(imported.findings).toEqual([
      expect.objectContaining({
        id: 'openslo.slo-unsupported',
        severity: 'error',
        message: expect.stringContaining(
          'sum(http_requests_total{service=\\"checkout\\"})',
        ),
      }),
    ]);
  });

  it('reports a burn-rate condition Redline does not generate', () => {
    const imported = importText(handWritten({ condition: '2' }));
    expect(imported.slos).toHaveLength(1);
    expect(imported.findings).toEqual([
      expect.objectContaining({
        id: 'openslo.alert-condition-unsupported',
        message: expect.stringContaining('gt 13.44 over 1h'),
      }),
    ]);
  });

  it('aligns a calendar window in another time zone to UTC, with a finding', () => {
    const imported = importText(
      handWritten({
        window:
          "duration: 1M\n      calendar: { startTime: '2024-03-01 00:00:00', timeZone: Europe/Berlin }",
        condition: '14.4',
      }),
    );
    expect(imported.window).toEqual({ type: 'calendar', period: 'month' });
    expect(ids(imported.findings)).toEqual(['openslo.time-window-unsupported']);
  });

  it('reports an invalid document with its field, and reads the rest', () => {
    const text = `${exported}---\napiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\nspec:\n  service: checkout\n  indicatorRef: a\n  objectives:\n    - target: 1.5\n`;
    const parsed = parseOpenSloDocuments(text);
    expect(parsed.findings).toEqual([
      expect.objectContaining({
        id: 'openslo.invalid',
        value: 'spec.objectives[0].target',
        message: expect.stringContaining(
          '(SLO "x"): spec.objectives[0].target must be below 1',
        ),
      }),
    ]);
    expect(importOpenSlo(parsed.documents, target).slos).toHaveLength(2);
  });
});

describe('redline.dev/openslo on an entity', () => {
  it('replaces the slo-* annotations, with a finding when both are set', () => {
    const yaml = renderOpenSloYaml(
      exportOpenSlo(
        parseSpec(entity({ 'redline.dev/slo-availability': '99.5' }), config)
          .spec,
      ).documents,
    );
    const parsed = parseSpec(
      entity({
        'redline.dev/slo-availability': '99.9',
        [OPENSLO_ANNOTATION]: yaml,
      }),
      config,
    );
    expect(
      parsed.spec.slos.map(s => [s.slo, s.objectivePercent, s.annotation]),
    ).toEqual([['availability', 99.5, OPENSLO_ANNOTATION]]);
    expect(ids(parsed.findings)).toContain('openslo.conflict');
    expect(parsed.spec.describedAnnotations).toContain(OPENSLO_ANNOTATION);
  });

  it('reports a file that was not read, keeping the slo-* annotations', () => {
    const e = entity({
      'redline.dev/slo-availability': '99.9',
      [OPENSLO_ANNOTATION]: './openslo.yaml',
    });
    expect(openSloFileReference(e)).toBe('./openslo.yaml');
    const parsed = parseSpec(e, config);
    expect(parsed.spec.slos.map(s => s.annotation)).toEqual([
      'redline.dev/slo-availability',
    ]);
    expect(parsed.findings).toContainEqual(
      expect.objectContaining({
        id: 'openslo.unread',
        value: './openslo.yaml',
      }),
    );
  });

  it.each([
    '../other/openslo.yaml',
    '/etc/openslo.yaml',
    'https://example.com/openslo.yaml',
    'openslo.json',
  ])('refuses %s as a file reference', path => {
    const e = entity({ [OPENSLO_ANNOTATION]: path });
    expect(openSloFileReference(e)).toBeUndefined();
    expect(parseSpec(e, config).findings).toContainEqual(
      expect.objectContaining({
        id: 'annotation.invalid',
        annotation: OPENSLO_ANNOTATION,
      }),
    );
  });

  it('describes an entity whose file text was read like inline documents', () => {
    const yaml = renderOpenSloYaml(
      exportOpenSlo(
        parseSpec(entity({ 'redline.dev/slo-availability': '99.5' }), config)
          .spec,
      ).documents,
    );
    const original = entity({ [OPENSLO_ANNOTATION]: 'openslo.yaml' });
    const read = withOpenSloText(original, yaml);
    expect(original.metadata.annotations![OPENSLO_ANNOTATION]).toBe(
      'openslo.yaml',
    );
    expect(
      parseSpec(read, config).spec.slos.map(s => s.objectivePercent),
    ).toEqual([99.5]);
  });
});
