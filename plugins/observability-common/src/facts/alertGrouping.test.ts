import {
  fromAlertmanager,
  fromPrometheusRules,
  groupAlerts,
} from './alertGrouping';

describe('groupAlerts', () => {
  it('drops exact duplicates, folds per-instance copies and keeps distinct alerts apart', () => {
    const grouped = groupAlerts([
      {
        fingerprint: 'f1',
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          service: 'checkout',
          instance: 'a',
        },
        annotations: {},
        state: 'firing',
        activeAt: '2026-11-25T02:00:00Z',
      },
      {
        fingerprint: 'f1',
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          service: 'checkout',
          instance: 'a',
        },
        annotations: {},
        state: 'firing',
      },
      {
        fingerprint: 'f2',
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          service: 'checkout',
          instance: 'b',
          pod: 'p-2',
        },
        annotations: {},
        state: 'pending',
        activeAt: '2026-11-25T01:00:00Z',
      },
      {
        fingerprint: 'f3',
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          service: 'checkout',
          route: '/pay',
        },
        annotations: {},
        state: 'firing',
      },
      {
        fingerprint: 'f4',
        labels: {
          alertname: 'HighLatencyP99',
          severity: 'warning',
          service: 'checkout',
        },
        annotations: { summary: 's' },
        state: 'suppressed',
      },
    ]);
    expect(grouped).toEqual([
      {
        name: 'HighErrorRate',
        severity: 'critical',
        state: 'firing',
        labels: {
          alertname: 'HighErrorRate',
          service: 'checkout',
          severity: 'critical',
        },
        annotations: {},
        activeAt: '2026-11-25T01:00:00Z',
        count: 2,
      },
      {
        name: 'HighErrorRate',
        severity: 'critical',
        state: 'firing',
        labels: {
          alertname: 'HighErrorRate',
          route: '/pay',
          service: 'checkout',
          severity: 'critical',
        },
        annotations: {},
        activeAt: undefined,
        count: 1,
      },
      {
        name: 'HighLatencyP99',
        severity: 'warning',
        state: 'suppressed',
        labels: {
          alertname: 'HighLatencyP99',
          service: 'checkout',
          severity: 'warning',
        },
        annotations: { summary: 's' },
        activeAt: undefined,
        count: 1,
      },
    ]);
  });

  it('maps Alertmanager and Prometheus states', () => {
    const am = fromAlertmanager([
      {
        fingerprint: 'a',
        labels: { alertname: 'A' },
        annotations: {},
        status: { state: 'active' },
        startsAt: 't1',
      },
      {
        fingerprint: 'b',
        labels: { alertname: 'B' },
        annotations: {},
        status: { state: 'suppressed' },
      },
      {
        fingerprint: 'c',
        labels: { alertname: 'C' },
        annotations: {},
        status: { state: 'unprocessed' },
      },
    ]);
    expect(am.map(a => [a.labels.alertname, a.state, a.activeAt])).toEqual([
      ['A', 'firing', 't1'],
      ['B', 'suppressed', undefined],
      ['C', 'pending', undefined],
    ]);
    const prom = fromPrometheusRules([
      {
        type: 'alerting',
        name: 'HighErrorRate',
        query: 'x',
        alerts: [
          {
            labels: { service: 's' },
            annotations: {},
            state: 'pending',
            activeAt: 't',
          },
        ],
      },
      { type: 'recording', name: 'r', query: 'y' },
    ]);
    expect(prom).toEqual([
      {
        labels: { alertname: 'HighErrorRate', service: 's' },
        annotations: {},
        state: 'pending',
        activeAt: 't',
      },
    ]);
  });
});
