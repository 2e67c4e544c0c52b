import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_GENERATOR_CONFIG,
  generateArtifacts,
  parseSpec,
  type FiringAlert,
} from '@redline/backstage-plugin-observability-common';
import { alertStatesOf } from './EntityFactsService';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: {
      'redline.dev/slo-availability': '99.9',
      'redline.dev/slo-latency': '99% < 300ms',
      'redline.dev/log-selector': '{app="checkout"}',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

function artifacts() {
  const { spec, findings } = parseSpec(entity, DEFAULT_GENERATOR_CONFIG);
  return generateArtifacts(spec, DEFAULT_GENERATOR_CONFIG, findings);
}

function firing(labels: Record<string, string>): FiringAlert {
  return {
    name: labels.alertname,
    state: 'firing',
    labels,
    annotations: {},
    count: 1,
  };
}

describe('alertStatesOf', () => {
  it('marks only the burning SLO and window as firing, not every alert with the same name', () => {
    const generated = artifacts();
    const states = alertStatesOf(generated, {
      firingAlerts: {
        status: 'ok',
        alerts: [
          firing({
            alertname: 'SLOErrorBudgetBurn',
            slo: 'availability',
            burn_window: 'fast',
          }),
        ],
      },
    });
    const firingKeys = states.filter(s => s.firing).map(s => s.key);
    expect(firingKeys).toEqual(['SLOErrorBudgetBurn:availability:fast']);
    // The latency SLO shares the alert name and must stay quiet.
    expect(
      states.some(s => s.key.startsWith('SLOErrorBudgetBurn:latency')),
    ).toBe(true);
  });

  it('reports the Loki fallback alert as unknown in Prometheus, the rest as deployed or not', () => {
    const generated = artifacts();
    const prometheusNames = generated.alerts
      .filter(a => a.name !== 'LogErrorRateFallback')
      .map(a => a.name);
    const states = alertStatesOf(generated, {
      deployedRules: {
        status: 'ok',
        loadedAlerts: prometheusNames,
        loadedRecords: [],
      },
    });
    const byKey = Object.fromEntries(states.map(s => [s.key, s.deployed]));
    expect(byKey.LogErrorRateFallback).toBe('unknown');
    expect(byKey.HighErrorRate).toBe('yes');
    expect(Object.values(byKey).filter(d => d === 'no')).toEqual([]);
  });

  it('is unknown everywhere when Prometheus did not answer', () => {
    const states = alertStatesOf(artifacts(), {
      deployedRules: { status: 'unknown', reason: 'connection refused' },
    });
    expect(new Set(states.map(s => s.deployed))).toEqual(new Set(['unknown']));
    expect(states.some(s => s.firing)).toBe(false);
  });
});
