import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { describeSpec } from '../describe/describeEntity';
import { evaluateChecks } from '../check/evaluateChecks';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { toEntityView } from './entityView';

describe('toEntityView', () => {
  const description = describeSpec(
    { spec: makeSpec(), findings: [] },
    DEFAULT_GENERATOR_CONFIG,
  );
  const live = {
    name: 'HighErrorRate',
    severity: 'critical',
    state: 'firing' as const,
    labels: { alertname: 'HighErrorRate', service: 'checkout' },
    annotations: {
      summary: 'Errors above 1 %',
      description: 'A long text with {{ $value }} that the tab does not show',
      runbook_url: 'https://runbooks.example.com/x',
    },
    count: 1,
  };
  const view = toEntityView({
    entityRef: 'component:default/checkout',
    description,
    gathered: {
      facts: {
        deployedRules: {
          status: 'ok',
          loadedAlerts: ['HighErrorRate'],
          loadedRecords: [],
        },
        firingAlerts: { status: 'ok', alerts: [live] },
      },
      alerts: {
        status: 'ok',
        source: 'prometheus',
        alerts: [live],
        rawCount: 1,
        storm: false,
      },
    },
    checks: evaluateChecks(description.spec, description.artifacts, {}),
    canApply: false,
  });

  it('says each thing once, without the texts the tab does not show', () => {
    expect(view.alerts.every(a => !('annotations' in a))).toBe(true);
    expect(view.runbooks.every(r => !('markdown' in r))).toBe(true);
    expect(view.artifacts.every(f => !('content' in f))).toBe(true);
    expect(view).not.toHaveProperty('output');
    // Each alert's own expression is listed; the targets' written-out
    // conditions would be a second copy.
    expect(view.redTargets).toHaveLength(3);
    expect(view.redTargets.every(t => !('alertExpr' in t))).toBe(true);
    expect(view.redTargets.map(t => t.promql)).toEqual(
      description.redTargets.map(t => t.promql),
    );
    expect(view.firing.alerts[0].annotations).toEqual({
      summary: 'Errors above 1 %',
      runbook_url: 'https://runbooks.example.com/x',
    });
  });

  it('states each generated alert as deployed and firing from the facts', () => {
    const high = view.alerts.find(a => a.name === 'HighErrorRate')!;
    expect(high).toMatchObject({ deployed: 'yes', firing: true });
    const latency = view.alerts.find(a => a.name === 'HighLatencyP99')!;
    expect(latency).toMatchObject({ deployed: 'no', firing: false });
  });
});
