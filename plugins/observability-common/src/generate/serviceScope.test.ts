import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe/describeEntity';
import { resolveGeneratorConfig } from '../spec/config';
import { grafanaDashboardUid } from './grafanaDashboard';
import { prometheusRuleName } from './prometheusRuleCrd';
import {
  NAMESPACE_LABEL,
  recordedSeriesLabels,
  scopedServiceName,
} from './serviceScope';

const config = resolveGeneratorConfig();

function dup(namespace: string, selector?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'dup',
      namespace,
      annotations: {
        'redline.dev/slo-availability': '99.9',
        'redline.dev/log-selector': '{app="dup"}',
        ...(selector ? { 'redline.dev/metrics-selector': selector } : {}),
      },
    },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

/** Every name an entity's artifacts are known by outside their own file. */
function namesOf(entity: Entity) {
  const { spec, artifacts } = describeEntity(entity, config);
  const file = (id: string) =>
    artifacts.files.find(f => f.id === id)?.content ?? '';
  return {
    folder: scopedServiceName(spec),
    ruleGroups: artifacts.rules.groups.map(g => g.name),
    prometheusRule: prometheusRuleName(spec),
    crdName: /^ {2}name: (.*)$/m.exec(file('prometheus-rule-crd'))?.[1],
    dashboardUid: JSON.parse(file('grafana-dashboard')).uid as string,
    recordedLabels: artifacts.rules.groups
      .flatMap(g => g.rules)
      .flatMap(r => ('record' in r ? [JSON.stringify(r.labels)] : [])),
    alertLabels: artifacts.alerts.map(a => a.labels),
    lokiGroups: /name: (.*-logs)/.exec(file('loki-rules'))?.[1],
  };
}

describe('names scoped by catalog namespace', () => {
  const ns1 = namesOf(dup('ns1', 'service="dup",namespace="ns1"'));
  const ns2 = namesOf(dup('ns2', 'service="dup",namespace="ns2"'));

  it('gives same-named services of two namespaces distinct names and uids', () => {
    expect(ns1.folder).toBe('ns1/dup');
    expect(ns1.ruleGroups).toEqual([
      'redline:ns1/dup:red',
      'redline:ns1/dup:slo:availability',
      'redline:ns1/dup:watchdog',
    ]);
    for (const key of [
      'folder',
      'prometheusRule',
      'dashboardUid',
      'lokiGroups',
    ] as const) {
      expect(ns1[key]).not.toBe(ns2[key]);
    }
    expect(ns1.crdName).toBe(ns1.prometheusRule);
    expect(ns1.prometheusRule).toMatch(/^redline-ns1-dup-[0-9a-z]+$/);
    expect(ns1.dashboardUid).toMatch(/^redline-ns1-dup-[0-9a-z]+$/);
    expect(ns1.dashboardUid.length).toBeLessThanOrEqual(40);
    for (const group of ns1.ruleGroups)
      expect(ns2.ruleGroups).not.toContain(group);
  });

  it('records and alerts with the namespace, so their series differ', () => {
    expect(new Set(ns1.recordedLabels)).toEqual(
      new Set([
        JSON.stringify({ service: 'dup', [NAMESPACE_LABEL]: 'ns1' }),
        JSON.stringify({
          service: 'dup',
          [NAMESPACE_LABEL]: 'ns1',
          slo: 'availability',
        }),
      ]),
    );
    for (const labels of ns2.alertLabels)
      expect(labels).toMatchObject({
        service: 'dup',
        [NAMESPACE_LABEL]: 'ns2',
      });
  });

  it('leaves names and series in the default namespace as they were', () => {
    const plain = namesOf(dup('default'));
    expect(plain).toMatchObject({
      folder: 'dup',
      ruleGroups: [
        'redline:dup:red',
        'redline:dup:slo:availability',
        'redline:dup:watchdog',
      ],
      prometheusRule: 'redline-dup',
      dashboardUid: 'redline-dup',
      lokiGroups: 'redline-dup-logs',
    });
    expect(plain.recordedLabels).toContain(JSON.stringify({ service: 'dup' }));
    expect(Object.keys(plain.alertLabels[0])).toEqual([
      'severity',
      'service',
      'team',
    ]);
    expect(grafanaDashboardUid('dup')).toBe('redline-dup');
  });

  it('treats the namespace as Backstage does: case-insensitively', () => {
    const { spec } = describeEntity(dup('NS1'), config);
    expect(recordedSeriesLabels(spec)).toEqual({
      service: 'dup',
      [NAMESPACE_LABEL]: 'ns1',
    });
  });
});
