import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import {
  computeRedTargets,
  DEFAULT_GENERATOR_CONFIG,
  generateArtifacts,
  parseSpec,
  type FiringAlert,
} from '@redline/backstage-plugin-observability-common';
import { backgroundContext } from '../telemetry/context';
import { alertStatesOf, EntityFactsService } from './EntityFactsService';

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

describe('EntityFactsService.liveValues', () => {
  it('answers only after every RED query has settled, so no query keeps calling a Prometheus the view gave up on', async () => {
    const { spec } = parseSpec(entity, DEFAULT_GENERATOR_CONFIG);
    const redTargets = computeRedTargets(spec);
    let pending = 0;
    let settledAfterAnswer = false;
    let answered = false;
    // One signal fails at once, the others fail later (as if still retrying).
    const prometheus = {
      instance: { name: 'main', url: 'http://127.0.0.1:1', default: true },
      async queryRange(promql: string) {
        pending++;
        const delay = promql === redTargets[0].promql ? 0 : 50;
        await new Promise(resolve => setTimeout(resolve, delay));
        pending--;
        if (answered) settledAfterAnswer = true;
        throw Object.assign(new Error('connection refused'), { attempts: 3 });
      },
    };
    const service = EntityFactsService.create({
      catalog: {} as any,
      prometheus: [prometheus as any],
      alertmanagers: [],
      runbooks: {} as any,
      stormThreshold: 50,
    });
    const live = await service.liveValues(
      spec,
      redTargets,
      backgroundContext(mockServices.logger.mock()),
    );
    answered = true;
    expect(pending).toBe(0);
    expect(live?.status).toBe('fallback-logs');
    expect(live?.reason).toContain('connection refused after 3 attempts');
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(settledAfterAnswer).toBe(false);
  });
});
